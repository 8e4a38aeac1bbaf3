/**
 * Reading a capture's Binder events: the lines of ftrace text (the kernel's `trace` file or
 * `trace-cmd report` output, via the generic line parser) reduced to the events a replay
 * needs, in timestamp order.
 *
 * What real captures contain and how it is taken:
 * - other events interleaved: ignored (counted);
 * - `CPU:N [LOST M EVENTS]` markers: recorded; operations they may have cut are counted as
 *   incomplete by the cutter (operations.ts), never guessed;
 * - several CPUs' buffers out of timestamp order: the events are sorted by timestamp, stably
 *   (equal timestamps keep file order);
 * - a missing header: nothing in the reader needs it.
 */
import { parseFtraceLine, readTraceLines } from '../trace/ftrace/parse.js';
import { parseShrinkEndBody, parseShrinkStartBody, shrinkerFunction } from '../trace/ftrace/shrinkFormat.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../trace/shrinkEvents.js';
import { UserError } from '../util/errors.js';

/** The Binder shrinker's scan function, as `%pS` prints it in mm_shrink_slab_*. */
export const BINDER_SCAN_FN = 'binder_shrink_scan';

/** One event line a replay uses. */
export interface ReplayEvent {
  readonly lineNo: number;
  readonly tsNs: bigint;
  readonly cpu: number;
  /** The task that emitted the event (thread id) and its comm. */
  readonly task: number;
  readonly comm: string;
  readonly event: string;
  readonly body: string;
  /** For mm_shrink_slab_start/end of the Binder shrinker: the parsed event. */
  readonly shrink?: MmShrinkSlabStart | MmShrinkSlabEnd;
}

export interface LostMarker {
  readonly lineNo: number;
  readonly cpu: number;
  readonly lost: number;
}

export interface ReplayInput {
  readonly file: string;
  /** Binder events (and the Binder shrinker's pairs, the isolate probes), timestamp order. */
  readonly events: readonly ReplayEvent[];
  readonly lost: readonly LostMarker[];
  /** Event lines of anything else. */
  readonly otherEvents: number;
  /** Events that came before an earlier line's timestamp (several CPU buffers). */
  readonly outOfOrder: number;
  /** The last `comm` printed for each task id (to name processes). */
  readonly comms: ReadonlyMap<number, string>;
}

const LOST_RE = /^\s*CPU:\s*(\d+)\s+\[LOST (\d+) EVENTS\]\s*$/;

/** The kprobes of the second capture on binder_alloc_free_page (entry and return value). */
export const FREE_PAGE_PROBES = new Set(['free_page', 'free_page_entry', 'rk/free_page', 'rk/free_page_entry']);

function keep(event: string): boolean {
  return event.startsWith('binder_') || event === 'mm_shrink_slab_start' || event === 'mm_shrink_slab_end' || FREE_PAGE_PROBES.has(event);
}

/** Reads lines (already split) into a ReplayInput. */
export function readReplayLines(file: string, lines: Iterable<{ lineNo: number; text: string }>): ReplayInput {
  const events: ReplayEvent[] = [];
  const lost: LostMarker[] = [];
  const comms = new Map<number, string>();
  let otherEvents = 0;
  let outOfOrder = 0;
  let lastTs = -1n;
  for (const { lineNo, text } of lines) {
    const r = parseFtraceLine(text);
    if (!r) {
      const m = LOST_RE.exec(text);
      if (m) lost.push({ lineNo, cpu: Number(m[1]), lost: Number(m[2]) });
      continue;
    }
    if (!keep(r.event)) {
      otherEvents++;
      continue;
    }
    let shrink: MmShrinkSlabStart | MmShrinkSlabEnd | undefined;
    if (r.event === 'mm_shrink_slab_start' || r.event === 'mm_shrink_slab_end') {
      const ev = r.event === 'mm_shrink_slab_start' ? parseShrinkStartBody(r.body)?.event : parseShrinkEndBody(r.body);
      if (!ev || shrinkerFunction(ev.shr.symbol) !== BINDER_SCAN_FN) {
        otherEvents++;
        continue;
      }
      shrink = ev;
    }
    if (r.tsNs < lastTs) outOfOrder++;
    else lastTs = r.tsNs;
    comms.set(r.pid, r.comm);
    const base = { lineNo, tsNs: r.tsNs, cpu: r.cpu, task: r.pid, comm: r.comm, event: r.event, body: r.body };
    events.push(shrink ? { ...base, shrink } : base);
  }
  if (!events.some((e) => e.event.startsWith('binder_'))) {
    throw new UserError(
      `${file}: no Binder events (binder_* tracepoints) in the file; capture with the binder event group enabled (see README "Replay your own trace")`,
    );
  }
  // Several CPU buffers concatenated: a stable sort restores the kernel's order.
  if (outOfOrder > 0) events.sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : a.lineNo - b.lineNo));
  return { file, events, lost, otherEvents, outOfOrder, comms };
}

/** Reads a trace file (plain or gzip). */
export async function readReplayFile(path: string): Promise<ReplayInput> {
  const lines: { lineNo: number; text: string }[] = [];
  for await (const l of readTraceLines(path)) lines.push(l);
  return readReplayLines(path, lines);
}

/** `key=value` (decimal, possibly negative) of an event body. */
export function numField(body: string, key: string): number | undefined {
  const v = bigField(body, key);
  return v === undefined ? undefined : Number(v);
}

export function bigField(body: string, key: string): bigint | undefined {
  const at = body.indexOf(`${key}=`);
  if (at < 0 || (at > 0 && body[at - 1] !== ' ')) {
    const m = new RegExp(`(?:^|\\s)${key}=(-?\\d+)`).exec(body);
    return m ? BigInt(m[1] as string) : undefined;
  }
  const m = /^-?\d+/.exec(body.slice(at + key.length + 1));
  return m ? BigInt(m[0]) : undefined;
}

/** A `key=0x…` field (the probes' `ret=`, binder_transaction's `flags=`). */
export function hexOrNumField(body: string, key: string): number | undefined {
  const m = new RegExp(`(?:^|\\s)${key}=(0x[0-9a-fA-F]+|-?\\d+)`).exec(body);
  return m ? Number(m[1]) : undefined;
}
