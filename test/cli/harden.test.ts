/**
 * Issue 9 through the CLI: the run-limit flags, `-` for standard output, the exact seed echo,
 * and the cases that once ended in a stack trace or an unbounded run.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/parse.js';
import { runCli } from '../fuzz/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'shrinksim-harden-'));
const file = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('run-limit flags', () => {
  it('--max-events/--max-samples/--max-trace-lines on run and check', () => {
    const r = parseCli(['run', 'x.yaml', '--max-events', '10', '--max-samples', '20', '--max-trace-lines', '30']);
    expect(r.ok === true && r.cmd.command === 'run' && r.cmd.limits).toEqual({ events: 10, samples: 20, traceLines: 30 });
    const c = parseCli(['check', 'x.yaml', '--baseline', 'b.json', '--max-samples', '5']);
    expect(c.ok === true && c.cmd.command === 'check' && c.cmd.limits).toEqual({ samples: 5 });
    expect(parseCli(['run', '--max-events', '0'])).toEqual({ ok: false, message: 'shrinksim: --max-events: expected a positive integer, got "0"', exitCode: 2 });
  });
  it('--seed beyond 2^53 is refused, echoed exactly', () => {
    expect(parseCli(['run', '--seed', '18446744073709551616'])).toEqual({
      ok: false,
      message: 'shrinksim: --seed: expected an integer from 0 to 9007199254740991 (2^53-1), got "18446744073709551616"',
      exitCode: 2,
    });
  });
  it('a billion transactions a second: refused before the run, exit 2, one line', async () => {
    const f = file('rate.yaml', 'binder: {procs: [{name: app}]}\nworkload:\n  binder: [{proc: app, rate: 1000000000/s}]\nduration: 1s\n');
    const r = await runCli(['run', f, '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${f}: workload.binder[0].rate (about 1,000,000,011 events in all): exceeds the limit of 50,000,000 events (raise it with --max-events N or limits.events in the scenario)\n`,
    );
  });
  it('sample: 1ns refused; the flag can lower a limit below what the scenario needs', async () => {
    const f = file('sample.yaml', 'duration: 1s\n');
    const r = await runCli(['run', f, '-q', '--max-samples', '10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${f}: sample (11 samples of 100000000 ns over 1000000000 ns): exceeds the limit of 10 samples (raise it with --max-samples N or limits.samples in the scenario)\n`,
    );
  });
});

describe('once a stack trace', () => {
  it('a ULONG_MAX/4 shrinker under anon pressure runs (reclaim cost saturates, no bad time)', async () => {
    const f = file(
      'ulong.yaml',
      'duration: 2s\nmemory: {total: 512MiB, anon: 400MiB, page_cache: 50MiB}\nshrinkers:\n  - {name: big, kind: custom, count: {source: fixed, objects: ULONG_MAX/4}, count_limit: ULONG_MAX/4}\nworkload:\n  memory: [{pool: anon, rate: 100MiB/s}]\n',
    );
    const r = await runCli(['run', f, '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // kswapd's pass is priced segment by segment: its LRU part (256 page-cache pages at
    // 100 + 1,500 ns, one shrink_node at 2,000 ns: 411,600 ns), then the bulk scan of
    // ULONG_MAX/4 objects, saturated at 2^50 ns.
    expect(r.stdout).toContain(`kswapd busy ${(2 ** 50 + 411_600) / 1e9} s`);
  });
  it('101 aliases of one value run; a seed of 2^64 is one line', async () => {
    const ok = file('alias.yaml', `sample: &t 100ms\nscript:\n${Array(101).fill('  - advance: {by: *t}').join('\n')}\n`);
    expect((await runCli(['run', ok, '-q'])).code).toBe(0);
    const seed = file('seed.yaml', 'seed: 18446744073709551616\n');
    expect(await runCli(['run', seed, '-q'])).toMatchObject({ code: 2, stderr: `${seed}: seed: expected a number ≤ 9007199254740991 (2^53-1), got "18446744073709551616"\n` });
  });
});

describe('outputs', () => {
  it('`--json -` writes the JSON to stdout (no summary mixed in) and creates no file named -', async () => {
    const f = file('small.yaml', 'name: small\nshrinkers: []\nscript:\n  - shrink_slab: {priority: 0}\n');
    const r = await runCli(['run', f, '--json', '-']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).scenario.name).toBe('small');
    expect(readdirSync(process.cwd())).not.toContain('-');
  });
});
