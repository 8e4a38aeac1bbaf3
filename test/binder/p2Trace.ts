/**
 * Test helper: reads the real p2 trace (test/fixtures) and cuts its Binder events into
 * operations: an allocation (update_page_range allocate=1 … transaction_alloc_buf) or a
 * freelist-add segment (update_page_range allocate=0 and its free_lru events). A free that
 * merges with neighbours shows as several consecutive segments of the same task; the replay
 * decides how many belong together from what the model emits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseFtraceLine, type FtraceRecord } from '../../src/trace/ftrace/parse.js';

export const P2_TRACE = join(import.meta.dirname, '..', 'fixtures', 'linux-6.12.95', 'trace_p2_binder_drop_caches.txt.gz');

export interface TraceEv {
  readonly line: number;
  readonly task: number;
  readonly event: string;
  readonly body: string;
  readonly flags: string | undefined;
}

export interface Segment {
  readonly task: number;
  readonly allocate: boolean;
  readonly proc: number;
  readonly offset: number;
  readonly size: bigint;
  /** Every event of the segment, update_page_range first; for an allocation, up to alloc_buf. */
  readonly events: TraceEv[];
  readonly sizes?: { data: bigint; offsets: bigint; extra: bigint };
}

export interface P2Trace {
  readonly segments: Segment[];
  /** Events after the first drop_caches mark. */
  readonly reclaim: TraceEv[];
  readonly records: FtraceRecord[];
}

const num = (body: string, key: string): string => {
  const m = new RegExp(`(?:^|\\s)${key}=(-?\\d+)`).exec(body);
  if (!m) throw new Error(`no ${key} in ${body}`);
  return m[1] as string;
};
export const field = (body: string, key: string): number => Number(num(body, key));
export const bigField = (body: string, key: string): bigint => BigInt(num(body, key));

export function loadP2(): P2Trace {
  const text = gunzipSync(readFileSync(P2_TRACE)).toString('utf8');
  const records: FtraceRecord[] = [];
  const evs: TraceEv[] = [];
  let reclaimAt = -1;
  text.split('\n').forEach((l) => {
    const r = parseFtraceLine(l);
    if (!r) return;
    records.push(r);
    if (r.event === 'tracing_mark_write' && r.body.includes('drop_caches') && reclaimAt < 0) reclaimAt = evs.length;
    if (r.event.startsWith('binder_') || r.event.startsWith('mm_shrink_slab')) {
      evs.push({ line: records.length - 1, task: r.pid, event: r.event, body: r.body, flags: r.flags });
    }
  });
  const traffic = reclaimAt < 0 ? evs : evs.slice(0, reclaimAt);
  const reclaim = reclaimAt < 0 ? [] : evs.slice(reclaimAt);

  // Per task, cut the stream at each update_page_range.
  const open = new Map<number, { seg: Segment; closed: boolean }>();
  const segments: Segment[] = [];
  for (const e of traffic) {
    if (e.event === 'binder_update_page_range') {
      const seg: Segment = {
        task: e.task,
        allocate: field(e.body, 'allocate') === 1,
        proc: field(e.body, 'proc'),
        offset: field(e.body, 'offset'),
        size: bigField(e.body, 'size'),
        events: [e],
      };
      segments.push(seg);
      open.set(e.task, { seg, closed: false });
      continue;
    }
    const o = open.get(e.task);
    if (!o || o.closed) throw new Error(`event outside an operation at trace line ${e.line}: ${e.event}`);
    o.seg.events.push(e);
    if (e.event === 'binder_transaction_alloc_buf') {
      (o.seg as { sizes?: Segment['sizes'] }).sizes = {
        data: bigField(e.body, 'data_size'),
        offsets: bigField(e.body, 'offsets_size'),
        extra: bigField(e.body, 'extra_buffers_size'),
      };
      o.closed = true;
    }
  }
  return { segments, reclaim, records };
}

/** An event reduced to what the model must reproduce: name and body. */
export const sig = (event: string, body: string): string => `${event}: ${body}`;
