/**
 * `--timeline`: the file obeys the Trace Event Format's rules (traceEventFormat.ts) on bundled
 * scenarios, and its slices and counters agree with the run's own numbers (the ftrace tally,
 * the statistics, the time series), which come from other recorders.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';
import { renderTimeline } from '../../src/report/timeline.js';
import { renderJson } from '../../src/report/json.js';
import type { RunResult } from '../../src/report/result.js';
import { checkTraceEventFormat, ns, parseTrace, type Ev } from './traceEventFormat.js';

const SCENARIOS = ['app-launch', 'near-oom', 'nofs-windup', 'mmap-contention', 'drop-caches', 'whatif-seeks0'] as const;

function run(name: string, timeline: boolean | 'binder' = true): { result: RunResult; text: string; events: Ev[] } {
  const result = runScenario(loadScenarioFile(`scenarios/${name}.yaml`), { collectTrace: true, timeline, file: `scenarios/${name}.yaml` });
  const text = renderTimeline(result);
  return { result, text, events: parseTrace(text) };
}

/** Slices of a category; a zero-length one is written as an instant (no `dur`). */
const slices = (evs: Ev[], cat: string): Ev[] => evs.filter((e) => (e.ph === 'X' || e.ph === 'i') && e.cat === cat);
/** µs, from the whole ns an importer reads. */
const durOf = (e: Ev): number => ns(e.dur ?? 0) / 1000;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const argNum = (e: Ev, k: string): number => e.args?.[k] as number;

describe('checkTraceEventFormat (the checker itself)', () => {
  it('rejects what the format forbids', () => {
    const named = '{"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"p"}},{"name":"thread_name","ph":"M","pid":1,"tid":1,"args":{"name":"t"}}';
    const doc = (evs: string): string => `{"traceEvents":[${named},${evs}]}`;
    expect(checkTraceEventFormat(doc('{"name":"a","ph":"X","ts":0,"dur":5,"pid":1,"tid":1},{"name":"b","ph":"X","ts":1,"dur":2,"pid":1,"tid":1}'))).toEqual([]);
    expect(checkTraceEventFormat('{"traceEvents": 3}')).not.toEqual([]);
    expect(checkTraceEventFormat('not json')).not.toEqual([]);
    expect(checkTraceEventFormat(doc('{"name":"a","ph":"Q","ts":0,"pid":1,"tid":1}'))).not.toEqual([]);
    expect(checkTraceEventFormat(doc('{"name":"a","ph":"X","ts":0,"dur":-1,"pid":1,"tid":1}'))).not.toEqual([]);
    expect(checkTraceEventFormat(doc('{"name":"a","ph":"X","ts":"0","dur":1,"pid":1,"tid":1}'))).not.toEqual([]);
    // Partial overlap on one thread.
    expect(checkTraceEventFormat(doc('{"name":"a","ph":"X","ts":0,"dur":5,"pid":1,"tid":1},{"name":"b","ph":"X","ts":3,"dur":5,"pid":1,"tid":1}'))).not.toEqual([]);
    expect(checkTraceEventFormat(doc('{"name":"a","ph":"B","ts":0,"pid":1,"tid":1}'))).not.toEqual([]);
    expect(checkTraceEventFormat(doc('{"name":"a","ph":"B","ts":0,"pid":1,"tid":1},{"name":"a","ph":"E","ts":2,"pid":1,"tid":1}'))).toEqual([]);
    expect(checkTraceEventFormat(doc('{"name":"c","ph":"C","ts":0,"pid":1,"tid":0,"args":{"value":"7"}}'))).not.toEqual([]);
    expect(checkTraceEventFormat(doc('{"name":"a","ph":"X","ts":0,"dur":1,"pid":2,"tid":1}'))).not.toEqual([]);
  });
});

