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
