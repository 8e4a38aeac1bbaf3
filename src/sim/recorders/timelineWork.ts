/**
 * One piece of reclaim work as a tree, for the timeline: the machine computes a kswapd step, a
 * direct reclaim or a script step at one instant, so its parts (try_to_free_pages calls,
 * shrink_lruvec, shrink_slab passes, do_shrink_slab calls) all carry the same timestamp. The
 * tree collects them in emission order with each leaf's price under the scenario's reclaim
 * cost model (src/mm/reclaim/cost.ts, the same prices the machine charges), and `layout` lays
 * them end to end from the piece's start, so each slice is as wide as the work it did. When
 * the piece's real duration is known (a kswapd step's `busyNs`, a direct reclaim's `stallNs`)
 * and the priced parts add up to more (rounding), they are scaled down to fit. Every price the
 * machine charges has its slice (a shrink_node section carries its own `shrinkNodeNs` before
 * its parts), so the parts of a kswapd step or a direct reclaim fill it exactly.
 */
import type { ReclaimCost } from '../../mm/reclaim/cost.js';
import type { TimelineArgs, TimelineInstant, TimelineSlice } from '../../report/timelineData.js';

type Args = Record<string, number | string | boolean>;

interface WorkNode {
  name: string;
  /** A shrink_node section: closed by the next one, a bracket's end, or the end of the piece. */
  readonly section?: boolean;
  readonly cat: string;
  args: Args;
  /** Own price in ns (leaves); containers are the sum of their children. */
  ownNs: number;
  readonly children: WorkItem[];
}

interface WorkInstant {
  readonly instant: true;
  readonly name: string;
  readonly cat: string;
  readonly args: Args;
}

type WorkItem = WorkNode | WorkInstant;

const isNode = (i: WorkItem): i is WorkNode => !('instant' in i);

function priceNs(n: WorkNode): number {
  let t = n.ownNs;
  for (const c of n.children) if (isNode(c)) t += priceNs(c);
  return t;
}

export class WorkTree {
  private top: WorkItem[] = [];
  private stack: WorkNode[] = [];
  /** The shrink_slab pass being filled (its do_shrink_slab calls arrive before its end). */
  private pass: WorkNode | null = null;
  /** The last do_shrink_slab added (for `annotate`). */
  private last: WorkNode | null = null;
  /** The priority of the first pass (LRU or slab) of this piece, if any. */
  firstPriority: number | null = null;

  constructor(readonly cost: ReclaimCost) {}

  get empty(): boolean {
    return this.top.length === 0 && this.pass === null;
  }

  private add(item: WorkItem): void {
    const parent = this.stack[this.stack.length - 1];
    (parent ? parent.children : this.top).push(item);
  }

  private closePass(): void {
    this.pass = null;
  }

  private ensurePass(): WorkNode {
    if (this.pass) return this.pass;
    const p: WorkNode = { name: 'shrink_slab', cat: 'shrink_slab', args: {}, ownNs: 0, children: [] };
    this.add(p);
    this.pass = p;
    return p;
  }

  private notePriority(p: number): void {
    if (this.firstPriority === null) this.firstPriority = p;
  }

  private closeSection(): void {
    this.closePass();
    if (this.stack[this.stack.length - 1]?.section) this.stack.pop();
  }

  /** A shrink_node pass: shrinkNodeNs of its own, then its LRU part and shrink_slab passes. */
  shrinkNode(nid: number, priority: number, args: Args): void {
    this.closeSection();
    this.notePriority(priority);
    const n: WorkNode = { name: `shrink_node prio ${priority}`, cat: 'shrink_node', section: true, args: { nid, priority, ...args }, ownNs: this.cost.shrinkNodeNs, children: [] };
    this.add(n);
    this.stack.push(n);
  }

  /** A bracket (try_to_free_pages, try_to_free_mem_cgroup_pages …) opens. */
  open(name: string, cat: string, args: Args): void {
    this.closeSection();
    const n: WorkNode = { name, cat, args: { ...args }, ownNs: 0, children: [] };
    this.add(n);
    this.stack.push(n);
  }

  /** The innermost bracket closes, with more args. */
  close(args: Args): void {
    this.closeSection();
    const n = this.stack.pop();
    if (n) Object.assign(n.args, args);
  }

  /** The LRU part of a shrink_node pass: priced as lruScanNs per page plus the per-page reclaim (none when it reclaimed nothing). */
  lru(priority: number, file: number, anon: number, args: Args): void {
    this.closePass();
    this.notePriority(priority);
    // The model reclaims every page it scans: a pass that reclaimed none scanned none and cost
    // nothing; a reclaim storm has millions of them, so they are left out.
    if (file + anon === 0) return;
    const c = this.cost;
    const ownNs = (file + anon) * c.lruScanNs + file * c.fileReclaimNs + anon * c.anonReclaimNs;
    this.add({ name: `shrink_lruvec prio ${priority}`, cat: 'lru', args: { priority, file, anon, ...args }, ownNs, children: [] });
  }

