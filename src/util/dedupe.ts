/**
 * Distinct values with how often each occurs, in order of first occurrence. Inference over a
 * trace sees the same evidence many times; working on the distinct pieces keeps it cheap
 * while the counts still weigh each piece.
 */
export function dedupe<T>(items: readonly T[], key: (item: T) => string): Array<[T, number]> {
  const m = new Map<string, [T, number]>();
  for (const item of items) {
    const k = key(item);
    const hit = m.get(k);
    if (hit) hit[1]++;
    else m.set(k, [item, 1]);
  }
  return [...m.values()];
}
