/**
 * `--timeline FILE.json`: the run's timeline in the Trace Event Format (the JSON that
 * ui.perfetto.dev and chrome://tracing open), a pure function of the result.
 *
 * One trace "process" per group of tracks (a kswapd, each task that reclaimed directly, the
 * script task, each Binder process, then `memory` and `shrinkers` for counters). Slices are
 * complete events (`ph: "X"`, `ts` and `dur` in µs of simulated time, (ns + 0.5) / 1000) nested as the
 * recorder built them; top-level slices of one group that overlap in time go to the next
 * "thread" (lane) of that group, so every thread's slices nest properly. Instants are
 * `ph: "i"` (thread scope), and so is a slice of zero duration; counters `ph: "C"` with one numeric arg `value`, names come from
 * `ph: "M"` metadata. docs/timeline.md says what every track and slice means.
 */
import { shrinkerLabels, type RunResult } from './result.js';
import { isInstant, type TimelineArgs, type TimelineData, type TimelineGroup, type TimelineInstant, type TimelineSlice } from './timelineData.js';
import { VERSION } from '../version.js';

export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'i' | 'C' | 'M';
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly s?: 't';
  readonly args?: Readonly<Record<string, unknown>>;
}

/**
 * ns → the format's µs. Perfetto's importer reads a fractional µs as `int64(µs × 1000.0)`,
 * truncating, so 1400011.04 µs would come back as …039 ns and a child could end a ns after its
 * parent. Half a ns added makes every importer's truncation or rounding land on the exact ns.
 */
const us = (ns: number): number => (ns + 0.5) / 1000;
/**
 * The virtual clock may stand between whole ns (generators draw real-valued gaps): each end of
 * a slice is rounded to the ns first (monotone, so nesting survives), then written.
 */
const tsOf = (startNs: number): number => us(Math.round(startNs));
const durOf = (startNs: number, durNs: number): number => us(Math.round(startNs + durNs) - Math.round(startNs));

/** Where a group sorts among processes (kswapd first, counters last). */
function sortIndex(g: TimelineGroup, result: RunResult): number {
  switch (g.kind) {
    case 'task':
      return g.comm.startsWith('kswapd') ? 1 : 2;
    case 'binder':
      return 10 + Math.max(0, result.binder.procs.findIndex((p) => p.name === g.proc));
    case 'memory':
      return 1_000_000;
    case 'shrinkers':
      return 1_000_001;
  }
}

const groupKey = (g: TimelineGroup): string =>
  g.kind === 'task' ? `task\u0000${g.comm}\u0000${g.pid}` : g.kind === 'binder' ? `binder\u0000${g.proc}` : g.kind;

function groupName(g: TimelineGroup): string {
  switch (g.kind) {
    case 'task':
      return `${g.comm} (pid ${g.pid})`;
    case 'binder':
      return `binder: ${g.proc}`;
    case 'memory':
      return 'memory (pages)';
    case 'shrinkers':
      return 'shrinkers (objects)';
  }
}

/** Pids and lanes, assigned in order of first use (deterministic for one run). */
class Layout {
  private readonly groups = new Map<string, { pid: number; group: TimelineGroup; laneEnds: number[]; extraTids: Map<string, number> }>();
  readonly meta: TraceEvent[] = [];

  constructor(private readonly result: RunResult) {}

  pid(g: TimelineGroup): number {
    return this.entry(g).pid;
  }

  private entry(g: TimelineGroup) {
    const k = groupKey(g);
    let e = this.groups.get(k);
    if (!e) {
      e = { pid: this.groups.size + 1, group: g, laneEnds: [], extraTids: new Map() };
      this.groups.set(k, e);
      this.meta.push({ name: 'process_name', ph: 'M', pid: e.pid, tid: e.pid * 1000, args: { name: groupName(g) } });
      this.meta.push({ name: 'process_sort_index', ph: 'M', pid: e.pid, tid: e.pid * 1000, args: { sort_index: sortIndex(g, this.result) } });
    }
    return e;
  }

  /**
   * The first lane free at `startNs`; it is busy until `endNs` afterwards. Thread ids are
   * unique over the whole trace (Perfetto keys threads by tid): pid × 1000 + lane (from 1).
   */
  lane(g: TimelineGroup, startNs: number, endNs: number): number {
    const e = this.entry(g);
    let i = e.laneEnds.findIndex((end) => end <= startNs);
    if (i < 0) {
      i = e.laneEnds.length;
      e.laneEnds.push(endNs);
      const base = g.kind === 'task' ? g.comm : g.kind === 'binder' ? 'locks' : g.kind;
      this.meta.push({ name: 'thread_name', ph: 'M', pid: e.pid, tid: e.pid * 1000 + i + 1, args: { name: i === 0 ? base : `${base} #${i + 1}` } });
    } else {
      e.laneEnds[i] = endNs;
    }
    return e.pid * 1000 + i + 1;
  }

