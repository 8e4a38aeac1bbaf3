/**
 * Issue 9: every bad input one clear line, every valid input a bounded run. Each case is the
 * input from the issue and the exact outcome.
 */
import { describe, expect, it } from 'vitest';
import { checkRunLimits, sampleCount } from '../../src/scenario/limits.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { MAX_MEMCG_DEPTH } from '../../src/scenario/resolve.js';
import { RunLimitError, resolveLimits, type RunLimits } from '../../src/util/limits.js';
import { errorOf } from './errorOf.js';

const limitError = (text: string, flags: Partial<RunLimits> = {}): string => {
  const s = loadScenarioText(text, 'x.yaml');
  try {
    checkRunLimits(s, resolveLimits(s.limits, flags), 'x.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(RunLimitError);
    expect((e as RunLimitError).exitCode).toBe(2);
    return (e as Error).message;
  }
  return 'ok';
};

describe('numbers beyond 2^53 are quoted exactly', () => {
  it('seed: 2^64 is refused, echoed digit for digit', () => {
    expect(errorOf('seed: 18446744073709551616\n')).toBe(
      'scenarios/x.yaml: seed: expected a number ≤ 9007199254740991 (2^53-1), got "18446744073709551616"',
    );
  });
  it('an object count of 2^60 written as a number stays exact', () => {
    const s = loadScenarioText('shrinkers: [{name: a, kind: custom, count: 1152921504606846977}]\n', 'x.yaml');
    expect(s.shrinkers[0]!.count).toEqual({ source: 'list', objects: 1152921504606846977n, growth: 0, max: 1152921504606846977n });
  });
});

describe('YAML aliases', () => {
  it('ordinary anchors work: 150 aliases of one value', () => {
    const steps = Array.from({ length: 150 }, () => '  - {advance: {by: *t}}').join('\n');
    const s = loadScenarioText(`x-t: &t 1ms\nscript:\n${steps}\n`.replace('x-t: &t 1ms\n', 'sample: &t 1ms\n'), 'x.yaml');
    expect(s.script).toHaveLength(150);
    expect(s.sample).toBe(1_000_000);
  });
  it('an alias bomb is one line naming where it crossed the bound', () => {
    const lvl = (n: string, of: string) => `${n}: &${n} [${Array(9).fill(`*${of}`).join(',')}]`;
    const text = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', lvl('b', 'a'), lvl('c', 'b'), lvl('d', 'c'), lvl('e', 'd'), lvl('f', 'e'), lvl('g', 'f')].join('\n');
    expect(errorOf(text)).toBe('scenarios/x.yaml: f[0]: YAML aliases expand to more than 100,000 values (an alias bomb?); write the values out instead');
  });
  it('an alias inside its own anchor (a cycle) is refused', () => {
    expect(errorOf('x: &a [1, *a]\n')).toBe('scenarios/x.yaml: x[1]: the YAML alias *a refers to a value that contains it (a cycle)');
  });
});

describe('documented maxima instead of "expected a time like …"', () => {
  it('duration: 87600h names the limit on simulated time', () => {
    expect(errorOf('duration: 87600h\n')).toBe(
      'scenarios/x.yaml: duration: expected a time ≤ 720h (the simulator\'s limit on simulated time), got "87600h"',
    );
  });
  it("advances that add up past the limit name the step that crosses it", () => {
    expect(errorOf('script:\n  - advance: {by: 700h}\n  - advance: {by: 21h}\n')).toBe(
      "scenarios/x.yaml: script[1].advance.by: expected the script's advances to add up to ≤ 720h (the simulator's limit on simulated time), got 2595600000000000 ns",
    );
  });
  it('allocate more than the machine has fails fast', () => {
    expect(errorOf('memory: {total: 512MiB}\nscript:\n  - allocate: {pool: pagecache, amount: 4096TiB}\n')).toBe(
      "scenarios/x.yaml: script[0].allocate.amount: expected at most the machine's memory (memory.total: 512MiB = 131072 pages), got 4503599627370496 bytes",
    );
  });
  it(`a memcg chain deeper than ${MAX_MEMCG_DEPTH} levels is one line`, () => {
    const lines = Array.from({ length: MAX_MEMCG_DEPTH + 1 }, (_, i) => `  - {name: m${i}, parent: ${i === 0 ? 'root' : `m${i - 1}`}}`);
    expect(errorOf(`memcgs:\n${lines.join('\n')}\n`)).toBe(
      `scenarios/x.yaml: memcgs[${MAX_MEMCG_DEPTH}].parent: expected a memcg at most ${MAX_MEMCG_DEPTH} levels below root (the simulator's limit), got "m${MAX_MEMCG_DEPTH - 1}" at depth ${MAX_MEMCG_DEPTH}`,
    );
    const ok = loadScenarioText(`memcgs:\n${lines.slice(0, MAX_MEMCG_DEPTH).join('\n')}\n`, 'x.yaml');
    expect(ok.memcgs).toHaveLength(MAX_MEMCG_DEPTH);
  });
});

describe('memcgs × nodes', () => {
  it('4096 memcg-node lists at most: 64 nodes allow 63 memcgs besides root', () => {
    const memcgs = (n: number) => `memory: {total: 64GiB, nodes: 64}\nmemcgs:\n${Array.from({ length: n }, (_, i) => `  - {name: m${i}}`).join('\n')}\n`;
    expect(loadScenarioText(memcgs(63), 'x.yaml').memcgs).toHaveLength(63);
    expect(errorOf(memcgs(64))).toBe(
      "scenarios/x.yaml: memcgs: expected at most 63 memory cgroups besides root with memory.nodes: 64 ((memcgs + 1) × nodes ≤ 4096, the simulator's limit), got 64",
    );
  });
});

describe('messages name the field the user wrote', () => {
  it('duration: 0 with generators blames duration, not from', () => {
    expect(errorOf('binder: {procs: [{name: app}]}\nworkload:\n  binder: [{proc: app, rate: 10/s}]\nduration: 0\n')).toBe(
      'scenarios/x.yaml: duration: expected a time > 0 when there are workload generators (workload.binder[0] runs from 0 until the end), got "0"',
    );
  });
  it('a list where a step belongs lists the step names', () => {
    expect(errorOf('script:\n  - [1, 2]\n')).toBe(
      'scenarios/x.yaml: script[0]: expected a step with exactly one key (one of: alloc, free, lock, unlock, shrink, mm_exit, munmap, remap_foreign, release, fail_page_alloc, advance, drop_caches, shrink_slab, debugfs_count, debugfs_scan, memory_reclaim, allocate, release_pages, snapshot), got a list',
    );
  });
});

describe('run limits, checked before the run', () => {
  it('a billion transactions a second for 1 s names workload.binder[0].rate', () => {
    // 1e9/s × 1 s = 1e9 arrivals + 11 samples (0, 0.1 s … 1 s) > 50M.
    expect(limitError('binder: {procs: [{name: app}]}\nworkload:\n  binder: [{proc: app, rate: 1000000000/s}]\nduration: 1s\n')).toBe(
      'x.yaml: workload.binder[0].rate (about 1,000,000,011 events in all): exceeds the limit of 50,000,000 events (raise it with --max-events N or limits.events in the scenario)',
    );
  });
  it('sample: 1ns over 1 s names sample', () => {
    expect(limitError('sample: 1ns\nduration: 1s\n')).toBe(
      'x.yaml: sample (1,000,000,001 samples of 1 ns over 1000000000 ns): exceeds the limit of 1,000,000 samples (raise it with --max-samples N or limits.samples in the scenario)',
    );
  });
  it('the script end counts: 3650 min at 100 ms is 2,190,001 samples', () => {
    const s = loadScenarioText('script:\n  - advance: {by: 3650min}\n', 'x.yaml');
    expect(sampleCount(s)).toBe(3650 * 600 + 1);
  });
  it('the scenario can raise a limit deliberately, and the flags override it', () => {
    expect(limitError('sample: 1us\nduration: 1s\nlimits: {samples: 1000001}\n')).toBe('ok');
    expect(limitError('sample: 1us\nduration: 1s\nlimits: {samples: 1000001}\n', { samples: 10 })).toMatch(/exceeds the limit of 10 samples/);
  });
  it('limits do not change the scenario hash (they bound the run, not what it simulates)', async () => {
    const { scenarioHash } = await import('../../src/scenario/hash.js');
    const a = loadScenarioText('duration: 1s\n', 'x.yaml');
    const b = loadScenarioText('duration: 1s\nlimits: {events: 5}\n', 'x.yaml');
    expect(b.limits.events).toBe(5);
    expect(scenarioHash(a)).toBe(scenarioHash(b));
  });
});

describe('one units parser (issue 8): Binder steps read times and sizes as scenarios do', () => {
  const SCEN = (hold: string) => `binder: {procs: [{name: a}]}\nscript:\n  - lock: {proc: a, lock: alloc, hold: ${hold}}\n`;
  it("a bare number is not 10 ns: seconds or milliseconds, nobody can tell", () => {
    expect(errorOf(SCEN('10'))).toBe('scenarios/x.yaml: script[0].lock.hold: expected a time like "250ms", "30s" or "1.5us", got "10"');
    expect(errorOf(SCEN('"10"'))).toBe('scenarios/x.yaml: script[0].lock.hold: expected a time like "250ms", "30s" or "1.5us", got "10"');
  });
  it('1.5 is not a fractional time, and a fraction of a ns is refused', () => {
    expect(errorOf(SCEN('1.5'))).toBe('scenarios/x.yaml: script[0].lock.hold: expected a time like "250ms", "30s" or "1.5us", got "1.5"');
    expect(errorOf(SCEN('1.5ns'))).toBe('scenarios/x.yaml: script[0].lock.hold: expected a whole number of nanoseconds, got "1.5ns"');
  });
  it('units convert exactly, including minutes and 0', async () => {
    const { parseDurationNs } = await import('../../src/binder/schema.js');
    const { parseByteSize } = await import('../../src/binder/constants.js');
    expect(parseDurationNs('1.5us')).toBe(1500);
    expect(parseDurationNs('2min')).toBe(120_000_000_000);
    expect(parseDurationNs(0)).toBe(0);
    expect(parseDurationNs(10)).toBeUndefined();
    expect(parseByteSize('1.5KiB')).toBe(1536);
    expect(parseByteSize('16 pages')).toBe(65536);
    expect(parseByteSize('0.3B')).toBeUndefined();
  });
});

describe('nesting', () => {
  it('70 levels of lists: one line naming where', () => {
    let v = '1';
    for (let i = 0; i < 70; i++) v = `[${v}]`;
    expect(errorOf(`name: ${v}\n`)).toBe('scenarios/x.yaml: name[0]: expected values nested at most 64 levels deep, got deeper');
  });
  it("100,000 levels (beyond yaml's own recursion): one line, no stack trace", () => {
    const d = 100_000;
    expect(errorOf(`name: ${'['.repeat(d)}1${']'.repeat(d)}\n`)).toMatch(/^scenarios\/x\.yaml:1:\d+: YAML syntax error: values nested too deeply \(a scenario needs about 6 levels\)$/);
  });
});

describe('Binder processes', () => {
  it('at most 4096 (each keeps ~40 KB of page arrays and lists)', () => {
    const procs = Array.from({ length: 4097 }, (_, i) => `    - {name: p${i}}`).join('\n');
    expect(errorOf(`binder:\n  procs:\n${procs}\n`)).toBe('scenarios/x.yaml: binder.procs: expected at most 4096 items, got a list');
  });
});

describe('times that are drawn or multiplied stay within the limit (fuzz campaign found: EventQueue: bad time)', () => {
  it('an exponential hold of mean 720h is refused (a draw of ~37× the mean passed 2^53 ns)', () => {
    const text = 'binder: {procs: [{name: a}]}\nworkload:\n  binder: [{proc: a, rate: 10/s, hold: {dist: exponential, mean: 720h}}]\n';
    expect(errorOf(text)).toBe(
      "scenarios/x.yaml: workload.binder[0].hold.mean: expected a mean time ≤ 24h (its draws reach ~37× the mean, the simulator's limit on simulated time), got 2592000000000000 ns",
    );
  });
  it("a burst's gap × (count - 1) is bounded", () => {
    const text = 'binder: {procs: [{name: a}]}\nworkload:\n  binder: [{proc: a, burst: {every: 1s, count: 1000, gap: 1h}}]\n';
    expect(errorOf(text)).toBe(
      "scenarios/x.yaml: workload.binder[0].burst.gap: expected gap × (count - 1) ≤ 720h (the simulator's limit on simulated time), got 3600000000000 ns × 999",
    );
  });
});