describe.each(SCENARIOS)('timeline of %s', (name) => {
  const { result, text, events } = run(name);

  it('follows the Trace Event Format', () => {
    expect(checkTraceEventFormat(text)).toEqual([]);
  });

  it('has one do_shrink_slab slice per mm_shrink_slab_start line of --trace', () => {
    const lines = (result.traceText ?? '').split('\n').filter((l) => l.includes(' mm_shrink_slab_start: ')).length;
    expect(slices(events, 'do_shrink_slab').filter((e) => e.name.startsWith('do_shrink_slab ')).length).toBe(lines);
  });

  it('frees, per shrinker, what the statistics say it freed', () => {
    if (result.steps.some((s) => s.kind === 'debugfs_scan')) return;
    const calls = slices(events, 'do_shrink_slab').filter((e) => e.name.startsWith('do_shrink_slab '));
    result.shrinkers.forEach((s, i) => {
      const mine = calls.filter((e) => argNum(e, 'shrinker_index') === i);
      expect(sum(mine.map((e) => argNum(e, 'freed'))), s.name).toBe(Number(s.freed));
      expect(sum(mine.map((e) => argNum(e, 'scanned'))), s.name).toBe(Number(s.scanned));
    });
  });

  it('has one kswapd slice per wakeup, steps as long as kswapd was busy', () => {
    expect(slices(events, 'kswapd_wake').length).toBe(result.memory.kswapdWakeups);
    const busyUs = sum(slices(events, 'kswapd_step').map((e) => durOf(e)));
    expect(busyUs).toBeCloseTo((result.memory.kswapdBusyNs ?? 0) / 1000, 3);
    // Each balance_pgdat run is one mm_vmscan_kswapd_wake line.
    expect(slices(events, 'kswapd').filter((e) => e.name === 'balance_pgdat').length).toBe(result.events.mm_vmscan_kswapd_wake ?? 0);
  });

  it('has one direct reclaim slice per stalled allocation, as long as the stall', () => {
    const d = slices(events, 'direct');
    const stalls = result.memory.directStalls ?? [];
    expect(d.filter((e) => e.name === 'direct reclaim').length).toBe(sum(stalls.map((s) => s.allocations)));
    expect(sum(d.filter((e) => e.name === 'direct reclaim').map((e) => durOf(e)))).toBeCloseTo(sum(stalls.map((s) => s.stallNs)) / 1000, 3);
    expect(d.filter((e) => e.name === 'try_to_free_pages').length).toBe(result.events.mm_vmscan_direct_reclaim_begin ?? 0);
    expect(sum(d.filter((e) => e.name === 'direct reclaim').map((e) => argNum(e, 'try_to_free_pages')))).toBe(result.memory.directReclaims);
  });

  it('prices every ns kswapd and direct reclaim were charged: their shrink_node passes fill them', () => {
    const byPath = (path: string): number => sum(slices(events, 'shrink_node').filter((e) => e.args?.path === path).map(durOf));
    expect(byPath('kswapd')).toBeCloseTo((result.memory.kswapdBusyNs ?? 0) / 1000, 3);
    expect(byPath('direct')).toBeCloseTo(sum((result.memory.directStalls ?? []).map((s) => s.stallNs)) / 1000, 3);
  });

  it('has one shrink_slab slice per reclaim pass of the statistics', () => {
    expect(slices(events, 'shrink_slab').length).toBe(sum(result.reclaim.map((r) => r.passes)));
  });

  it('counts free pages to the end state, with the watermarks', () => {
    const free = events.filter((e) => e.ph === 'C' && e.name === 'free pages');
    expect(free.length).toBeGreaterThan(0);
    expect((free[free.length - 1] as Ev).args?.value).toBe(result.memory.end.free);
    for (const w of ['min', 'low', 'high'] as const) {
      expect(events.find((e) => e.ph === 'C' && e.name === `watermark ${w}`)?.args?.value).toBe(result.memory.watermarks[w]);
    }
  });

  it("draws each shrinker's count at the last sample as the series has it", () => {
    const last = result.series[result.series.length - 1];
    if (!last) return;
    result.shrinkers.forEach((s, i) => {
      const label = result.shrinkers.slice(0, i).some((x) => x.name === s.name) ? `${s.name}#${result.shrinkers.slice(0, i + 1).filter((x) => x.name === s.name).length}` : s.name;
      const pts = events.filter((e) => e.ph === 'C' && e.name === `${label} count`);
      expect(pts.length, label).toBeGreaterThan(0);
      expect((pts[pts.length - 1] as Ev).args?.value, label).toBe(Number((last.shrinkers[i] as { count: bigint }).count));
    });
  });

  it('marks each OOM kill of the result on the allocating task, with the victim', () => {
    const kills = result.oomKills ?? [];
    const marks = events.filter((e) => e.cat === 'oom');
    expect(marks.map((e) => [e.name, e.args?.badness, e.args?.pages_freed])).toEqual(kills.map((k) => [`oom_kill ${k.comm}-${k.pid}`, k.badness, k.pagesFreed]));
    if (name === 'near-oom') expect(marks.length).toBe(1);
  });

  it('leaves --json alone', () => {
    const plain = runScenario(loadScenarioFile(`scenarios/${name}.yaml`), { file: `scenarios/${name}.yaml` });
    expect(renderJson(result)).toBe(renderJson(plain));
  });
});

