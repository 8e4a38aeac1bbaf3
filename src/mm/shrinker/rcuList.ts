/**
 * A list with RCU reader semantics (list_add_tail_rcu / list_del_rcu /
 * list_for_each_entry_rcu): a walker standing on an entry that gets unlinked still follows
 * that entry's `next`, entries appended during a walk are seen by it, and nothing a walker
 * holds is ever invalidated. This is what lets a 6.12 shrink_slab walk survive a shrinker
 * being freed or registered from inside a callback.
 */
export interface RcuNode<T> {
  readonly value: T | undefined;
  next: RcuNode<T>;
  prev: RcuNode<T> | null;
  linked: boolean;
}

export class RcuList<T> {
  private readonly head: RcuNode<T>;

  constructor() {
    const head = { value: undefined, linked: true, prev: null } as unknown as RcuNode<T>;
    head.next = head;
    head.prev = head;
    this.head = head;
  }

  /** `list_add_tail_rcu`. */
  append(value: T): RcuNode<T> {
    const tail = this.head.prev!;
    const node: RcuNode<T> = { value, next: this.head, prev: tail, linked: true };
    tail.next = node;
    this.head.prev = node;
    return node;
  }

  /** `list_del_rcu`: neighbours skip the node, but the node keeps its `next` for readers. */
  remove(node: RcuNode<T>): void {
    if (!node.linked) return;
    const prev = node.prev!;
    prev.next = node.next;
    node.next.prev = prev;
    node.prev = null;
    node.linked = false;
  }

  /** `list_for_each_entry_rcu`: a generator that tolerates changes made while it runs. */
  *walk(): Generator<T> {
    for (let n = this.head.next; n !== this.head; n = n.next) {
      // An unlinked node still leads back into the list (or to the head) via `next`.
      if (n.value !== undefined) yield n.value;
    }
  }

  toArray(): T[] {
    return [...this.walk()];
  }
}
