/**
 * What the timeline recorder (src/sim/recorders/timeline.ts) keeps of a run, in simulated ns:
 * slices on the tracks of tasks and Binder processes (nested: a kswapd wakeup holds its
 * balance_pgdat runs, a run its steps, a step its shrink_lruvec and shrink_slab passes, a pass
 * its do_shrink_slab calls), instants, and counter values. The renderer
 * (src/report/timeline.ts) turns it into the Trace Event Format. Not part of `--json`.
 */

/** A group of tracks: one process in the trace viewer. */
export type TimelineGroup =
  /** A task of the machine (kswapd, an allocating task, the script task). */
  | { readonly kind: 'task'; readonly comm: string; readonly pid: number }
  /** A Binder process (its transactions, lock holds and page counters). */
  | { readonly kind: 'binder'; readonly proc: string }
  /** Machine-wide counters (free pages, watermarks, page cache, anon). */
  | { readonly kind: 'memory' }
  /** Per-shrinker counters (count, nr_deferred). */
  | { readonly kind: 'shrinkers' };

export type TimelineArgs = Readonly<Record<string, number | string | boolean>>;

export interface TimelineSlice {
  readonly name: string;
  /** Category (`kswapd`, `direct`, `shrink_slab`, `do_shrink_slab`, `script`, `lock`, …). */
  readonly cat: string;
  readonly startNs: number;
  readonly durNs: number;
  readonly args: TimelineArgs;
  /** Inside [startNs, startNs + durNs], in time order. */
  readonly children: readonly (TimelineSlice | TimelineInstant)[];
}

export interface TimelineInstant {
  readonly instant: true;
  readonly name: string;
  readonly cat: string;
  readonly tNs: number;
  readonly args: TimelineArgs;
}

export interface TimelineTopSlice {
  readonly group: TimelineGroup;
  readonly slice: TimelineSlice;
}

export interface TimelineTopInstant {
  readonly group: TimelineGroup;
  readonly instant: TimelineInstant;
}

/** One counter track: its values in time order (one per distinct time). */
export interface TimelineCounter {
  readonly group: TimelineGroup;
  readonly name: string;
  /** For a shrinker's counter: its index in `RunResult.shrinkers` (the renderer names it). */
  readonly shrinker?: number;
  readonly points: { tNs: number; value: number }[];
}

export interface TimelineData {
  readonly slices: readonly TimelineTopSlice[];
  readonly instants: readonly TimelineTopInstant[];
  readonly counters: readonly TimelineCounter[];
}

export const isInstant = (n: TimelineSlice | TimelineInstant): n is TimelineInstant => 'instant' in n;
