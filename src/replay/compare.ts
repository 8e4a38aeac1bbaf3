/**
 * Comparing a replay's recorded Binder events with the capture's, operation by operation.
 *
 * Page events are the four things that happen to a page: install (`binder_alloc_page_end`),
 * LRU add (`binder_free_lru_end`), LRU reuse (`binder_alloc_lru_end`) and unmap
 * (`binder_unmap_kernel_end`), each keyed by process and page index. The trace fixes their
 * order inside one operation (one task, one allocation, free or shrinker call; operations of
 * different tasks may interleave in the file, so their relative order is the replay's own):
 * the match is the longest common subsequence of the two sequences, per operation. The
 * `update_page_range` events are compared the same way (they are where 6.1 and 6.12 differ
 * most in count).
 */
import { parseFtraceLine } from '../trace/ftrace/parse.js';
import { numField, type ReplayEvent } from './events.js';
import type { PlanStep } from './inference.js';

export const PAGE_EVENT_KIND: Readonly<Record<string, string>> = {
  binder_alloc_page_end: 'install',
  binder_free_lru_end: 'lru-add',
  binder_alloc_lru_end: 'lru-reuse',
  binder_unmap_kernel_end: 'unmap',
};

export interface OpCompare {
  readonly step: PlanStep;
  readonly trace: readonly string[];
  readonly model: readonly string[];
  readonly matched: number;
  readonly traceRanges: readonly string[];
  readonly modelRanges: readonly string[];
  readonly rangesMatched: number;
  /** Every Binder page-range event (start and end events too), as printed. */
  readonly allMatched: number;
  readonly traceAll: number;
}

export interface CompareTotals {
  /** Page events of the trace in the compared operations, and how many the replay matched in order. */
  traceEvents: number;
  modelEvents: number;
  matched: number;
  traceRanges: number;
  modelRanges: number;
  rangesMatched: number;
  /** All of the allocator's and shrinker callback's events (starts, ends, both unmaps, ranges), as printed. */
  traceAll: number;
  modelAll: number;
  allMatched: number;
  /** Pages (proc, index) whose whole history (in replay order) is the same in both. */
  pages: number;
  pagesSame: number;
  /** Model page events at times that are no trace operation's (the scenario's own reclaim). */
  modelOutside: number;
}

export interface CompareResult {
  readonly ops: readonly OpCompare[];
  readonly totals: CompareTotals;
  /** The first operations that differ. */
  readonly divergences: readonly OpCompare[];
}

const keyOf = (event: string, body: string): string | undefined => {
  const kind = PAGE_EVENT_KIND[event];
  return kind ? `${kind} proc=${numField(body, 'proc')} page=${numField(body, 'page_index')}` : undefined;
};
const rangeOf = (event: string, body: string): string | undefined => (event === 'binder_update_page_range' ? body : undefined);
/** Events whose text the model reproduces (the transaction events carry the kernel's debug ids). */
const allOf = (event: string, body: string): string | undefined =>
  event.startsWith('binder_') && !event.startsWith('binder_transaction') ? `${event}: ${body}` : undefined;

/** Length of the longest common subsequence (O(n·m), operations are small). */
export function lcs(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] as number) + 1 : Math.max(prev[j] as number, cur[j - 1] as number);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] as number;
}

function traceEventsOf(step: PlanStep): ReplayEvent[] {
  if (step.kind === 'free') return [...step.op.events, ...step.merged.flatMap((m) => m.events)];
  if (step.kind === 'release') return [];
  return step.op.events;
}

/**
 * `times[i]` is the simulated time of `steps[i]`; `compared(step)` says which steps count
 * (without --reclaim-from-trace the trace's shrinker calls are not replayed).
 */
