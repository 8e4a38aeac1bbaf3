/**
 * The pending events of a run, in a binary min-heap ordered by (timeNs, seq).
 *
 * `seq` is the insertion number, so events at the same time fire in the order they were
 * scheduled: a total order with no ties, which is what makes runs reproducible (a comparator
 * that never returns 0, or that compares only times, would leave ties to the heap's shape).
 *
 * The heap is kept as parallel arrays (times, seqs, payloads) so that scheduling an event
 * allocates nothing: the run loop uses `nextTime` / `popPayload`; `pop` returns an entry object
 * for callers that want one.
 */
import { objectArray } from '../util/objectArray.js';
import type { SimTimeNs } from '../util/simTime.js';

export interface Scheduled<T> {
  readonly timeNs: SimTimeNs;
  readonly seq: number;
  readonly payload: T;
}

export class EventQueue<T> {
  private times = new Float64Array(64);
  private seqs = new Float64Array(64);
  /**
   * Made holding objects from the start: V8 makes `[]` an array of small integers first, and
   * the loop's code optimized during one run would deoptimize on the next run's new queue.
   */
  private payloads: (T | undefined)[] = objectArray<T & object>();
  private n = 0;
  private seq = 0;

  get size(): number {
    return this.n;
  }

  /** Schedules `payload` at `timeNs`. */
  push(timeNs: SimTimeNs, payload: T): void {
    if (!Number.isSafeInteger(timeNs) || timeNs < 0) throw new RangeError(`EventQueue: bad time ${timeNs}`);
    if (this.n === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    const seq = this.seq++;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      // The parent's seq is read and compared even when the times differ: a load or compare
      // that only ties ran would have no type feedback until the first tie, which then
      // deoptimized every caller the push is inlined into (the generators' hot `fire`s).
      const ps = seqs[parent] as number;
      const seqBefore = ps < seq;
      if (pt < timeNs || (pt === timeNs && seqBefore)) break;
      times[i] = pt;
      seqs[i] = ps;
      payloads[i] = payloads[parent];
      i = parent;
    }
    times[i] = timeNs;
    seqs[i] = seq;
    payloads[i] = payload;
  }

  /** Time of the earliest event; +Infinity when none is pending. */
  nextTime(): number {
    return this.n > 0 ? (this.times[0] as number) : Number.POSITIVE_INFINITY;
  }

  /** Removes the earliest event and returns its payload (the queue must not be empty). */
  popPayload(): T {
    const payloads = this.payloads;
    const top = payloads[0] as T;
    const last = --this.n;
    if (last > 0) this.siftDown(this.times[last] as number, this.seqs[last] as number, payloads[last] as T, last);
    payloads[last] = undefined;
    return top;
  }

  /** The earliest entry without removing it. */
  peek(): Scheduled<T> | undefined {
    if (this.n === 0) return undefined;
    return { timeNs: this.times[0] as number, seq: this.seqs[0] as number, payload: this.payloads[0] as T };
  }

  /** Removes and returns the earliest entry. */
  pop(): Scheduled<T> | undefined {
    const e = this.peek();
    if (e) this.popPayload();
    return e;
  }

  /** Puts (t, s, p), formerly at index `n`, into the hole at the root. */
  private siftDown(t: number, s: number, p: T, n: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let ct = times[l] as number;
      let cs = seqs[l] as number;
      if (r < n) {
        const rt = times[r] as number;
        const rs = seqs[r] as number;
        // The seq compares run whatever the times (as in `push`): a compare only ties reached
        // had no type feedback until the first tie, which deoptimized the loop it is inlined in.
        const rsBefore = rs < cs;
        if (rt < ct || (rt === ct && rsBefore)) {
          c = r;
          ct = rt;
          cs = rs;
        }
      }
      const sBefore = s < cs;
      if (t < ct || (t === ct && sBefore)) break;
      times[i] = ct;
      seqs[i] = cs;
      payloads[i] = payloads[c];
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    payloads[i] = p;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
  }
}
