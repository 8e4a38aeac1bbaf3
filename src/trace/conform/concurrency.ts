/**
 * Which calls on one shrinker overlapped in time, and how much they could have added to the
 * deferred slot while another call held it.
 *
 * A call takes the whole slot (xchg) just before its start line and adds its next_deferred
 * back just before its end line. Its new scan count is its own next_deferred plus whatever
 * other calls added in between and nobody took. Those other calls must overlap it: a call of
 * another task whose start..end interval intersects this one's (ftrace output is ordered by
 * timestamp, so file position is time). Their additions bound the surplus. A call entirely
 * enclosing this one counts too: its add may land inside our window while its end line is
 * printed after ours.
 */
import type { Long } from '../../mm/kint.js';
import type { Concurrency } from './checkPair.js';

/** One call on a shrinker, as positions in its file. */
export interface CallSpan {
  readonly startLine: number;
  readonly endLine: number;
  readonly pid: number;
  /** What the call added to the slot (its next_deferred; for an end without start, its new scan count). */
  readonly added: Long;
}

const NONE: Concurrency = { calls: 0, maxAdded: 0n };

/**
 * For each call of `spans` (all on one shrinker of one file), the other tasks' overlapping
 * calls. Returns an array parallel to `spans`.
 */
export function overlapsOf(spans: readonly CallSpan[]): Concurrency[] {
  const order = spans.map((_, i) => i).sort((a, b) => spans[a]!.startLine - spans[b]!.startLine);
  const out: Concurrency[] = spans.map(() => NONE);
  let active: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const me = spans[i]!;
    active = active.filter((j) => spans[j]!.endLine > me.startLine);
    let calls = 0;
    let added = 0n;
    const take = (j: number): void => {
      const other = spans[j]!;
      if (other.pid === me.pid) return;
      calls++;
      added += other.added;
    };
    for (const j of active) take(j);
    for (let q = k + 1; q < order.length; q++) {
      const j = order[q]!;
      if (spans[j]!.startLine > me.endLine) break;
      take(j);
    }
    if (calls > 0) out[i] = { calls, maxAdded: added };
    active.push(i);
  }
  return out;
}
