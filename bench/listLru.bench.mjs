// list_lru on typed arrays at 1,000,000 items: add+del rate, the SKIP-all walk, and memory
// per item. The REMOVED-all walk is in listLruRemoved.bench.mjs: each file runs in its own
// process, so each walk's callback site sees one callback, as one list_lru's walks do.
import { pathToFileURL } from 'node:url';
import { cpuRate } from './lib/cpu.mjs';

const N = 1_000_000;
/** del+add pairs per task call, so each sample is well above the timer's resolution. */
const BATCH = 10_000;
/** Stride through the ids (prime, coprime with N) so accesses are scattered, not sequential. */
const STRIDE = 7919;

export default async function listLruBench(bench, distDir) {
  const { ListLru, LRU_SKIP, LRU_REMOVED } = await import(pathToFileURL(`${distDir}/mm/listLru/index.js`).href);

  const fill = (lru) => {
    for (let i = 0; i < N; i++) lru.add(i, 0, -1);
  };

  // Memory: what the lru holds, and what the process actually grew by.
  const gc = globalThis.gc;
  // Array buffers replaced while growing are released only after a GC and a turn of the
  // event loop; settle both so the delta is what the lru keeps.
  const settle = async () => {
    gc?.();
    await new Promise((r) => setTimeout(r, 20));
    gc?.();
  };
  await settle();
  const m0 = process.memoryUsage();
  let probe = new ListLru({ nrNodes: 1, memcgAware: false });
  fill(probe);
  await settle();
  const m1 = process.memoryUsage();
  const structBytes = probe.memoryBytes();
  const processBytes = m1.heapUsed + m1.arrayBuffers - (m0.heapUsed + m0.arrayBuffers);
  probe = null;

  const churn = new ListLru({ nrNodes: 1, memcgAware: false });
  fill(churn);
  let cursor = 0;
  bench.add(
    `add+del ×${BATCH} (1M listed)`,
    () => {
      for (let k = 0; k < BATCH; k++) {
        cursor += STRIDE;
        if (cursor >= N) cursor -= N;
        churn.del(cursor);
        churn.add(cursor, 0, -1);
      }
    },
    { async: false },
  );

  const skipLru = new ListLru({ nrNodes: 1, memcgAware: false });
  fill(skipLru);
  const skip = () => LRU_SKIP;
  bench.add(
    'walk SKIP-all (1M)',
    () => {
      if (skipLru.walk(skip, null, N) !== 0) throw new Error('SKIP walk isolated something');
    },
    { async: false },
  );

  await bench.run();
  const ms = Number(process.env.BENCH_TIME_MS ?? 1000);
  const skipCpu = cpuRate(() => skipLru.walk(skip, null, N), N, ms);
  if (skipLru.count() !== N) throw new Error('list_lru bench: the SKIP walk isolated something');

  const hz = (name) => {
    const t = bench.getTask(name);
    return t && t.result.state === 'completed' ? 1000 / t.result.latency.mean : NaN;
  };
  return {
    'list_lru add+del ops/s (each add, each del)': hz(`add+del ×${BATCH} (1M listed)`) * BATCH * 2,
    // Per CPU-second (bench/lib/cpu.mjs), as the C side measures.
    'walk SKIP-all items/s': skipCpu,
    'bytes/item, typed arrays (capacity 2^20)': structBytes / N,
    'bytes/item, process heap+arrayBuffers growth': gc ? processBytes / N : 'n/a (run with --expose-gc)',
  };
}
