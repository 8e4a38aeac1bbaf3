// list_lru walk at 1,000,000 items where the isolate callback removes every item (LRU_REMOVED),
// refilled before each walk. Its own file, so its own process (bench/run.mjs): the walk's
// callback site sees only this callback, as a list_lru's walks see only their shrinker's.
import { pathToFileURL } from 'node:url';
import { cpuRate } from './lib/cpu.mjs';

const N = 1_000_000;

export default async function listLruRemovedBench(bench, distDir) {
  const { ListLru, LRU_REMOVED } = await import(pathToFileURL(`${distDir}/mm/listLru/index.js`).href);
  const fill = (lru) => {
    for (let i = 0; i < N; i++) lru.add(i, 0, -1);
  };
  const removeLru = new ListLru({ nrNodes: 1, memcgAware: false });
  const remove = (item, list) => {
    list.isolate(item);
    return LRU_REMOVED;
  };
  // Untimed first: 200 walks of a 1,000-item list. Each 1M-item walk is one long loop, and
  // V8 compiles it on the stack (OSR) before the code after the loop, and the unlink of a
  // list's last item, have ever run; what it compiled next depended on which compile finished
  // first (in 5 of 14 processes the timed walks then ran at ~133 M items/s instead of ~160).
  // Short walks first, as the simulator's walks are (128 items for Binder), give every path
  // its feedback before the timed walks.
  const warm = new ListLru({ nrNodes: 1, memcgAware: false });
  for (let k = 0; k < 200; k++) {
    for (let i = 0; i < 1000; i++) warm.add(i, 0, -1);
    if (warm.walk(remove, null, 1000) !== 1000) throw new Error('REMOVED warm-up walk missed items');
  }
  bench.add(
    'walk REMOVED-all (1M)',
    () => {
      if (removeLru.walk(remove, null, N) !== N) throw new Error('REMOVED walk missed items');
    },
    { async: false, beforeEach: () => fill(removeLru) },
  );
  await bench.run();
  const ms = Number(process.env.BENCH_TIME_MS ?? 1000);
  const removeCpu = cpuRate(() => removeLru.walk(remove, null, N), N, ms, () => fill(removeLru));
  if (removeLru.count() !== 0) throw new Error('list_lru bench: the REMOVED walk left items');
  // Per CPU-second (bench/lib/cpu.mjs), as the C side measures.
  return { 'walk REMOVED-all items/s': removeCpu };
}