export function compareReplay(
  steps: readonly PlanStep[],
  times: readonly number[],
  modelTrace: string,
  compared: (s: PlanStep) => boolean,
  maxDivergences = 5,
): CompareResult {
  const byTime = new Map<bigint, { pages: string[]; ranges: string[]; all: string[] }>();
  times.forEach((t) => byTime.set(BigInt(t), { pages: [], ranges: [], all: [] }));
  let modelOutside = 0;
  for (const line of modelTrace.split('\n')) {
    if (!line.includes('binder_')) continue;
    const r = parseFtraceLine(line);
    if (!r) continue;
    const k = keyOf(r.event, r.body);
    const rg = rangeOf(r.event, r.body);
    const all = allOf(r.event, r.body);
    const slot = byTime.get(r.tsNs);
    if (!slot) {
      if (k) modelOutside++;
      continue;
    }
    if (k) slot.pages.push(k);
    if (rg) slot.ranges.push(rg);
    if (all) slot.all.push(all);
  }
  const ops: OpCompare[] = [];
  const totals: CompareTotals = {
    traceEvents: 0,
    modelEvents: 0,
    matched: 0,
    traceRanges: 0,
    modelRanges: 0,
    rangesMatched: 0,
    traceAll: 0,
    modelAll: 0,
    allMatched: 0,
    pages: 0,
    pagesSame: 0,
    modelOutside,
  };
  const histories = { trace: new Map<string, string[]>(), model: new Map<string, string[]>() };
  const note = (h: Map<string, string[]>, key: string): void => {
    const sp = key.indexOf(' ');
    const page = key.slice(sp + 1);
    const list = h.get(page) ?? [];
    list.push(key.slice(0, sp));
    h.set(page, list);
  };
  steps.forEach((step, i) => {
    if (!compared(step) || step.kind === 'release') return;
    const evs = traceEventsOf(step);
    const trace: string[] = [];
    const traceRanges: string[] = [];
    const traceAll: string[] = [];
    for (const e of evs) {
      const k = keyOf(e.event, e.body);
      if (k) trace.push(k);
      const rg = rangeOf(e.event, e.body);
      if (rg) traceRanges.push(rg);
      const all = allOf(e.event, e.body);
      if (all) traceAll.push(all);
    }
    const slot = byTime.get(BigInt(times[i] as number)) ?? { pages: [], ranges: [], all: [] };
    const matched = trace.length === slot.pages.length && trace.every((k, j) => k === slot.pages[j]) ? trace.length : lcs(trace, slot.pages);
    const rangesMatched = lcs(traceRanges, slot.ranges);
    const same = traceAll.length === slot.all.length && traceAll.every((k, j) => k === slot.all[j]);
    const allMatched = same ? traceAll.length : lcs(traceAll, slot.all);
    const c: OpCompare = { step, trace, model: slot.pages, matched, traceRanges, modelRanges: slot.ranges, rangesMatched, allMatched, traceAll: traceAll.length };
    ops.push(c);
    totals.traceEvents += trace.length;
    totals.modelEvents += slot.pages.length;
    totals.matched += matched;
    totals.traceRanges += traceRanges.length;
    totals.modelRanges += slot.ranges.length;
    totals.rangesMatched += rangesMatched;
    totals.traceAll += traceAll.length;
    totals.modelAll += slot.all.length;
    totals.allMatched += allMatched;
    for (const k of trace) note(histories.trace, k);
    for (const k of slot.pages) note(histories.model, k);
  });
  const pages = new Set([...histories.trace.keys(), ...histories.model.keys()]);
  totals.pages = pages.size;
  for (const p of pages) {
    if ((histories.trace.get(p) ?? []).join() === (histories.model.get(p) ?? []).join()) totals.pagesSame++;
  }
  const divergences = ops.filter((o) => o.matched < Math.max(o.trace.length, o.model.length)).slice(0, maxDivergences);
  return { ops, totals, divergences };
}

/** Where two sequences first differ, as one line. */
export function explainDivergence(o: OpCompare): string {
  let i = 0;
  while (i < o.trace.length && i < o.model.length && o.trace[i] === o.model[i]) i++;
  const what = o.step.kind === 'shrink' ? 'shrinker call' : `${o.step.kind} of ${'buffer' in o.step ? o.step.buffer : '?'}`;
  const t = o.trace[i] ?? '(nothing)';
  const m = o.model[i] ?? '(nothing)';
  return `line ${o.step.op.firstLine} (${what}, ${o.step.op.comm}-${o.step.op.task}): event ${i + 1} of ${o.trace.length}: trace ${t}, replay ${m}; ${o.matched} of ${o.trace.length} in order`;
}