  /** A named extra thread of a group (Binder transactions): tids pid × 1000 + 900 on. */
  thread(g: TimelineGroup, name: string): number {
    const e = this.entry(g);
    let tid = e.extraTids.get(name);
    if (tid === undefined) {
      tid = e.pid * 1000 + 900 + e.extraTids.size;
      e.extraTids.set(name, tid);
      this.meta.push({ name: 'thread_name', ph: 'M', pid: e.pid, tid, args: { name } });
    }
    return tid;
  }
}

function sliceEvents(s: TimelineSlice | TimelineInstant, pid: number, tid: number, out: TraceEvent[]): void {
  if (isInstant(s)) {
    out.push({ name: s.name, cat: s.cat, ph: 'i', s: 't', ts: tsOf(s.tNs), pid, tid, args: argsOf(s.args) });
    return;
  }
  // A slice of no duration (a balanced check, a snapshot step)
  // is an instant: as a zero-length X at a sibling's start or a parent's end, viewers would
  // nest it under whichever slice sorts first.
  if (Math.round(s.startNs + s.durNs) === Math.round(s.startNs)) {
    out.push({ name: s.name, cat: s.cat, ph: 'i', s: 't', ts: tsOf(s.startNs), pid, tid, args: argsOf(s.args) });
    for (const c of s.children) sliceEvents(c, pid, tid, out);
    return;
  }
  out.push({ name: s.name, cat: s.cat, ph: 'X', ts: tsOf(s.startNs), dur: durOf(s.startNs, s.durNs), pid, tid, args: argsOf(s.args) });
  for (const c of s.children) sliceEvents(c, pid, tid, out);
}

const argsOf = (a: TimelineArgs): Record<string, unknown> => ({ ...a });

/** The trace events of a result's timeline (metadata first). */
export function timelineEvents(result: RunResult): TraceEvent[] {
  const data: TimelineData | undefined = result.timeline;
  if (!data) throw new Error('renderTimeline: the run kept no timeline (RunOptions.timeline)');
  const layout = new Layout(result);
  const out: TraceEvent[] = [];
  const tops = [...data.slices].sort((a, b) => a.slice.startNs - b.slice.startNs);
  for (const { group, slice } of tops) {
    const tid = layout.lane(group, slice.startNs, slice.startNs + slice.durNs);
    sliceEvents(slice, layout.pid(group), tid, out);
  }
  for (const { group, instant } of data.instants) {
    sliceEvents(instant, layout.pid(group), layout.thread(group, group.kind === 'binder' ? 'transactions' : 'events'), out);
  }
  const labels = shrinkerLabels(result.shrinkers);
  const memory: TimelineGroup = { kind: 'memory' };
  const w = result.memory.watermarks;
  for (const [name, v] of [['watermark min', w.min], ['watermark low', w.low], ['watermark high', w.high]] as const) {
    for (const t of [0, result.simulatedNs]) out.push({ name, ph: 'C', ts: tsOf(t), pid: layout.pid(memory), tid: layout.pid(memory) * 1000, args: { value: v } });
  }
  for (const c of data.counters) {
    const name = c.shrinker !== undefined ? `${labels[c.shrinker] ?? `shrinker ${c.shrinker}`} ${c.name}` : c.name;
    const pid = layout.pid(c.group);
    for (const p of c.points) out.push({ name, ph: 'C', ts: tsOf(p.tNs), pid, tid: pid * 1000, args: { value: p.value } });
  }
  return [...layout.meta, ...out];
}

/** The `--timeline` file: one event per line, so two runs diff line by line. */
export function renderTimeline(result: RunResult): string {
  const events = timelineEvents(result);
  const other = {
    tool: `shrinksim ${VERSION}`,
    scenario: result.scenario.name,
    hash: result.scenario.hash,
    seed: String(result.seed),
    kernel: result.kernel,
    clock: 'simulated (virtual) time; ts and dur in µs, +0.5 ns so that truncating importers get the exact ns',
  };
  return `{"otherData":${JSON.stringify(other)},"traceEvents":[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n]}\n`;
}
