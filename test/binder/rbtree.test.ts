/**
 * The intrusive red-black tree against lib/rbtree.c's rules: invariants under random
 * insert/erase (fast-check), in-order = sorted with equal keys in insertion order, and shapes
 * computed by hand for the kernel's rotation cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erase, first, insertColor, linkNode, next, prev, RbRoot, validate, type RbNode } from '../../src/binder/rbtree.js';

class N implements RbNode<N> {
  rbParent: N | null = null;
  rbLeft: N | null = null;
  rbRight: N | null = null;
  rbRed = false;
  constructor(
    readonly key: number,
    readonly id: number,
  ) {}
}

/** Insert as binder_insert_free_buffer does: smaller left, equal or larger right. */
function insert(root: RbRoot<N>, n: N): void {
  let parent: N | null = null;
  let side: 'left' | 'right' = 'left';
  for (let p = root.node; p; ) {
    parent = p;
    if (n.key < p.key) {
      side = 'left';
      p = p.rbLeft;
    } else {
      side = 'right';
      p = p.rbRight;
    }
  }
  linkNode(root, n, parent, side);
  insertColor(root, n);
}

function inorder(root: RbRoot<N>): N[] {
  const out: N[] = [];
  for (let n = first(root); n; n = next(n)) out.push(n);
  return out;
}

/** Shape as nested text: key(colour) [left right]. */
function shape(n: N | null): string {
  if (!n) return '-';
  const c = `${n.key}${n.rbRed ? 'r' : 'b'}`;
  return n.rbLeft || n.rbRight ? `${c}(${shape(n.rbLeft)} ${shape(n.rbRight)})` : c;
}

describe('red-black tree (lib/rbtree.c rebalancing)', () => {
  it('keeps the red-black properties and sorted order under random inserts and erases', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 })), { maxLength: 200 }), (ops) => {
        const root = new RbRoot<N>();
        const live: N[] = [];
        let id = 0;
        for (const [ins, k] of ops) {
          if (ins || live.length === 0) {
            const n = new N(k, id++);
            insert(root, n);
            live.push(n);
          } else {
            const [victim] = live.splice(k % live.length, 1);
            erase(root, victim!);
          }
          validate(root);
          const keys = inorder(root).map((n) => n.key);
          expect(keys).toEqual([...keys].sort((a, b) => a - b));
          expect(keys).toHaveLength(live.length);
        }
        // Equal keys stay in insertion order in-order (they always go right of an equal node).
        const byKey = new Map<number, number[]>();
        for (const n of inorder(root)) byKey.set(n.key, [...(byKey.get(n.key) ?? []), n.id]);
        for (const ids of byKey.values()) expect(ids).toEqual([...ids].sort((a, b) => a - b));
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('insert cases by hand: left-right chain becomes a rotated root; red uncle recolours', () => {
    const root = new RbRoot<N>();
    insert(root, new N(10, 0));
    insert(root, new N(5, 1));
    // 7 hangs right of 5 (red-red, black uncle): rotate left at 5, right at 10 → 7 is the root.
    insert(root, new N(7, 2));
    expect(shape(root.node)).toBe('7b(5r 10r)');
    // 1 under 5 with red uncle 10: recolour 5 and 10 black, 7 stays the (black) root.
    insert(root, new N(1, 3));
    expect(shape(root.node)).toBe('7b(5b(1r -) 10b)');
  });

  it('erase splices in the successor and rebalances', () => {
    const root = new RbRoot<N>();
    const nodes = [50, 30, 70, 20, 40, 60, 80].map((k, i) => new N(k, i));
    for (const n of nodes) insert(root, n);
    expect(shape(root.node)).toBe('50b(30b(20r 40r) 70b(60r 80r))');
    // Erase the root: its successor 60 (leftmost of the right subtree, red leaf) takes its place.
    erase(root, nodes[0]!);
    expect(shape(root.node)).toBe('60b(30b(20r 40r) 70b(- 80r))');
    // Erase 70 (one red right child): 80 takes its place and its black colour.
    erase(root, nodes[2]!);
    expect(shape(root.node)).toBe('60b(30b(20r 40r) 80b)');
    // Erase 80 (black leaf): sibling 30 is black with red children → case 4 rotation at 60.
    erase(root, nodes[6]!);
    expect(shape(root.node)).toBe('30b(20b 60b(40r -))');
    validate(root);
  });

  it('prev walks the in-order sequence backwards (rb_prev), null before the first node', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 120 }), fc.array(fc.nat(), { maxLength: 40 }), (keys, erases) => {
        const root = new RbRoot<N>();
        const live = keys.map((k, i) => new N(k, i));
        for (const n of live) insert(root, n);
        for (const e of erases) {
          if (live.length === 0) break;
          const [gone] = live.splice(e % live.length, 1) as [N];
          erase(root, gone);
        }
        const fwd = inorder(root);
        const back: N[] = [];
        let last: N | null = fwd.length ? (fwd[fwd.length - 1] as N) : null;
        for (let n = last; n; n = prev(n)) back.push(n);
        expect(back.reverse()).toEqual(fwd);
        if (fwd.length) {
          expect(prev(fwd[0] as N)).toBeNull();
          last = fwd[fwd.length - 1] as N;
          expect(next(last)).toBeNull();
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
