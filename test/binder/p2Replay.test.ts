/**
 * Replays the allocation/free sequence of the real p2 trace (Debian 6.12.95, binder_linux)
 * through the script interface and compares, event for event, what the model emits with what
 * the kernel traced: page installs, LRU adds and LRU reuses per page index, then the
 * drop_caches reclaim (order of freed pages, mm_shrink_slab numbers).
 *
 * Sizes come from binder_transaction_alloc_buf; which buffer a free releases is not in the
 * trace: it is inferred from the first update_page_range(allocate=0) of the free, which pins
 * PAGE_ALIGN(start) and the end page of the buffer. Several live buffers can match; the replay
 * takes the oldest (the test program frees in arrival order) and counts the ambiguity.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { pageAlign, pageDown } from '../../src/binder/constants.js';
import {
  applyBinderStep,
  createBinderSystem,
  formatBinderEventBody,
  parseBinderStep,
  type BinderSystem,
  type BinderTraceRecord,
} from '../../src/binder/index.js';
import { CBuffer, type CBinderAlloc } from '../../src/binder/cAlloc.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../../src/trace/shrinkEvents.js';
import { field, loadP2, sig, type P2Trace, type Segment } from './p2Trace.js';

interface Live {
  name: string;
  proc: string;
  seq: number;
}

interface ReplayResult {
  system: BinderSystem;
  mismatches: string[];
  ambiguousFrees: number;
  frees: number;
  allocs: number;
  perPage: { trace: Map<string, number>; model: Map<string, number> };
  starts: MmShrinkSlabStart[];
  ends: MmShrinkSlabEnd[];
  reclaimModel: string[];
}

const PAGE_EVENTS = new Set(['binder_alloc_page_end', 'binder_free_lru_end', 'binder_alloc_lru_end']);

function tallyPage(m: Map<string, number>, event: string, body: string): void {
  if (!PAGE_EVENTS.has(event)) return;
  const k = `${event} proc=${field(body, 'proc')} page=${field(body, 'page_index')}`;
  m.set(k, (m.get(k) ?? 0) + 1);
}

function replay(trace: P2Trace): ReplayResult {
  let captured: BinderTraceRecord[] = [];
  const starts: MmShrinkSlabStart[] = [];
  const ends: MmShrinkSlabEnd[] = [];
  const system = createBinderSystem(
    {
      procs: [
        { name: 'client', pid: 195, mmap: '4MiB', driver: 'c' },
        { name: 'server', pid: 197, mmap: '4MiB', driver: 'c' },
      ],
    },
    { traceSink: (r) => captured.push(r), shrinkSink: { start: (e) => starts.push(e), end: (e) => ends.push(e) } },
  );
  const procName = (pid: number): string => (pid === 195 ? 'client' : 'server');
  const live = new Map<string, Live[]>([
    ['client', []],
    ['server', []],
  ]);
  const pendingByTask = new Map<number, string[][]>();
  const mismatches: string[] = [];
  const perPage = { trace: new Map<string, number>(), model: new Map<string, number>() };
  let seq = 0;
  let ambiguousFrees = 0;
  let frees = 0;
  let allocs = 0;
  let now = 0;

  const groups = (recs: BinderTraceRecord[]): string[][] => {
    const out: string[][] = [];
    for (const r of recs) {
      if (r.event.name === 'binder_transaction_alloc_buf') continue;
      if (r.event.name === 'binder_update_page_range') out.push([]);
      (out[out.length - 1] as string[]).push(sig(r.event.name, formatBinderEventBody(r.event)));
    }
    return out;
  };
  const traceSigs = (s: Segment): string[] =>
    s.events.filter((e) => e.event !== 'binder_transaction_alloc_buf').map((e) => sig(e.event, e.body));

  for (const seg of trace.segments) {
    for (const e of seg.events) tallyPage(perPage.trace, e.event, e.body);
    const proc = procName(seg.proc);
    const pending = pendingByTask.get(seg.task);
    if (!seg.allocate && pending && pending.length > 0) {
      // A continuation of a free that merged with a neighbour.
      const want = pending.shift() as string[];
      if (JSON.stringify(want) !== JSON.stringify(traceSigs(seg))) {
        mismatches.push(`merge segment at line ${seg.events[0]?.line}: model ${JSON.stringify(want)} trace ${JSON.stringify(traceSigs(seg))}`);
      }
      continue;
    }
    if (pending && pending.length > 0) {
      mismatches.push(`line ${seg.events[0]?.line}: model expected ${pending.length} more merge segment(s)`);
      pendingByTask.set(seg.task, []);
    }
    captured = [];
    now += 1000;
    if (seg.allocate) {
      const sz = seg.sizes;
      if (!sz) throw new Error(`allocation without alloc_buf at line ${seg.events[0]?.line}`);
      const name = `b${seq}`;
      const step = parseBinderStep({
        alloc: { proc, buffer: name, data: sz.data.toString(), offsets: sz.offsets.toString(), extra: sz.extra.toString() },
      });
      const out = applyBinderStep(system, step, now);
      allocs++;
      if (!out.ok) {
        mismatches.push(`alloc at line ${seg.events[0]?.line} failed: ${out.error} ${out.reason}`);
        continue;
      }
      (live.get(proc) as Live[]).push({ name, proc, seq: seq++ });
      const model = groups(captured);
      if (model.length !== 1 || JSON.stringify(model[0]) !== JSON.stringify(traceSigs(seg))) {
        mismatches.push(`alloc at line ${seg.events[0]?.line}: model ${JSON.stringify(model)} trace ${JSON.stringify(traceSigs(seg))}`);
      }
    } else {
      // Which live buffer's free starts with this update_page_range?
      const p = system.proc(proc);
      if (!p) throw new Error('no proc');
      const a = p.alloc as CBinderAlloc;
      const cands = (live.get(proc) as Live[]).filter((l) => {
        const b = p.named.get(l.name) as CBuffer;
        const start = pageAlign(b.start);
        const end = pageDown(b.start + a.sizeOf(b));
        return start === seg.offset && BigInt.asUintN(64, BigInt(end - start)) === seg.size;
      });
      if (cands.length === 0) {
        mismatches.push(`free at line ${seg.events[0]?.line}: no live buffer matches offset=${seg.offset} size=${seg.size}`);
        continue;
      }
      if (cands.length > 1) ambiguousFrees++;
      const victim = cands[0] as Live;
      const list = live.get(proc) as Live[];
      list.splice(list.indexOf(victim), 1);
      const out = applyBinderStep(system, parseBinderStep({ free: { proc, buffer: victim.name } }), now);
      frees++;
      if (!out.ok) mismatches.push(`free failed: ${out.reason}`);
      const model = groups(captured);
      const first = model.shift() ?? [];
      if (JSON.stringify(first) !== JSON.stringify(traceSigs(seg))) {
        mismatches.push(`free at line ${seg.events[0]?.line}: model ${JSON.stringify(first)} trace ${JSON.stringify(traceSigs(seg))}`);
      }
      pendingByTask.set(seg.task, model);
    }
    for (const r of captured) tallyPage(perPage.model, r.event.name, formatBinderEventBody(r.event));
  }

  // The reclaim phase: drop_caches once (the trace's first pass frees everything).
  captured = [];
  applyBinderStep(system, parseBinderStep({ drop_caches: {} }), now + 1_000_000);
  const reclaimModel = captured.map((r) => sig(r.event.name, formatBinderEventBody(r.event)));
  return { system, mismatches, ambiguousFrees, frees, allocs, perPage, starts, ends, reclaimModel };
}

describe('replaying the real p2 Binder trace (6.12.95)', () => {
  let trace: P2Trace;
  let r: ReplayResult;
  beforeAll(() => {
    trace = loadP2();
    r = replay(trace);
  });

  it('reads 802 allocations from the trace and replays each one', () => {
    expect(r.allocs).toBe(802);
    expect(trace.segments.filter((s) => s.allocate)).toHaveLength(802);
  });

  it('reproduces every allocation and free event for event (installs, LRU reuses, LRU adds, ranges)', () => {
    expect(r.mismatches.slice(0, 5)).toEqual([]);
    expect(r.frees).toBe(802);
    // 100 frees match more than one live buffer by their first event; either choice gives the same events.
    expect(r.ambiguousFrees).toBe(100);
  });

  it('reproduces page installs, LRU adds and LRU reuses per page index', () => {
    const keys = new Set([...r.perPage.trace.keys(), ...r.perPage.model.keys()]);
    const diff = [...keys].filter((k) => r.perPage.trace.get(k) !== r.perPage.model.get(k));
    expect(diff).toEqual([]);
    // The trace's totals: 451 installs, 3414 LRU adds, 2963 LRU reuses.
    const sum = (m: Map<string, number>, ev: string): number =>
      [...m].filter(([k]) => k.startsWith(ev)).reduce((s, [, n]) => s + n, 0);
    expect(sum(r.perPage.model, 'binder_alloc_page_end')).toBe(451);
    expect(sum(r.perPage.model, 'binder_free_lru_end')).toBe(3414);
    expect(sum(r.perPage.model, 'binder_alloc_lru_end')).toBe(2963);
  });

  it('ends the traffic with the debugfs page counts of binder_state.txt', () => {
    // After drop_caches everything is free; the high watermarks stay (16 and 435).
    const client = r.system.proc('client');
    const server = r.system.proc('server');
    expect(client?.pages.pagesHigh).toBe(16);
    expect(server?.pages.pagesHigh).toBe(435);
    expect(client?.pages.counts()).toEqual({ active: 0, lru: 0, free: 1024 });
    expect(server?.pages.counts()).toEqual({ active: 0, lru: 0, free: 1024 });
  });

  it('drop_caches: the shrinker sees 451 pages, frees all 451, defers 6 (as mm_shrink_slab_* print)', () => {
    expect(r.starts).toHaveLength(1);
    const s = r.starts[0] as MmShrinkSlabStart;
    expect([s.nrObjectsToShrink, s.cacheItems, s.delta, s.totalScan, s.priority]).toEqual([0n, 451n, 902n, 902n, 0]);
    const e = r.ends[0] as MmShrinkSlabEnd;
    expect([e.unusedScan, e.newScan, e.totalScan, e.retval]).toEqual([0n, 6n, 6n, 451]);
  });

  it('frees the LRU pages in the kernel order (oldest first), with the same unmap events', () => {
    const traceReclaim = trace.reclaim.filter((e) => e.event.startsWith('binder_')).map((e) => sig(e.event, e.body));
    expect(traceReclaim).toHaveLength(451 * 4);
    expect(r.reclaimModel).toEqual(traceReclaim);
  });
});
