/**
 * Model-based test: random sequences of add / del / walks (with random statuses and lock
 * drops) / reparent / memcgOnline run against ListLru and against a naive model built on JS
 * arrays, written straight from the walker's prose in the spec (§4.3). After every step the
 * two must agree exactly, and invariant 24 must hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ListLru,
  LRU_REMOVED,
  LRU_REMOVED_RETRY,
  LRU_RETRY,
  LRU_ROTATE,
  LRU_SKIP,
  LRU_STOP,
  LRU_STATUSES,
  isRemoved,
  type LruIsolate,
  type LruStatus,
} from '../../../src/mm/listLru/index.js';

const NR_NODES = 2;
const NR_ITEMS = 24;
const MEMCGS = [-1, 0, 1, 2, 3];

type Op =
  | { op: 'add'; item: number; nid: number; memcg: number }
  | { op: 'del'; item: number }
  | { op: 'walkOne'; nid: number; memcg: number; budget: number; statuses: LruStatus[]; drop: boolean }
  | { op: 'walkNode'; nid: number; budget: number; statuses: LruStatus[]; drop: boolean }
  | { op: 'walk'; budget: number; statuses: LruStatus[]; drop: boolean }
  | { op: 'reparent'; child: number; parent: number }
  | { op: 'online'; memcg: number };

const statusesArb = fc.array(fc.constantFrom(...LRU_STATUSES), { minLength: 1, maxLength: 6 });
const itemArb = fc.integer({ min: 0, max: NR_ITEMS - 1 });
const nidArb = fc.integer({ min: 0, max: NR_NODES - 1 });
const memcgArb = fc.constantFrom(...MEMCGS);
const budgetArb = fc.integer({ min: 0, max: 40 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('add' as const), item: itemArb, nid: nidArb, memcg: memcgArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('del' as const), item: itemArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('walkOne' as const),
      nid: nidArb,
      memcg: memcgArb,
      budget: budgetArb,
      statuses: statusesArb,
      drop: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('walkNode' as const),
      nid: nidArb,
      budget: budgetArb,
      statuses: statusesArb,
      drop: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('walk' as const), budget: budgetArb, statuses: statusesArb, drop: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('reparent' as const),
      child: fc.integer({ min: 0, max: 3 }),
      parent: memcgArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('online' as const), memcg: fc.integer({ min: 0, max: 3 }) }) },
);

/** The naive model: one JS array per (nid, live memcg), and a redirect map for dead memcgs. */
class Model {
  readonly lists = new Map<string, number[]>();
  readonly where = new Map<number, string>();
  readonly dead = new Map<number, number>();
  readonly bits: [number, number][] = [];

  resolve(m: number): number {
    return this.dead.get(m) ?? m;
  }
  list(nid: number, m: number): number[] {
    const k = `${nid}:${m}`;
    let l = this.lists.get(k);
    if (!l) {
      l = [];
      this.lists.set(k, l);
    }
    return l;
  }
  add(item: number, nid: number, memcg: number): boolean {
    if (this.where.has(item)) return false;
    const m = this.resolve(memcg);
    const l = this.list(nid, m);
    if (l.length === 0 && m >= 0) this.bits.push([m, nid]);
    l.push(item);
    this.where.set(item, `${nid}:${m}`);
    return true;
  }
  del(item: number): boolean {
    const k = this.where.get(item);
    if (k === undefined) return false;
    const l = this.lists.get(k)!;
    l.splice(l.indexOf(item), 1);
    this.where.delete(item);
    return true;
  }
  /** Walk one list: charge, call, act; "safe" iteration continues at the saved next. */
  walkList(nid: number, m: number, next: () => LruStatus, budget: { n: number }, visits: number[]): number {
    const l = this.lists.get(`${nid}:${m}`);
    if (!l) return 0;
    let isolated = 0;
    let i = 0;
    while (i < l.length) {
      if (budget.n === 0) break;
      budget.n--;
      const item = l[i]!;
      const saved = l[i + 1];
      visits.push(item);
      const s = next();
      if (s === LRU_STOP) break;
      if (s === LRU_RETRY) {
        i = 0;
        continue;
      }
      if (s === LRU_SKIP) {
        i++;
        continue;
      }
      l.splice(i, 1);
      if (s === LRU_ROTATE) l.push(item);
      else {
        this.where.delete(item);
        isolated++;
        if (s === LRU_REMOVED_RETRY) {
          i = 0;
          continue;
        }
      }
      i = saved === undefined ? l.length : l.indexOf(saved);
    }
    return isolated;
  }
  liveMemcgs(): number[] {
    const ms = new Set<number>();
    for (const k of this.lists.keys()) ms.add(Number(k.split(':')[1]));
    return [...ms].filter((m) => m >= 0 && !this.dead.has(m)).sort((a, b) => a - b);
  }
  walkNode(nid: number, next: () => LruStatus, budget: { n: number }, visits: number[]): number {
    let isolated = this.walkList(nid, -1, next, budget, visits);
    if (budget.n > 0) {
      for (const m of this.liveMemcgs()) {
        isolated += this.walkList(nid, m, next, budget, visits);
        if (budget.n <= 0) break;
      }
    }
    return isolated;
  }
  /** Returns 'error' when the real one must refuse (parent resolves to the child). */
  reparent(child: number, parent: number): 'ok' | 'error' {
    if (this.dead.has(child)) return 'ok';
    const p = this.resolve(parent);
    if (p === child) return 'error';
    for (let nid = 0; nid < NR_NODES; nid++) {
      const src = this.lists.get(`${nid}:${child}`);
      if (!src) continue;
      this.lists.delete(`${nid}:${child}`);
      if (src.length === 0) continue;
      const dst = this.list(nid, p);
      dst.unshift(...src);
      for (const it of src) this.where.set(it, `${nid}:${p}`);
      if (p >= 0) this.bits.push([p, nid]);
    }
    for (const [k, v] of this.dead) if (v === child) this.dead.set(k, p);
    this.dead.set(child, p);
    return 'ok';
  }
  online(m: number): void {
    this.dead.delete(m);
  }
}

