// `shrinksim conform` throughput: a 20,000-pair synthetic trace (8 shrinkers, 5 tasks, nested
// concurrent calls; made by the model itself, seeded) read from disk as plain text and as gzip,
// paired, inferred and checked; and the three real 6.12.95 traces (158 pairs in 67k lines).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const PAIRS = 20_000;
const here = dirname(fileURLToPath(import.meta.url));

export default async function conformBench(bench, distDir) {
  const url = (p) => pathToFileURL(join(distDir, p)).href;
  const { synthesizeTrace } = await import(url('trace/conform/synth.js'));
  const { collectFile } = await import(url('trace/conform/collect.js'));
  const { analyse } = await import(url('trace/conform/analyse.js'));

  const trace = synthesizeTrace({ seed: 'bench-conform', pairs: PAIRS });
  const text = `${trace.lines.join('\n')}\n`;
  const dir = mkdtempSync(join(tmpdir(), 'shrinksim-bench-conform-'));
  const plain = join(dir, 'synth-20k.txt');
  const gz = join(dir, 'synth-20k.txt.gz');
  writeFileSync(plain, text);
  writeFileSync(gz, gzipSync(text));
  const fixtures = ['p1_drop_caches', 'p2_binder_drop_caches', 'p4_memory_reclaim'].map((n) =>
    join(here, '..', 'test', 'fixtures', 'linux-6.12.95', `trace_${n}.txt.gz`),
  );

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
    .add(`conform ${PAIRS} pairs (plain text, ${trace.lines.length} lines)`, () => check([plain], PAIRS))
    .add(`conform ${PAIRS} pairs (gzip)`, () => check([gz], PAIRS))
    .add('conform real 6.12.95 traces (158 pairs, 67k lines, gzip)', () => check(fixtures, 158));

  return (b) => {
    const mean = b.tasks[0]?.result?.latency?.mean;
    return mean ? { 'pairs/s (plain, end to end)': (PAIRS / mean) * 1000, 'lines/s (plain)': (trace.lines.length / mean) * 1000 } : {};
  };
}
