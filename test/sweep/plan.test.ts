/**
 * Sweep expansion: path addressing, value parsing, the product × seeds order that shards and
 * outputs rely on, and validation of every point before anything runs.
 */
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src/scenario/load.js';
import { parsePath, setAtPath } from '../../src/sweep/path.js';
import { planSweep, planSweepFile, product } from '../../src/sweep/plan.js';
import { mergeSpecs, parseSeeds, parseSetFlag } from '../../src/sweep/spec.js';
import { shardRuns } from '../../src/sweep/shard.js';
import { UserError } from '../../src/util/errors.js';
import { scenarioFile, TINY } from './fixture.js';

const base = () => parseScenarioText(TINY, 'tiny.yaml') as Record<string, unknown>;
const flags = (sets: string[], seeds?: string, reference?: string) => ({
  sets: sets.map(parseSetFlag),
  seeds: seeds === undefined ? undefined : parseSeeds(seeds, '--seeds'),
  reference,
});
const spec = (sets: string[], seeds?: string, reference?: string) => mergeSpecs(undefined, flags(sets, seeds, reference));
const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('did not throw');
};

describe('paths', () => {
  it('address keys, indices, name matches and the name shorthand', () => {
    const raw = base();
    expect(setAtPath(raw, parsePath('binder.procs[svc].driver', 't'), 'rust', 't')).toEqual(['binder', 'procs', 1, 'driver']);
    expect(setAtPath(raw, parsePath('shrinkers[name=sb].seeks', 't'), 0, 't')).toEqual(['shrinkers', 0, 'seeks']);
    expect(setAtPath(raw, parsePath('workload.binder[0].rate', 't'), '50/s', 't')).toEqual(['workload', 'binder', 0, 'rate']);
    const r = raw as any;
    expect(r.binder.procs[1].driver).toBe('rust');
    expect(r.binder.procs[0].driver).toBeUndefined();
    expect(r.shrinkers[0].seeks).toBe(0);
    expect(r.workload.binder[0].rate).toBe('50/s');
  });

  it('create the mappings a default left out, and address the default shrinkers by name', () => {
    const raw: Record<string, unknown> = { name: 'x' };
    setAtPath(raw, parsePath('binder.shrinker.seeks', 't'), 0, 't');
    expect(raw.binder).toEqual({ shrinker: { seeks: 0 } });
    const at = setAtPath(raw, parsePath('shrinkers[sb-f2fs:dm-48].seeks', 't'), 5, 't');
    expect(at).toEqual(['shrinkers', 0, 'seeks']);
    expect((raw.shrinkers as { name: string }[]).map((s) => s.name)).toEqual(['sb-f2fs:dm-48', 'mm-shadow', 'numa-cache', 'thp-deferred_split']);
  });

  it('name what is there when an item does not exist', () => {
    expect(messageOf(() => setAtPath(base(), parsePath('binder.procs[nope].driver', 'w'), 'c', 'w'))).toBe('w: binder.procs: no item with name "nope" (have: app, svc)');
    expect(messageOf(() => setAtPath(base(), parsePath('workload.binder[2].rate', 'w'), 1, 'w'))).toBe('w: workload.binder: no item [2] (the list has 2)');
  });
});

describe('--set and --seeds', () => {
  it('values are read as YAML scalars, split at top-level commas', () => {
    const p = parseSetFlag('shrinkers[name=sb].count={source: fixed, objects: 10},500');
    expect(p.path.text).toBe('shrinkers[name=sb].count');
    expect(p.values).toEqual([{ source: 'fixed', objects: 10 }, 500]);
    expect(parseSetFlag('memory.total=2GiB,3GiB').values).toEqual(['2GiB', '3GiB']);
  });
  it('seeds: ranges and lists in the order written, duplicates dropped', () => {
    expect(parseSeeds('1..4', 's')).toEqual([1, 2, 3, 4]);
    expect(parseSeeds('7,1..3,2', 's')).toEqual([7, 1, 2, 3]);
    expect(() => parseSeeds('3..1', 's')).toThrow('range 3..1 goes down');
  });
});

