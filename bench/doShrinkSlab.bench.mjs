// do_shrink_slab call rate for a trivial honest shrinker, and the pure planning arithmetic.
import { pathToFileURL } from 'node:url';
import { cpuRate } from './lib/cpu.mjs';

/** Calls per task call, so each sample is well above the timer's resolution. */
const BATCH = 1000;

/** A plain two-slot DeferredSlots: slot = nid & 1 (a NUMA-aware shrinker on two nodes). */
class TwoSlotDeferred {
  constructor() {
    this.slots = [0n, 0n];
  }
  xchg(sc) {
    const i = sc.nid & 1;
    const v = this.slots[i];
    this.slots[i] = 0n;
    return v;
  }
  add(sc, nr) {
    const i = sc.nid & 1;
    this.slots[i] += nr;
    return this.slots[i];
  }
}

export default async function doShrinkSlabBench(bench, distDir) {
  const url = (p) => pathToFileURL(`${distDir}/${p}`).href;
  const dss = await import(url('mm/shrinker/doShrinkSlab.js'));
  const { doShrinkSlab } = dss;
  // doShrinkSlabInto (reused outcome, records only for a sink) is what the figure measures
  // once it exists; before it did, doShrinkSlab was the only entry.
  const into = dss.doShrinkSlabInto && dss.ShrinkCall ? dss.doShrinkSlabInto : null;
  const out = into ? new dss.ShrinkCall() : null;
  const { ShrinkControl, DEFAULT_SEEKS } = await import(url('mm/shrinker/types.js'));
  const { planShrink, computeNextDeferred } = await import(url('mm/shrinker/arith.js'));
  const { GFP_KERNEL } = await import(url('mm/gfp.js'));

  const makeShrinker = (count) => ({
    ops: {
      countRaw: () => count,
      // Honest: frees what it is asked, leaves nr_scanned as set.
      scanRaw: (sc) => BigInt(sc.nrToScan),
    },
    priv: null,
    seeks: DEFAULT_SEEKS,
    batch: 0,
    flags: { numaAware: true, memcgAware: false, nonslab: false },
    deferred: new TwoSlotDeferred(),
    traceRef: { symbol: 'bench_scan+0x0/0x10', ptr: '0000000000000000' },
  });

  // W1 of the spec: F = 1,000,000, p = 12, N = 5000 ⇒ total_scan 489 ⇒ 3 scan calls of 128.
  // The slot is reset each call so every call does the same work.
  const big = makeShrinker(1_000_000n);
  const sc = new ShrinkControl(GFP_KERNEL, 0, null);
  const check = (() => {
    big.deferred.slots[0] = 5000n;
    const r = doShrinkSlab(big, sc, 12);
    if (r.kind !== 'ran' || r.stats.calls !== 3n || r.end.newScan !== 5104n) {
      throw new Error(`doShrinkSlab bench: expected W1 (3 calls, new scan 5104), got ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    }
    return r;
  })();
  void check;

  let freed = 0n;
  let freedN = 0;
  const fullTask = into
      ? () => {
          for (let k = 0; k < BATCH; k++) {
            big.deferred.slots[0] = 5000n;
            into(big, sc, 12, out);
            freedN += out.freed;
          }
        }
      : () => {
          for (let k = 0; k < BATCH; k++) {
            big.deferred.slots[0] = 5000n;
            const r = doShrinkSlab(big, sc, 12);
            freed += r.stats.freed;
          }
        };
  bench.add(`doShrinkSlab F=1e6 p=12 (3 scans) ×${BATCH}`, fullTask, { async: false });
  const publicTask = () => {
      for (let k = 0; k < BATCH; k++) {
        big.deferred.slots[0] = 5000n;
        const r = doShrinkSlab(big, sc, 12);
        freed += r.stats.freed;
      }
    };
  bench.add(`doShrinkSlab public result (builds start/end/stats) ×${BATCH}`, publicTask, { async: false });

  const empty = makeShrinker(0n);
  let skipped = 0;
  bench.add(
    `doShrinkSlab count=0 skip ×${BATCH}`,
    () => {
      for (let k = 0; k < BATCH; k++) if (doShrinkSlab(empty, sc, 12).kind === 'skipped') skipped++;
    },
    { async: false },
  );

  let acc = 0n;
  const planTask = () => {
    for (let k = 0; k < BATCH; k++) {
      const plan = planShrink(1_000_000n, 5000n, 12, 2, 0);
      acc += computeNextDeferred(plan.nr, plan.delta, 384n, plan.freeable);
    }
  };
  bench.add(`planShrink+computeNextDeferred ×${BATCH}`, planTask, { async: false });

  // Untimed first: the number path with and without trace records, alternately. Warmed on
  // the first task alone, V8 compiled fastCall without the records' branch; the public task's
  // first call then deoptimized it, and in about 1 process in 6 V8 re-entered it only through
  // on-stack replacement from then on (every call starting unoptimized): 3.5 M calls/s instead
  // of ~17.7 M (`node --trace-opt --trace-deopt`). A simulator run takes both branches too.
  for (let i = 0; i < 20; i++) {
    fullTask();
    publicTask();
  }
  await bench.run();
  const ms = Number(process.env.BENCH_TIME_MS ?? 1000);
  const fullCpu = cpuRate(fullTask, BATCH, ms);
  const publicCpu = cpuRate(publicTask, BATCH, ms);
  const planCpu = cpuRate(planTask, BATCH, ms);
  if ((freed === 0n && freedN === 0) || skipped === 0 || acc === 0n) throw new Error('doShrinkSlab bench: work was optimised away');

  const hz = (name) => {
    const t = bench.getTask(name);
    return t && t.result.state === 'completed' ? 1000 / t.result.latency.mean : NaN;
  };
  // Rates per CPU-second (bench/lib/cpu.mjs); the wall-clock table above is for reference.
  return {
    'doShrinkSlab calls/s (3 scan calls each)': fullCpu,
    'scan_objects calls/s through doShrinkSlab': fullCpu * 3,
    'doShrinkSlab calls/s, public result objects': publicCpu,
    'doShrinkSlab calls/s (count 0, skipped)': hz(`doShrinkSlab count=0 skip ×${BATCH}`) * BATCH,
    'planShrink+computeNextDeferred pairs/s': planCpu,
  };
}
