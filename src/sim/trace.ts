/**
 * The run's ftrace text: lines `{ctx, event, body}` in emission order, rendered as the whole
 * `/sys/kernel/tracing/trace` file (header + one line per record). Bodies are rendered by the
 * format functions of each event (shrinkFormat.ts, the Binder formatter), so what `shrinksim
 * conform` parses is exactly what the kernel would print.
 */
import { formatGfp, type GfpMask, type GfpProfile } from '../mm/gfp.js';
import { formatFtraceLine, ftraceHeader, type TraceContext } from '../trace/ftrace/line.js';

export interface TraceRecord {
  readonly ctx: TraceContext;
  readonly event: string;
  readonly body: string;
}

/** Size of one block of rendered trace bytes. */
const BLOCK = 1 << 20;

export class TraceCollector {
  /**
   * Rendered lines, encoded at once into 1 MiB blocks: holding 10^5–10^6 line strings (or
   * record objects) makes the garbage collector the slowest part of a traced run.
   */
  private readonly blocks: Uint8Array[] = [];
  private block = new Uint8Array(BLOCK);
  private used = 0;
  private count = 0;
  private readonly encoder = new TextEncoder();

  /** Appends one line: `event` with its rendered `body`, in the context `ctx`. */
  add(ctx: TraceContext, event: string, body: string): void {
    this.write(`${formatFtraceLine(ctx, event, body)}\n`);
  }

  private write(text: string): void {
    this.count++;
    for (;;) {
      const r = this.encoder.encodeInto(text, this.block.subarray(this.used));
      this.used += r.written;
      if (r.read === text.length) return;
      text = text.slice(r.read);
      this.blocks.push(this.block.subarray(0, this.used));
      this.block = new Uint8Array(Math.max(BLOCK, text.length * 3));
      this.used = 0;
    }
  }

  get size(): number {
    return this.count;
  }

  /** The whole file, as `cat trace` prints it. */
  render(cpus: number): string {
    const parts = [...this.blocks, this.block.subarray(0, this.used)];
    const total = parts.reduce((s, p) => s + p.length, 0);
    const all = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return `${ftraceHeader(this.count, cpus)}\n${new TextDecoder().decode(all)}`;
  }
}

/** The vmscan tracepoint a reclaim path's begin / end fires (none for the other paths). */
export function vmscanEventName(path: string, begin: boolean): string | null {
  switch (path) {
    case 'direct':
      return begin ? 'mm_vmscan_direct_reclaim_begin' : 'mm_vmscan_direct_reclaim_end';
    case 'proactive':
    case 'memcg':
      return begin ? 'mm_vmscan_memcg_reclaim_begin' : 'mm_vmscan_memcg_reclaim_end';
    case 'kswapd':
      return begin ? 'mm_vmscan_kswapd_wake' : 'mm_vmscan_kswapd_sleep';
    default:
      return null;
  }
}

/** Bodies of the vmscan reclaim tracepoints (include/trace/events/vmscan.h). */
export const vmscanBodies = {
  /** mm_vmscan_direct_reclaim_begin / mm_vmscan_memcg_reclaim_begin: `order=%d gfp_flags=%s`. */
  reclaimBegin: (order: number, gfp: GfpMask, profile: GfpProfile): string => `order=${order} gfp_flags=${formatGfp(gfp, profile)}`,
  /** *_reclaim_end: `nr_reclaimed=%lu`. */
  reclaimEnd: (nr: number): string => `nr_reclaimed=${nr}`,
  /** mm_vmscan_kswapd_wake: `nid=%d order=%d`. */
  kswapdWake: (nid: number, order: number): string => `nid=${nid} order=${order}`,
  /** mm_vmscan_kswapd_sleep: `nid=%d`. */
  kswapdSleep: (nid: number): string => `nid=${nid}`,
} as const;

/**
 * oom:mark_victim (include/trace/events/oom.h since "mm: update mark_victim tracepoints
 * fields", 6.8, and in 6.1.130+ stable): `pid=%d comm=%s total-vm=%lukB anon-rss=%lukB
 * file-rss:%lukB shmem-rss:%lukB uid=%u pgtables=%lukB oom_score_adj=%hd` (sizes in KiB; the
 * kernel itself mixes `=` and `:`). The model's tasks run as uid 0 and have no shmem.
 */
export function markVictimBody(k: {
  readonly pid: number;
  readonly comm: string;
  readonly totalVmPages: number;
  readonly anonRssPages: number;
  readonly fileRssPages: number;
  readonly pgtablePages: number;
  readonly oomScoreAdj: number;
}): string {
  const kb = (pages: number): number => pages * 4;
  return (
    `pid=${k.pid} comm=${k.comm} total-vm=${kb(k.totalVmPages)}kB anon-rss=${kb(k.anonRssPages)}kB ` +
    `file-rss:${kb(k.fileRssPages)}kB shmem-rss:0kB uid=0 pgtables=${kb(k.pgtablePages)}kB oom_score_adj=${k.oomScoreAdj}`
  );
}