  /** One do_shrink_slab: shrinkerCallNs, plus per scan_objects call and per object scanned. */
  call(name: string, scanCalls: number, scanned: number, args: Args): void {
    const c = this.cost;
    const ownNs = c.shrinkerCallNs + scanCalls * c.scanObjectsNs + scanned * c.objectScanNs;
    const n: WorkNode = { name, cat: 'do_shrink_slab', args, ownNs, children: [] };
    this.ensurePass().children.push(n);
    this.last = n;
  }

  /**
   * A do_shrink_slab whose count said 0 or SHRINK_EMPTY (it returns at once, no tracepoint).
   * Consecutive ones in a pass are one slice `count only` with `calls` and the `shrinkers`
   * (a direct reclaim storm makes millions of them); its price is `calls × shrinkerCallNs`.
   */
  countOnly(shrinker: string, args: Args): void {
    const pass = this.ensurePass();
    const prev = pass.children[pass.children.length - 1];
    if (prev && isNode(prev) && prev.cat === 'count_only') {
      prev.ownNs += this.cost.shrinkerCallNs;
      prev.args.calls = (prev.args.calls as number) + 1;
      prev.args.shrinkers = `${String(prev.args.shrinkers)}, ${shrinker}`;
      return;
    }
    pass.children.push({ name: 'count only', cat: 'count_only', args: { calls: 1, shrinkers: shrinker, ...args }, ownNs: this.cost.shrinkerCallNs, children: [] });
    this.last = null;
  }

  /** More args on the last do_shrink_slab, and instants inside it. */
  annotate(args: Args, marks: readonly { name: string; args: Args }[]): void {
    const n = this.last;
    if (!n) return;
    Object.assign(n.args, args);
    for (const m of marks) n.children.push({ instant: true, name: m.name, cat: 'lru_skip', args: m.args });
  }

  /** A walk event (skip, stop) inside the current pass. */
  mark(name: string, args: Args): void {
    this.ensurePass().children.push({ instant: true, name, cat: 'shrink_slab_walk', args });
  }

  /** shrink_slab() returned: names the pass by its priority. */
  passEnd(priority: number, args: Args): void {
    const p = this.ensurePass();
    this.notePriority(priority);
    p.name = `shrink_slab prio ${priority}`;
    Object.assign(p.args, { priority, ...args });
    this.closePass();
  }

  /** Takes the collected items and resets the tree. */
  take(): { items: WorkItem[]; priority: number | null } {
    this.closeSection();
    const out = { items: this.top, priority: this.firstPriority };
    this.top = [];
    this.stack = [];
    this.pass = null;
    this.last = null;
    this.firstPriority = null;
    return out;
  }
}

export type WorkItems = ReturnType<WorkTree['take']>['items'];

/** Σ of the items' prices (ns). */
export function itemsPriceNs(items: readonly WorkItem[]): number {
  let t = 0;
  for (const i of items) if (isNode(i)) t += priceNs(i);
  return t;
}

/**
 * Lays `items` end to end from `startNs`. With `durNs`, prices are scaled down (never up) so
 * the items fit in it. Every boundary is `startNs + round(Σ prices before it × scale)`: whole
 * ns, so siblings meet exactly and children never cross their parent's ends.
 */
export function layout(items: readonly WorkItem[], startNs: number, durNs?: number): (TimelineSlice | TimelineInstant)[] {
  const total = itemsPriceNs(items);
  const scale = durNs !== undefined && total > durNs && total > 0 ? durNs / total : 1;
  return place(items, 0, { startNs, scale });
}

function place(items: readonly WorkItem[], cum0: number, at: { readonly startNs: number; readonly scale: number }): (TimelineSlice | TimelineInstant)[] {
  const out: (TimelineSlice | TimelineInstant)[] = [];
  const when = (cum: number): number => at.startNs + Math.round(cum * at.scale);
  let cum = cum0;
  for (const i of items) {
    if (!isNode(i)) {
      out.push({ instant: true, name: i.name, cat: i.cat, tNs: when(cum), args: i.args as TimelineArgs });
      continue;
    }
    const s = when(cum);
    const e = when(cum + priceNs(i));
    // A node's own price comes first (shrink_node's overhead), then its children.
    out.push({ name: i.name, cat: i.cat, startNs: s, durNs: e - s, args: i.args, children: place(i.children, cum + i.ownNs, at) });
    cum += priceNs(i);
  }
  return out;
}