describe('expansion', () => {
  it('product: first parameter slowest', () => {
    expect(product([2, 3])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    expect(product([])).toEqual([[]]);
  });

  it('points = product of the values, each a validated scenario with its own hash; seeds apply to all', () => {
    const plan = planSweep(base(), 'tiny.yaml', spec(['binder.shrinker.seeks=2,0', 'memory.total=64MiB,96MiB,128MiB'], '1..5'));
    expect(plan.points).toHaveLength(6);
    expect(plan.seeds).toEqual([1, 2, 3, 4, 5]);
    expect(plan.points.map((p) => p.values)).toEqual([
      [2, '64MiB'], [2, '96MiB'], [2, '128MiB'],
      [0, '64MiB'], [0, '96MiB'], [0, '128MiB'],
    ]);
    expect(plan.points[4]!.resolved.binder.shrinker.seeks).toBe(0);
    expect(plan.points[4]!.resolved.memory.totalPages).toBe((96 * 1024 * 1024) / 4096);
    expect(new Set(plan.points.map((p) => p.hash)).size).toBe(6);
  });

  it('without --seeds: the scenario seed; without --set: one point', () => {
    const plan = planSweep(base(), 'tiny.yaml', spec([]));
    expect(plan.points).toHaveLength(1);
    expect(plan.seeds).toEqual([3]);
  });

  it('the reference is an index or PATH=V', () => {
    const f = (r: string) => planSweep(base(), 'tiny.yaml', spec(['binder.shrinker.seeks=2,0', 'memory.total=64MiB,96MiB'], undefined, r)).reference;
    expect(f('3')).toBe(3);
    expect(f('binder.shrinker.seeks=0,memory.total=64MiB')).toBe(2);
    expect(messageOf(() => f('binder.shrinker.seeks=0'))).toContain('matches 2 points');
  });

  it('shards split the runs round-robin: run = point × seeds + seedIndex, run % N == I', () => {
    expect(shardRuns(10, { index: 1, count: 3 })).toEqual([1, 4, 7]);
    const all = [0, 1, 2].flatMap((i) => shardRuns(10, { index: i, count: 3 })).sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('validation: one line naming the --set and the field', () => {
  const err = (sets: string[]) => messageOf(() => planSweep(base(), 'tiny.yaml', spec(sets)));
  it('a bad value', () => {
    expect(err(['binder.shrinker.seeks=2,lots'])).toBe('tiny.yaml: --set binder.shrinker.seeks=lots: binder.shrinker.seeks: expected a number, got "lots"');
  });
  it('a path that does not exist', () => {
    const m = err(['memory.totl=1GiB']);
    expect(m.split('\n')).toHaveLength(1);
    expect(m).toMatch(/^tiny\.yaml: --set memory\.totl=1GiB: memory\.totl: unknown key \(expected one of: total, /);
    expect(err(['binder.procs[ghost].driver=rust'])).toBe('tiny.yaml: --set binder.procs[ghost].driver=rust: binder.procs: no item with name "ghost" (have: app, svc)');
  });
  it('a value that breaks a cross-field rule: the field is not a --set path, so every --set of the point is named', () => {
    // 40 MiB page cache + 12 MiB anon = 10240 + 3072 pages do not fit in 32 MiB = 8192 pages.
    expect(err(['binder.shrinker.seeks=2', 'memory.total=32MiB'])).toBe(
      'tiny.yaml: --set binder.shrinker.seeks=2 --set memory.total=32MiB: memory.anon: expected page_cache + anon ≤ total (8192 pages), got 10240 + 3072 pages',
    );
  });
});

describe('a sweep: section in the file', () => {
  it('is taken off before validation and merged with the flags (flags win per path)', () => {
    const f = scenarioFile(`${TINY}sweep:\n  set:\n    binder.shrinker.seeks: [2, 0]\n    memory.total: 64MiB\n  seeds: 1..3\n  reference: 1\n`);
    const plan = planSweepFile(f, flags(['memory.total=64MiB,128MiB']));
    expect(plan.params.map((p) => p.path.text)).toEqual(['binder.shrinker.seeks', 'memory.total']);
    expect(plan.points).toHaveLength(4);
    expect(plan.seeds).toEqual([1, 2, 3]);
    expect(plan.reference).toBe(1);
    expect(planSweepFile(f, flags([], '9')).seeds).toEqual([9]);
  });
  it('a bad section is one line naming sweep.<field>', () => {
    const f = scenarioFile(`${TINY}sweep:\n  sets: {}\n`);
    expect(messageOf(() => planSweepFile(f, flags([])))).toBe(`${f}: sweep.sets: unknown key (expected one of: set, seeds, reference)`);
  });
});
