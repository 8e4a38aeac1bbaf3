// Benchmark driver: `npm run bench` (tsc, then `node --expose-gc bench/run.mjs [filter]`).
//
// Loads every bench/*.bench.mjs in name order. Each default-exports
// `async function (bench, distDir)` that adds tasks to the tinybench `Bench` it is given
// (and may run it itself). It may return extra figures, as an object or as a function
// called after the run: { 'walk SKIP-all items/s': 1.2e8, ... }. Benches import the
// compiled model from `distDir` (dist/), never the TypeScript sources.
//
// Ops/s is 1000 / mean latency (ms), i.e. task calls per second; a bench that batches
// several operations per call reports the per-operation rate as a figure.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';

const here = dirname(fileURLToPath(import.meta.url));
const distDir = join(here, '..', 'dist');
const filter = process.argv[2];
const timeMs = Number(process.env.BENCH_TIME_MS ?? 1000);

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs') && (!filter || f.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(`bench: no bench/*.bench.mjs file matches ${JSON.stringify(filter ?? '')}`);
  process.exit(2);
}

/** 1234567.8 → "1,234,568"; small numbers keep 3 significant digits. */
function fmtNum(x) {
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

/** A latency in ms, printed in the unit that keeps it readable. */
function fmtTime(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  if (ms >= 1e-3) return `${(ms * 1e3).toFixed(2)} µs`;
  return `${(ms * 1e6).toFixed(1)} ns`;
}

function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) =>
    r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
}

let failed = false;
for (const file of files) {
  const mod = await import(pathToFileURL(join(here, file)).href);
  if (typeof mod.default !== 'function') {
    console.error(`bench: ${file} has no default-exported function`);
    failed = true;
    continue;
  }
  const bench = new Bench({ name: file, time: timeMs, warmupTime: Math.min(250, timeMs) });
  let figures = await mod.default(bench, distDir);
  if (bench.tasks.some((t) => t.result.state === 'not-started')) await bench.run();
  if (typeof figures === 'function') figures = await figures(bench);

  console.log(`\n## ${file}`);
  const rows = [['task', 'ops/s', 'mean', '±rme', 'samples']];
  for (const t of bench.tasks) {
    const r = t.result;
    if (r.state === 'completed' || r.state === 'aborted-with-statistics') {
      const mean = r.latency.mean;
      rows.push([t.name, fmtNum(mean > 0 ? 1000 / mean : Infinity), fmtTime(mean), `${r.latency.rme.toFixed(1)}%`, r.latency.samplesCount]);
    } else if (r.state === 'errored') {
      failed = true;
      rows.push([t.name, 'ERROR', r.error?.message ?? 'unknown error', '', '']);
    } else {
      rows.push([t.name, r.state, '', '', '']);
    }
  }
  printTable(rows);
  if (figures && typeof figures === 'object') {
    const entries = Object.entries(figures);
    if (entries.length > 0) {
      console.log('');
      const w = Math.max(...entries.map(([k]) => k.length));
      for (const [k, v] of entries) console.log(`${k.padEnd(w)}  ${fmtNum(v)}`);
    }
  }
}
if (failed) process.exitCode = 1;