/** A status stream cycling through `statuses`, and the callback that obeys the contract. */
function driver(statuses: LruStatus[], drop: boolean) {
  let k = 0;
  const next = (): LruStatus => statuses[k++ % statuses.length]!;
  const visits: number[] = [];
  const cb: LruIsolate<null> = (item, list) => {
    visits.push(item);
    const s = next();
    if (isRemoved(s)) list.isolate(item);
    // Only the statuses that restart or stop may follow a lock drop.
    if (drop && (s === LRU_REMOVED_RETRY || s === LRU_RETRY || s === LRU_STOP)) {
      list.unlock();
      list.lock();
    }
    return s;
  };
  return { cb, visits, next };
}

function checkAgainstModel(lru: ListLru, model: Model): void {
  for (let nid = 0; nid < NR_NODES; nid++) {
    let sum = 0;
    for (const m of MEMCGS) {
      const expected = model.dead.has(m) ? null : (model.lists.get(`${nid}:${m}`) ?? []);
      if (expected === null) continue;
      const got = lru.listItems(nid, m);
      expect(got).toEqual(expected);
      // Invariant 24: nr_items equals the list length.
      expect(lru.countOne(nid, m)).toBe(got.length);
      sum += got.length;
    }
    // Invariant 24: the node total is the sum of the node's sublists.
    expect(lru.countNode(nid)).toBe(sum);
  }
  for (let item = 0; item < NR_ITEMS; item++) expect(lru.isListed(item)).toBe(model.where.has(item));
}

describe('list_lru against a naive array model', () => {
  it('agrees on every step of random operation sequences (invariant 24)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
        const bits: [number, number][] = [];
        const lru = new ListLru({
          nrNodes: NR_NODES,
          memcgAware: true,
          strict: true,
          shrinkerId: 2,
          setShrinkerBit: (m, nid, id) => {
            expect(id).toBe(2);
            bits.push([m, nid]);
          },
          initialCapacity: 4, // force growth during the run
        });
        const model = new Model();
        for (const o of ops) {
          const before = lru.count();
          switch (o.op) {
            case 'add':
              // Invariant 24: add returns false iff the item is already listed.
              expect(lru.add(o.item, o.nid, o.memcg)).toBe(model.add(o.item, o.nid, o.memcg));
              break;
            case 'del':
              expect(lru.del(o.item)).toBe(model.del(o.item));
              break;
            case 'walkOne':
            case 'walkNode':
            case 'walk': {
              const real = driver(o.statuses, o.drop);
              const ref = driver(o.statuses, false);
              const budget = { nrToWalk: o.budget };
              const mb = { n: o.budget };
              let got: number;
              let want: number;
              if (o.op === 'walkOne') {
                got = lru.walkOne(o.nid, o.memcg, real.cb, null, budget);
                want = model.walkList(o.nid, model.resolve(o.memcg), ref.next, mb, ref.visits);
              } else if (o.op === 'walkNode') {
                got = lru.walkNode(o.nid, real.cb, null, budget);
                want = model.walkNode(o.nid, ref.next, mb, ref.visits);
              } else {
                got = lru.walk(real.cb, null, o.budget);
                want = 0;
                for (let nid = 0; nid < NR_NODES; nid++) {
                  want += model.walkNode(nid, ref.next, mb, ref.visits);
                  if (mb.n <= 0) break;
                }
                budget.nrToWalk = mb.n; // walk takes the budget by value
              }
              expect(real.visits).toEqual(ref.visits);
              expect(got).toBe(want);
              // Invariant 24: the budget drops by exactly the number of callbacks...
              expect(o.budget - budget.nrToWalk).toBe(real.visits.length);
              expect(budget.nrToWalk).toBeGreaterThanOrEqual(0);
              // ...isolated ≤ callbacks, and each REMOVED* takes exactly one off the counts.
              expect(got).toBeLessThanOrEqual(real.visits.length);
              expect(before - lru.count()).toBe(got);
              break;
            }
            case 'reparent': {
              const r = o.child === o.parent ? 'error' : model.reparent(o.child, o.parent);
              if (r === 'error') expect(() => lru.reparent(o.child, o.parent)).toThrow(RangeError);
              else lru.reparent(o.child, o.parent);
              expect(lru.count()).toBe(before);
              break;
            }
            case 'online':
              lru.memcgOnline(o.memcg);
              model.online(o.memcg);
              break;
          }
          checkAgainstModel(lru, model);
          expect(bits).toEqual(model.bits);
          for (let nid = 0; nid < NR_NODES; nid++) expect(lru.lruLockHeld(nid)).toBe(false);
        }
      }),
      { numRuns: 400, seed: 24 },
    );
  });

  it('the model itself can fail: a walker that ignored ROTATE would be caught', () => {
    // Guard against a vacuous model: ROTATE must reorder, so an identity walk disagrees.
    const model = new Model();
    for (const i of [0, 1, 2]) model.add(i, 0, -1);
    model.walkList(0, -1, () => LRU_ROTATE, { n: 1 }, []);
    expect(model.lists.get('0:-1')).toEqual([1, 2, 0]);
    model.walkList(0, -1, () => LRU_REMOVED, { n: 1 }, []);
    expect(model.lists.get('0:-1')).toEqual([2, 0]);
  });
});
