// `shrinksim conform` throughput on synthetic traces made by the model itself (seeded; 8
// shrinkers, 5 tasks, nested concurrent calls) and on a real 6.12.95 trace: read from disk,
// paired, seeks/batch inferred, every pair checked. tinybench takes ≥ 64 samples per task, so
// the tasks use a 2,000-pair trace; the 20,000-pair trace the issue asks about is timed end to
// end a few times and reported as a figure.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';

const PAIRS = 20_000;
const SMALL = 2_000;
const ROUNDS = 3;
const here = dirname(fileURLToPath(import.meta.url));

export default async function conformBench(bench, distDir) {
  const url = (p) => pathToFileURL(join(distDir, p)).href;
  const { synthesizeTrace } = await import(url('trace/conform/synth.js'));
  const { collectFile } = await import(url('trace/conform/collect.js'));
  const { analyse } = await import(url('trace/conform/analyse.js'));

  const dir = mkdtempSync(join(tmpdir(), 'shrinksim-bench-conform-'));
  const write = (name, pairs, gzip) => {
    const trace = synthesizeTrace({ seed: `bench-conform-${pairs}`, pairs });
    const text = `${trace.lines.join('\n')}\n`;
    const path = join(dir, name);
    writeFileSync(path, gzip ? gzipSync(text) : text);
    return { path, lines: trace.lines.length };
  };
  const big = write('synth-20k.txt', PAIRS, false);
  const bigGz = write('synth-20k.txt.gz', PAIRS, true);
  const small = write('synth-2k.txt', SMALL, false);
  const smallGz = write('synth-2k.txt.gz', SMALL, true);
  const p2 = join(here, '..', 'test', 'fixtures', 'linux-6.12.95', 'trace_p2_binder_drop_caches.txt.gz');

  const check = async (paths, expectPairs) => {
    const scans = [];
    for (const p of paths) scans.push(await collectFile(p));
    const r = analyse(scans);
    // A benchmark of a wrong answer is worthless: fail loudly.
    if (r.totals.pairs !== expectPairs || r.totals.mismatched !== 0) {
      throw new Error(`conform bench: ${r.totals.pairs} pairs, ${r.totals.mismatched} mismatched`);
    }
    return r;
  };

  bench
    .add(`conform ${SMALL} pairs (plain text, ${small.lines} lines)`, () => check([small.path], SMALL))
    .add(`conform ${SMALL} pairs (gzip)`, () => check([smallGz.path], SMALL))
    .add('conform real p2 trace (10 pairs in 18.7k lines, gzip)', () => check([p2], 10));

  // The figure: a 20,000-pair trace end to end, best of a few rounds.
  const timeIt = async (path) => {
    let best = Infinity;
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      await check([path], PAIRS);
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  const bigMs = await timeIt(big.path);
  const bigGzMs = await timeIt(bigGz.path);

  return (b) => {
    const mean = b.tasks[0]?.result?.latency?.mean;
    return {
      [`${PAIRS}-pair trace, plain (${big.lines} lines): ms`]: bigMs,
      [`${PAIRS}-pair trace, gzip: ms`]: bigGzMs,
      [`pairs/s (${PAIRS}, plain)`]: (PAIRS / bigMs) * 1000,
      ...(mean ? { [`pairs/s (${SMALL}, plain)`]: (SMALL / mean) * 1000 } : {}),
    };
  };
}
