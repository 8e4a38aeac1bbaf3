// The Binder transaction loop of the C driver's allocator (same work as bench/c/kernel_bench.c):
// one 4 MiB mapping, request sizes log-uniform on octaves from 16 B to 256 KiB drawn from
// mulberry32 (seed 12345, identical on both sides), a ring of 48 live buffers (a transaction
// frees the buffer it replaces, then allocates), best fit, lazy page install, freed pages onto
// the global freelist, and a 128-page walk of the freelist with Binder's real isolate callback
// every 64 transactions. The C program computes the same checksum (allocations, sum of
// offsets, installs, pages reclaimed); the bench fails if they differ, so the two sides are
// known to do the same work.
//
// Also: heap bytes per installed Binder page, 1,024 processes × 4 MiB fully installed.
import { pathToFileURL } from 'node:url';
import { cpuRate } from './lib/cpu.mjs';

export const TX_PER_RUN = 100_000;
const RING = 48;
const WALK_EVERY = 64;
const WALK_PAGES = 128;
const SEED = 12345;

/** mulberry32, as in the C program. */
class Mulberry32 {
  constructor(seed) {
    this.s = seed >>> 0;
  }
  next() {
    const s = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }
}

export default async function binderTxBench(bench, distDir) {
  const url = (p) => pathToFileURL(`${distDir}/${p}`).href;
  const { BinderProc, lruStatusOf } = await import(url('binder/proc.js'));
  const { BinderFreelist } = await import(url('binder/lru.js'));
  const { BinderSystem } = await import(url('binder/system.js'));

  // The process's hooks as a system without a trace sink gives them: time stands still, no
  // lock is contended, and each tracepoint is counted (the C side counts each one too),
  // straight into `counts` by event id where the allocator does (as BinderSystem without a
  // trace sink hands it its tally array), else through `tally` (no event object), else
  // through `emit`. How the run engine reports its tallies is measured end to end, not here.
  let nEvents = 0;
  const counts = new Float64Array(64);
  const hooks = {
    now: () => 0,
    emit: () => {
      nEvents++;
    },
    tally: () => {
      nEvents++;
      return true;
    },
    counts,
    waited: () => {},
  };
  const emitFn = hooks.emit;

  /** Some tracepoint fired (out of `run`: its code after the loop deoptimized on every call). */
  const checkFired = () => {
    if (nEvents + counts.reduce((a, b) => a + b, 0) === 0) throw new Error('binder tx bench: no tracepoint fired');
  };
  // The walk's callback and the generator are made once, not per run: a fresh closure per
  // run would be a new call target for the loop V8 optimized in the previous run, and
  // deoptimize it (the C side calls one function pointer throughout).
  let walked = null;
  const isolate = (item, list) => lruStatusOf(walked.isolate(item, list, 0, emitFn));

  /** One run of `ntx` transactions on a fresh process; returns the checksum. */
  const run = (ntx) => {
    const freelist = new BinderFreelist(1024);
    const proc = new BinderProc({ name: 'bench', pid: 100, mmapBytes: 4 << 20, driver: 'c' }, 0, freelist, hooks);
    const alloc = proc.alloc;
    walked = proc;
    const rnd = new Mulberry32(SEED);
    const ring = new Array(RING).fill(null);
    let ok = 0;
    let failed = 0;
    let offsetSum = 0;
    for (let t = 0; t < ntx; t++) {
      const slot = t % RING;
      const old = ring[slot];
      if (old !== null) alloc.freeBuf(old);
      const base = 16 << rnd.next() % 14;
      const size = base + (rnd.next() % base);
      // Numeric sizes: the typed path the run's generators use (BinderSystem.allocTx), as C's
      // size_t: the buffer, or the failure (no request or result object, as in C).
      const r = alloc.newBufSized(size, 0, 0, false);
      if (r.ok !== false) {
        ring[slot] = r;
        ok++;
        offsetSum += r.start;
      } else {
        ring[slot] = null;
        failed++;
      }
      if (t % WALK_EVERY === WALK_EVERY - 1) freelist.walk(isolate, undefined, WALK_PAGES);
    }
    checkFired();
    return { tx: ntx, ok, failed, offsetSum, installs: proc.pages.stats.installs, reclaimed: proc.pages.stats.reclaimed };
  };

  // A short untimed run first, so that every line of `run` has executed before V8 compiles
  // its loop on the stack (OSR) during the long runs: code after the loop without type
  // feedback made each later call deoptimize at its end and start over unoptimized.
  run(2 * WALK_EVERY);
  const check = run(TX_PER_RUN);
  bench.add(`binder tx loop ×${TX_PER_RUN}`, () => run(TX_PER_RUN), { async: false });
  await bench.run();
  const txCpu = cpuRate(() => run(TX_PER_RUN), TX_PER_RUN, Number(process.env.BENCH_TIME_MS ?? 1000));

  // Heap per installed page: 1,024 processes with 4 MiB mappings, every page installed by
  // one mapping-sized buffer each.
  let bytesPerPage = 'n/a (run with --expose-gc)';
  const gc = globalThis.gc;
  if (gc) {
    const settle = async () => {
      gc();
      await new Promise((r) => setTimeout(r, 20));
      gc();
    };
    // The scenario's process list is input, made before the first reading.
    const procs = [];
    for (let i = 0; i < 1024; i++) procs.push({ name: `p${i}`, pid: 1000 + i, mmapBytes: 4 << 20, driver: 'c' });
    await settle();
    const m0 = process.memoryUsage();
    let sys = new BinderSystem({ procs });
    let pages = 0;
    for (const p of sys.procs) {
      const r = p.alloc.newBuf({ dataSize: BigInt(4 << 20), offsetsSize: 0n, extraSize: 0n, isAsync: false });
      if (!r.ok) throw new Error(`binder heap bench: ${r.reason}`);
      pages += p.pages.counts().active;
    }
    await settle();
    const m1 = process.memoryUsage();
    if (pages !== 1024 * 1024) throw new Error(`binder heap bench: ${pages} pages installed`);
    bytesPerPage = (m1.heapUsed + m1.arrayBuffers - (m0.heapUsed + m0.arrayBuffers)) / pages;
    sys = null;
  }

  return {
    // Per CPU-second (bench/lib/cpu.mjs), as the C side measures.
    'binder tx/s (C driver, 4 MiB, ring 48)': txCpu,
    'binder heap bytes per installed page (1,024 × 4 MiB)': bytesPerPage,
    'binder tx checksum': JSON.stringify(check),
  };
}
