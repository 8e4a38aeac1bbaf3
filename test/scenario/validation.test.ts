/**
 * Bad scenario input: each kind is rejected with one line naming the file, the field path,
 * what was expected and what was written (exit code 2 via UserError).
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { isUserError } from '../../src/util/errors.js';
import { errorOf } from './errorOf.js';

const PROC = 'binder: {procs: [{name: app, mmap: 128KiB}]}\n';

const CASES: readonly (readonly [kind: string, text: string, message: string])[] = [
  [
    'negative rate (the issue text example)',
    `${PROC}workload: {binder: [{proc: app, rate: "200/s"}, {proc: app, rate: -3}]}`,
    'scenarios/x.yaml: workload.binder[1].rate: expected a positive rate like "200/s", got "-3"',
  ],
  [
    'unknown top-level key, listing the allowed ones',
    'seeed: 4',
    'scenarios/x.yaml: seeed: unknown key (expected one of: $schema, name, description, seed, kernel, duration, sample, cpus, memcg, tasks, memory, memcgs, shrinkers, binder, workload, script, limits)',
  ],
  [
    'unknown nested key inside a script step',
    `${PROC}script: [{alloc: {proc: app, buffer: b, data: 10, colour: red}}]`,
    'scenarios/x.yaml: script[0].alloc.colour: unknown key (expected one of: proc, buffer, data, offsets, extra, oneway, task)',
  ],
  ['bad size unit', 'memory: {total: "4 parsecs"}', 'scenarios/x.yaml: memory.total: expected a size like "4MiB", "16k pages" or 4096, got "4 parsecs"'],
  ['bare number as a time', 'duration: 30', 'scenarios/x.yaml: duration: expected a time like "250ms", "30s" or "1.5us", got "30"'],
  ['fraction of a nanosecond', 'sample: "0.5ns"', 'scenarios/x.yaml: sample: expected a whole number of nanoseconds, got "0.5ns"'],
  ['wrong type', 'seed: forty-two', 'scenarios/x.yaml: seed: expected a number, got "forty-two"'],
  ['non-integer', 'seed: 1.5', 'scenarios/x.yaml: seed: expected an integer, got "1.5"'],
  ['below range', 'cpus: 0', 'scenarios/x.yaml: cpus: expected a number ≥ 1, got "0"'],
  ['above range', `${PROC}script: [{shrink_slab: {priority: 13}}]`, 'scenarios/x.yaml: script[0].shrink_slab.priority: expected a number ≤ 12, got "13"'],
  ['bad enum', 'binder: {procs: [{name: app, driver: go}]}', 'scenarios/x.yaml: binder.procs[0].driver: expected one of "c", "rust", got "go"'],
  ['kernel profile', 'kernel: "5.15"', 'scenarios/x.yaml: kernel: expected one of "6.1", "6.12", got "5.15"'],
  [
    'unknown script step',
    'script: [{frobnicate: {}}]',
    'scenarios/x.yaml: script[0]: unknown step "frobnicate" (expected one of: alloc, free, lock, unlock, shrink, mm_exit, munmap, remap_foreign, release, fail_page_alloc, advance, drop_caches, shrink_slab, debugfs_count, debugfs_scan, memory_reclaim, allocate, release_pages, snapshot)',
  ],
  [
    'missing required field',
    `${PROC}workload: {locks: [{proc: app, lock: mmap, hold: 5ms}]}`,
    'scenarios/x.yaml: workload.locks[0].rate: expected a positive rate like "200/s", got nothing',
  ],
  ['list expected', 'script: {advance: {by: 1s}}', 'scenarios/x.yaml: script: expected a list, got an object'],
  [
    'bad distribution form',
    `${PROC}workload: {binder: [{proc: app, rate: "1/s", data: {dist: pareto}}]}`,
    'scenarios/x.yaml: workload.binder[0].data.dist: expected one of "fixed", "uniform", "log-uniform", "empirical", got "pareto"',
  ],
  ['invalid gfp mask', 'script: [{shrink_slab: {priority: 3, gfp: GFP_BOGUS}}]', 'scenarios/x.yaml: script[0].shrink_slab.gfp: expected a gfp mask like "GFP_KERNEL" or "GFP_NOFS|__GFP_NOWARN", got "GFP_BOGUS"'],
  ['reference to an undeclared process', `${PROC}workload: {binder: [{proc: ghost, rate: "5/s"}]}`, 'scenarios/x.yaml: workload.binder[0].proc: expected a Binder process declared under binder.procs, got "ghost"'],
  ['free of a buffer never allocated', `${PROC}script: [{free: {proc: app, buffer: b1}}]`, 'scenarios/x.yaml: script[0].free.buffer: expected a buffer allocated earlier in "app", got "b1"'],
  ['Binder mmap over the kernel limit', 'binder: {procs: [{name: app, mmap: 8MiB}]}', "scenarios/x.yaml: binder.procs[0].mmap: expected at most 4MiB (the kernel's Binder limit), got \"8388608\""],
  ['Binder mmap not whole pages', 'binder: {procs: [{name: app, mmap: 1000}]}', 'scenarios/x.yaml: binder.procs[0].mmap: expected a positive multiple of 4096 bytes (whole pages), got "1000"'],
  ['duplicate process name', 'binder: {procs: [{name: app}, {name: app}]}', 'scenarios/x.yaml: binder.procs[1].name: expected a unique process name, got "app"'],
  ['unknown shrinker in debugfs step', 'shrinkers: []\nscript: [{debugfs_count: {shrinker: sb-xfs}}]', 'scenarios/x.yaml: script[0].debugfs_count.shrinker: expected a shrinker name (one of: android-binder), got "sb-xfs"'],
  ['node out of range', 'script: [{shrink_slab: {priority: 0, nid: 2}}]', 'scenarios/x.yaml: script[0].shrink_slab.nid: expected a node id < 1 (memory.nodes), got "2"'],
  [
    'MGLRU lru_share over all memcgs above 1',
    'memcgs: [{name: a, lru_share: 0.7}, {name: b, lru_share: 0.5}]',
    'scenarios/x.yaml: memcgs: expected lru_share values summing to at most 1, got 1.2',
  ],
  [
    'mapped page cache above the page cache',
    'memory: {page_cache: 4MiB, page_cache_mapped: 8MiB}',
    'scenarios/x.yaml: memory.page_cache_mapped: expected at most page_cache (1024 pages), got 2048 pages',
  ],
  ['memcg not declared', 'script: [{memory_reclaim: {amount: 16M, memcg: apps}}]', 'scenarios/x.yaml: script[0].memory_reclaim.memcg: expected "root" or a memcg declared under memcgs, got "apps"'],
  ['uniform with max < min', `${PROC}workload: {binder: [{proc: app, rate: "1/s", data: {dist: uniform, min: 4KiB, max: 1KiB}}]}`, 'scenarios/x.yaml: workload.binder[0].data.max: expected a size ≥ min (4096 bytes), got "1024"'],
  ['rate and burst both given', `${PROC}workload: {binder: [{proc: app, rate: "1/s", burst: {every: 1s, count: 5}}]}`, 'scenarios/x.yaml: workload.binder[0].burst: expected rate or burst, not both'],
  ['memory rate given as an event rate', 'workload: {memory: [{pool: anon, rate: "200/s"}]}', 'scenarios/x.yaml: workload.memory[0].rate: expected a memory rate like "50MiB/s" or "1000 pages/s", got "200/s"'],
  ['pools larger than memory', 'memory: {total: 64MiB, page_cache: 48MiB, anon: 32MiB}', 'scenarios/x.yaml: memory.anon: expected page_cache + anon ≤ total (16384 pages), got 12288 + 8192 pages'],
  ['watermarks out of order', 'memory: {watermarks: {min: 8MiB, low: 4MiB, high: 16MiB}}', 'scenarios/x.yaml: memory.watermarks: expected min ≤ low ≤ high, got 2048, 1024, 4096 pages'],
  ['object count beyond the clamp', 'shrinkers: [{name: big, kind: custom, count: "1e30"}]', 'scenarios/x.yaml: shrinkers[0].count: expected an object count like 100000, "1e6" or "ULONG_MAX/4", got "1e30"'],
  ['custom shrinker without a count', 'shrinkers: [{name: mine, kind: custom}]', 'scenarios/x.yaml: shrinkers[0].count: expected a count source for a custom shrinker (e.g. 100000 or {source: fixed, objects: …}), got nothing'],
  ['generator window past the duration', `${PROC}duration: 5s\nworkload: {binder: [{proc: app, rate: "1/s", until: 10s}]}`, 'scenarios/x.yaml: workload.binder[0].until: expected a time ≤ duration (5000000000 ns), got "10000000000 ns"'],
  ['top level not a mapping', '- 1\n- 2', 'scenarios/x.yaml: (top level): expected a mapping of scenario fields, got a list'],
];

describe('scenario validation: one line per bad input', () => {
  it.each(CASES)('%s', (_kind, text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('covers at least 15 kinds', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  it('every message is a single line naming the file and a path', () => {
    for (const [, text] of CASES) {
      const m = errorOf(text);
      expect(m.split('\n')).toHaveLength(1);
      expect(m).toMatch(/^scenarios\/x\.yaml: \S.*: /);
    }
  });

  it('several problems: one line each, in file order', () => {
    const m = errorOf('seed: -1\ncpus: 0');
    expect(m.split('\n')).toEqual([
      'scenarios/x.yaml: seed: expected a number ≥ 0, got "-1"',
      'scenarios/x.yaml: cpus: expected a number ≥ 1, got "0"',
    ]);
  });

  it('YAML syntax errors name line and column', () => {
    expect(errorOf('a: [\n')).toMatch(/^scenarios\/x\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('a duplicate key is a syntax error, not a silent override', () => {
    expect(errorOf('seed: 1\nseed: 2')).toMatch(/^scenarios\/x\.yaml:2:1: YAML syntax error: .*[Dd]uplicate|unique/);
  });

  it('JSON files are read too', () => {
    expect(errorOf('{"seed": "x"}', 'a.json')).toBe('a.json: seed: expected a number, got "x"');
  });

  it('a missing file is one line', () => {
    try {
      loadScenarioFile('/nonexistent/s.yaml');
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e) && e.message).toBe('/nonexistent/s.yaml: no such file');
    }
  });
});