describe('Binder on the timeline', () => {
  it('marks the LRU_SKIPs of mmap-contention under the lock holds that caused them', () => {
    const { result, events } = run('mmap-contention');
    const skips = events.filter((e) => e.ph === 'i' && e.cat === 'lru_skip');
    const byReason = new Map<string, number>();
    for (const e of skips) byReason.set(e.args?.reason as string, (byReason.get(e.args?.reason as string) ?? 0) + argNum(e, 'pages'));
    expect(byReason.get('mmap_lock')).toBe(result.skips.mmap_lock);
    const holds = slices(events, 'lock').filter((e) => e.args?.lock === 'mmap');
    expect(holds.length).toBeGreaterThan(0);
    // Every skip falls inside some hold of the busy process's mmap lock.
    for (const s of skips) {
      expect(holds.some((h) => ns(h.ts as number) <= ns(s.ts as number) && ns(s.ts as number) < ns(h.ts as number) + ns(h.dur as number))).toBe(true);
    }
  });

  it('adds one instant per transaction only with binder on', () => {
    const off = run('app-launch').events.filter((e) => e.cat === 'binder').length;
    const on = run('app-launch', 'binder');
    expect(off).toBe(0);
    const tx = on.events.filter((e) => e.ph === 'i' && e.cat === 'binder');
    expect(tx.length).toBe(sum(on.result.binder.procs.map((p) => p.allocations + sum(Object.values(p.allocFailures)))));
    expect(checkTraceEventFormat(on.text)).toEqual([]);
  });
});

describe('script steps on the timeline', () => {
  const yaml = `name: timeline-mix
seed: 5
memory: {total: 512MiB, page_cache: 200MiB, anon: 100MiB}
memcg: true
binder:
  procs:
    - {name: servicemanager, mmap: 4MiB}
workload:
  binder:
    - {proc: servicemanager, rate: 400/s, until: 1s, data: {dist: log-uniform, min: 16B, max: 256KiB}, hold: {dist: uniform, min: 20ms, max: 120ms}}
duration: 1s
script:
  - advance: {by: 500ms}
  - lock: {proc: servicemanager, lock: mmap, hold: 100ms}
  - memory_reclaim: {amount: 20MiB}
  - advance: {by: 10ms}
  - unlock: {proc: servicemanager, lock: mmap}
  - drop_caches: {mode: 3}
  - advance: {by: 500ms}
`;
  const dir = mkdtempSync(join(tmpdir(), 'shrinksim-timeline-'));
  const file = join(dir, 'mix.yaml');
  writeFileSync(file, yaml);
  const result = runScenario(loadScenarioFile(file), { collectTrace: true, timeline: true });
  const text = renderTimeline(result);
  const events = parseTrace(text);

  it('follows the format', () => {
    expect(checkTraceEventFormat(text)).toEqual([]);
  });

  it('draws memory.reclaim with one try_to_free_mem_cgroup_pages per memcg_reclaim_begin line', () => {
    const step = events.find((e) => e.ph === 'X' && e.name === 'memory_reclaim');
    expect(step?.ts).toBeCloseTo(500_000, 2);
    const calls = slices(events, 'proactive').filter((e) => e.name === 'try_to_free_mem_cgroup_pages');
    expect(calls.length).toBe(result.events.mm_vmscan_memcg_reclaim_begin);
    expect(calls.length).toBeGreaterThan(0);
    // The step is as long as its priced parts.
    expect(sum(calls.map(durOf))).toBeCloseTo(durOf(step as Ev), 3);
  });

  it('draws drop_caches with one shrink_slab pass per drop_slab walk', () => {
    const passes = slices(events, 'shrink_slab').filter((e) => e.args?.path === 'drop_caches');
    expect(passes.length).toBe(sum(result.reclaim.filter((r) => r.path === 'drop_caches').map((r) => r.passes)));
    expect(passes.length).toBeGreaterThan(0);
  });

  it('cuts the lock hold short at the unlock', () => {
    const holds = slices(events, 'lock');
    expect(holds.length).toBe(1);
    expect(durOf(holds[0] as Ev)).toBeCloseTo(10_000, 3);
  });
});

describe('library use', () => {
  it('exports the timeline from the package barrel', async () => {
    const lib = await import('../../src/index.js');
    const r = lib.runScenario(loadScenarioFile('scenarios/whatif-seeks2.yaml'), { timeline: true });
    expect(checkTraceEventFormat(lib.renderTimeline(r))).toEqual([]);
    expect(typeof lib.TimelineRecorder).toBe('function');
  });
});

describe('limits', () => {
  it('stops a run whose timeline passes the traceLines limit, naming it', () => {
    const resolved = loadScenarioFile('scenarios/near-oom.yaml');
    expect(() => runScenario(resolved, { timeline: true, limits: { traceLines: 1000 } })).toThrow(/traceLines|trace.lines/);
    // The same limit without the timeline (and without ftrace) is not reached.
    expect(() => runScenario(resolved, { limits: { traceLines: 1000 } })).not.toThrow();
  });
});
