// End-to-end: `runScenario` of bench/heavy.yaml (default.yaml with Binder traffic ×10 and
// duration ×10, ~900k transactions), timed with process.cpuUsage (user + system CPU of this
// process, all threads, so other load on the machine does not count but V8's background
// compiling and GC do), as Binder transactions per CPU-second.
//
// The runs, in one fresh process (run.mjs gives each bench file its own):
// - a short warm-up at 1/20 of the duration (not counted): the Binder traffic path is hot and
//   compiled after it, but memory is not yet short, so no reclaim has run;
// - ×1 first: the reclaim path (kswapd, shrink_slab, direct reclaim, sampling) is first
//   reached here, so V8 interprets and compiles it during this run (`--trace-opt`: ~100
//   compilations, ~0.2 s of compile time with `--single-threaded`). A `shrinksim run` of
//   the scenario pays that too, and also the Binder path's compilation, start-up and output
//   (`node bin/shrinksim.js run bench/heavy.yaml`: ~1.2 CPU-s for the whole process);
// - ×1 again and ×2: the same work with the code compiled, the simulator's own rate; their
//   CPU-time ratio should be ~2 (linear in simulated duration and in transactions).
//
// Standalone: `node bench/endToEnd.bench.mjs [dist dir]` prints the figures.
// Env: E2E_SCALE=0.1 runs a tenth of the duration (a quick look).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The heavy scenario with its duration and script advances scaled by `k`. */
function heavyText(k) {
  const text = readFileSync(join(here, 'heavy.yaml'), 'utf8');
  return text
    .replace(/^duration: (\d+)s$/m, (_, s) => `duration: ${Math.round(Number(s) * k * 1000)}ms`)
    .replace(/advance: \{by: (\d+)s\}/g, (_, s) => `advance: {by: ${Math.round(Number(s) * k * 1000)}ms}`);
}

function transactions(result) {
  let n = 0;
  for (const p of result.binder.procs) {
    n += p.allocations;
    for (const v of Object.values(p.allocFailures)) n += v;
  }
  return n;
}

async function measure(distDir, k) {
  const { loadScenarioText, runScenario } = await import(pathToFileURL(join(distDir, 'index.js')).href);
  const scenario = loadScenarioText(heavyText(k), `bench/heavy.yaml ×${k}`);
  globalThis.gc?.();
  const c0 = process.cpuUsage();
  const result = runScenario(scenario);
  const c = process.cpuUsage(c0);
  const cpuS = (c.user + c.system) / 1e6;
  return { cpuS, tx: transactions(result) };
}

export async function endToEnd(distDir) {
  const scale = Number(process.env.E2E_SCALE ?? 1);
  await measure(distDir, scale / 20);
  const first = await measure(distDir, scale);
  const one = await measure(distDir, scale);
  const two = await measure(distDir, 2 * scale);
  return {
    'heavy ×1: transactions': one.tx,
    'heavy ×1 first (reclaim path compiled during it): CPU-s': first.cpuS,
    'heavy ×1 first (reclaim path compiled during it): transactions per CPU-s': first.tx / first.cpuS,
    'heavy ×1 again: CPU-s': one.cpuS,
    'heavy ×1 again: transactions per CPU-s': one.tx / one.cpuS,
    'heavy ×2: transactions': two.tx,
    'heavy ×2: CPU-s': two.cpuS,
    'heavy ×2: transactions per CPU-s': two.tx / two.cpuS,
    'CPU-s ratio ×2 / ×1 again (2 = linear)': two.cpuS / one.cpuS,
  };
}

export default async function endToEndBench(_bench, distDir) {
  return endToEnd(distDir);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await endToEnd(process.argv[2] ?? join(here, '..', 'dist'));
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(40)} ${typeof v === 'number' && v > 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision?.(4) ?? v}`);
}
