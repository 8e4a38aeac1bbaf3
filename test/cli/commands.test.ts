/**
 * The run / check / schema commands end to end, in-process through `main(argv)` with stdout
 * and stderr captured. Output files go to a temporary directory.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../captureIo.js';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { defaultScenario } from '../../src/cli/commands/run.js';
import { VERSION } from '../../src/version.js';

const io = captureIo();

const dir = mkdtempSync(join(tmpdir(), 'shrinksim-cli-'));
const SMALL = join(dir, 'small.yaml');
writeFileSync(
  SMALL,
  `# a tiny scripted scenario
name: small
shrinkers: [{name: sb, kind: superblock, count: 5000}]
binder: {procs: [{name: p, mmap: 128KiB}]}
script:
  - alloc: {proc: p, buffer: a, data: 40000}
  - free: {proc: p, buffer: a}
  - alloc: {proc: p, buffer: huge, data: 1MiB}
  - shrink_slab: {priority: 0}
  - snapshot: {label: end}
`,
);

describe('shrinksim run', () => {
  it('the default scenario is found relative to the package', () => {
    expect(defaultScenario().endsWith(join('scenarios', 'default.yaml'))).toBe(true);
    expect(readFileSync(defaultScenario(), 'utf8')).toMatch(/^# /);
  });

  it('prints a summary (no colour off a TTY) and writes JSON, CSV and trace', async () => {
    const json = join(dir, 'r.json');
    const csv = join(dir, 'r.csv');
    const trace = join(dir, 'r.trace');
    const code = await main(['run', SMALL, '--json', json, '--csv', csv, '--trace', trace, '--seed', '9']);
    expect(io.err).toBe('');
    expect(code).toBe(0);
    expect(io.out).toContain('scenario small');
    expect(io.out).toContain('seed 9');
    expect(io.out).not.toMatch(/\u001b\[/);
    // The step error (1 MiB in a 128 KiB space) is reported and the run went on.
    expect(io.out).toMatch(/#2 alloc at 0 s: ENOSPC/);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.schemaVersion).toBe(1);
    expect(doc.seed).toBe(9);
    expect(doc.scenario).toMatchObject({ name: 'small', file: SMALL });
    expect(doc.scenario.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(doc.snapshots[0].label).toBe('end');
    expect(doc.steps[2]).toMatchObject({ index: 2, kind: 'alloc', ok: false, error: 'ENOSPC' });
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toMatch(/^time_s,free_pages,/);
    const t = readFileSync(trace, 'utf8');
    expect(t.startsWith('# tracer: nop')).toBe(true);
    // The scenario hash is stamped into the trace as a comment line right after the tracer line.
    expect(t.split('\n')[1]).toBe(`# shrinksim ${VERSION} scenario small ${doc.scenario.hash} seed 9 kernel ${doc.kernel}`);
    expect(t).toMatch(/mm_shrink_slab_start: /);
    // No temporary files left behind.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('--quiet prints nothing; --print-resolved prints the resolved scenario and its hash', async () => {
    expect(await main(['run', SMALL, '-q'])).toBe(0);
    expect(io.out).toBe('');
    expect(await main(['run', SMALL, '--print-resolved', '--seed', '5'])).toBe(0);
    const doc = JSON.parse(io.out);
    expect(doc.hash).toMatch(/^sha256:/);
    expect(doc.seed).toBe(5);
    expect(doc.memory.totalPages).toBe(524288);
    expect(doc.shrinkers[0].count).toEqual({ source: 'list', objects: 5000, growth: 0, max: 5000 });
  });

  it('a bad scenario: one line on stderr, exit 2, no output file', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'binder: {procs: [{name: p}]}\nworkload: {binder: [{proc: p, rate: -3}]}\n');
    const json = join(dir, 'bad.json');
    expect(await main(['run', bad, '--json', json])).toBe(2);
    expect(io.err).toBe(`${bad}: workload.binder[0].rate: expected a positive rate like "200/s", got "-3"\n`);
    expect(readdirSync(dir)).not.toContain('bad.json');
  });

  it('an unwritable output: one line, exit 2', async () => {
    expect(await main(['run', SMALL, '-q', '--json', join(dir, 'no', 'such', 'dir.json')])).toBe(2);
    expect(io.err).toBe(`${join(dir, 'no', 'such', 'dir.json')}: no such directory\n`);
  });
});

describe('shrinksim check', () => {
  const base = join(dir, 'small.baseline.json');

  it('--update writes a baseline; the same run then passes (exit 0)', async () => {
    expect(await main(['check', SMALL, '--baseline', base, '--update'])).toBe(0);
    expect(io.out).toMatch(/^baseline written: .*small\.baseline\.json \(\d+ counts, seed 1\)\n$/);
    io.out = '';
    expect(await main(['check', SMALL, '--baseline', base])).toBe(0);
    expect(io.out).toMatch(/ok: \d+ counts within tolerance 0 \(exact\)/);
  });

  it('a regression exits 1 with a table of what moved', async () => {
    const b = JSON.parse(readFileSync(base, 'utf8'));
    b.metrics['shrinker.sb.freed'] = Number(b.metrics['shrinker.sb.freed']) + 1000;
    const moved = join(dir, 'moved.json');
    writeFileSync(moved, JSON.stringify(b));
    expect(await main(['check', SMALL, '--baseline', moved])).toBe(1);
    expect(io.out).toMatch(/1 of \d+ counts moved beyond tolerance 0 \(exact\):/);
    expect(io.out).toMatch(/shrinker\.sb\.freed\s+\d+\s+\d+\s+-1000 \(/);
    io.out = '';
    // Within a generous tolerance it passes.
    expect(await main(['check', SMALL, '--baseline', moved, '--tolerance', '100%'])).toBe(0);
  });

  it('bad input exits 2: missing baseline, bad tolerance', async () => {
    expect(await main(['check', SMALL, '--baseline', join(dir, 'none.json')])).toBe(2);
    expect(io.err).toBe(`${join(dir, 'none.json')}: no such file (write it with --update)\n`);
    io.err = '';
    expect(await main(['check', SMALL, '--baseline', base, '--tolerance', 'x'])).toBe(2);
    expect(io.err).toBe('--tolerance: expected a fraction like 0.05 or a percentage like 5%, got "x"\n');
  });
});

describe('shrinksim schema', () => {
  it('prints a JSON Schema editors can use', async () => {
    expect(await main(['schema'])).toBe(0);
    const s = JSON.parse(io.out);
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(s.type).toBe('object');
    expect(s.additionalProperties).toBe(false);
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['seed', 'kernel', 'memory', 'shrinkers', 'binder', 'workload', 'script']));
    expect(s.properties.kernel.default).toBe('6.12');
    expect(JSON.stringify(s.properties.script)).toContain('"drop_caches"');
  });
});
