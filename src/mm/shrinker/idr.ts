/**
 * The lowest-free-id allocator behind `idr_alloc(…, start, 0)` and `ida_alloc()`: shrinker
 * ids (the bit numbers of the per-memcg maps), shrinker debugfs ids, and memcg ids all
 * reuse the smallest number that is free, so a freed id comes back on the next allocation.
 */
export class LowestFreeIds {
  private readonly used = new Set<number>();

  constructor(private readonly start = 0) {}

  alloc(): number {
    let id = this.start;
    while (this.used.has(id)) id++;
    this.used.add(id);
    return id;
  }

  free(id: number): void {
    this.used.delete(id);
  }

  has(id: number): boolean {
    return this.used.has(id);
  }

  get size(): number {
    return this.used.size;
  }
}
