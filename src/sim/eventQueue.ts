/**
 * The pending events of a run, in a binary min-heap ordered by (timeNs, seq).
 *
 * `seq` is the insertion number, so events at the same time fire in the order they were
 * scheduled: a total order with no ties, which is what makes runs reproducible (a comparator
 * that never returns 0, or that compares only times, would leave ties to the heap's shape).
 */
import type { SimTimeNs } from '../util/simTime.js';

export interface Scheduled<T> {
  readonly timeNs: SimTimeNs;
  readonly seq: number;
  readonly payload: T;
}

export class EventQueue<T> {
  readonly #heap: Scheduled<T>[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  /** Schedules `payload` at `timeNs`; returns the entry (its seq identifies it). */
  push(timeNs: SimTimeNs, payload: T): Scheduled<T> {
    if (!Number.isSafeInteger(timeNs) || timeNs < 0) throw new RangeError(`EventQueue: bad time ${timeNs}`);
    const e: Scheduled<T> = { timeNs, seq: this.#seq++, payload };
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = e;
    return e;
  }

  /** The earliest entry without removing it. */
  peek(): Scheduled<T> | undefined {
    return this.#heap[0];
  }

  /** Removes and returns the earliest entry. */
  pop(): Scheduled<T> | undefined {
    const h = this.#heap;
    const top = h[0];
    if (top === undefined) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before<T>(a: Scheduled<T>, b: Scheduled<T>): boolean {
  return a.timeNs < b.timeNs || (a.timeNs === b.timeNs && a.seq < b.seq);
}
