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
//
// Compared figures are rates per CPU-second of the process (bench/lib/cpu.mjs; the C program
// uses CLOCK_PROCESS_CPUTIME_ID): on a shared machine wall-clock rates swing with the load.
//
// Side by side with C: bench/c/kernel_bench.c does the same work as the figures listed in
// COMPARED, compiled with the system `cc -O2` and run in the same bench run, once per round
// just before that round's TypeScript benches (so both see about the same machine load). The
// files with targets run in BENCH_REPEAT rounds (default 3; see REPEAT below) and each figure
// is the median of its rounds. The last table prints, per figure, the TypeScript rate, the C
// rate, their ratio, the target and the rounds' spread. Without `cc` it says so and prints no
// ratio. BENCH_JSON=path also writes every figure as JSON (medians, and each round's).
//
// Each bench file runs in its own Node process (this script again, with BENCH_CHILD_FILE):
// a figure then measures its code as a simulator process runs it, not after other files'
// benches have made the same call sites polymorphic. In one shared process, the list_lru
// SKIP walk and the Binder walk made the REMOVED walk's callback site megamorphic (about
// -40 %), and conform's and the others' work cut doShrinkSlab by about a third.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { cReference } from './lib/cref.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const distDir = join(here, '..', 'dist');
const filter = process.argv[2];
/** Set in a child: the one bench file it runs, and where it writes its figures. */
const childFile = process.env.BENCH_CHILD_FILE;
const childOut = process.env.BENCH_CHILD_OUT;
const timeMs = Number(process.env.BENCH_TIME_MS ?? 1000);

// The filter may name several benches: `npm run bench -- doShrink,listLru`.
const wanted = filter ? filter.split(',').filter(Boolean) : [];
const files = childFile
  ? [childFile]
  : readdirSync(here)
      .filter((f) => f.endsWith('.bench.mjs') && (wanted.length === 0 || wanted.some((w) => f.includes(w))))
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

/**
 * Figures compared with C: the figure's name as a bench returns it, the key of the C
 * program's output, and the target ratio (TS / C) from issue 8.
 */
const COMPARED = [
  ['doShrinkSlab calls/s (3 scan calls each)', 'doShrinkSlab', 0.25],
  ['planShrink+computeNextDeferred pairs/s', 'plan', null],
  ['walk SKIP-all items/s', 'walkSkip', 0.3],
  ['walk REMOVED-all items/s', 'walkRemoved', 0.3],
  ['binder tx/s (C driver, 4 MiB, ring 48)', 'binderTx', 0.4],
];
/** Figures with an absolute target (no C side): name, target, 'max' or 'min'. */
const ABSOLUTE = [
  ['heavy ×1 first (reclaim path compiled during it): transactions per CPU-s', 1e6, 'min'],
  ['heavy ×1 again: transactions per CPU-s', 1e6, 'min'],
  ['heavy ×2: transactions per CPU-s', 1e6, 'min'],
  ['binder heap bytes per installed page (1,024 × 4 MiB)', 16, 'max'],
  ['run of a 1-second scenario, CPU-s (median)', 0.25, 'max'],
];

const wantsC = !childFile && files.some((f) => ['doShrinkSlab', 'listLru', 'binderTx'].some((n) => f.startsWith(n)));

/**
 * Rounds: the files whose figures have a target (compared with C, or absolute) run in each of
 * BENCH_REPEAT rounds (default 3), each round in fresh processes and with its own run of the
 * C program just before; the other files run in the first round only. A figure is the median
 * over the rounds. Why: one process's rate of the same code swung by 5–20 % from run to run on
 * this shared machine (the C REMOVED walk 430–668 M items/s, the first heavy run ±5 %), so a
 * single sample decided whether a figure met its target.
 */
const REPEAT = Math.max(1, Math.floor(Number(process.env.BENCH_REPEAT ?? 3)) || 1);
const TARGETED = ['doShrinkSlab', 'listLru', 'binderTx', 'endToEnd'];
const isTargeted = (f) => TARGETED.some((n) => f.startsWith(n));

const allFigures = {};
/** Per round: the TypeScript figures, and the C run's (or undefined). */
const rounds = [];
let cref;
let failed = false;
if (!childFile) {
  // The parent: one child process per bench file and round; figures come back in JSON files.
  const dir = mkdtempSync(join(tmpdir(), 'shrinksim-bench-'));
  for (let round = 0; round < REPEAT; round++) {
    const roundFiles = round === 0 ? files : files.filter(isTargeted);
    if (roundFiles.length === 0) break;
    const c = wantsC ? cReference(timeMs) : undefined;
    if (round === 0) {
      if (c?.missing) console.log(`bench: C reference skipped (${c.missing}); no ratios this run`);
      else if (c) console.log(`bench: C reference compiled with ${c.cc} -O2 (bench/c/kernel_bench.c)`);
    } else {
      console.log(`\nbench: round ${round + 1} of ${REPEAT}: the C program and ${roundFiles.join(', ')} again (their output not shown)`);
    }
    const figures = {};
    for (const file of roundFiles) {
      const out = join(dir, `${file}.${round}.json`);
      const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
        stdio: round === 0 ? 'inherit' : ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, BENCH_CHILD_FILE: file, BENCH_CHILD_OUT: out },
      });
      if (r.status !== 0) failed = true;
      try {
        Object.assign(figures, JSON.parse(readFileSync(out, 'utf8')));
      } catch {
        console.error(`bench: ${file} reported no figures`);
        failed = true;
      }
    }
    rounds.push({ figures, c: c?.figures });
    if (round === 0) cref = c;
  }
  rmSync(dir, { recursive: true, force: true });
  Object.assign(allFigures, medianFigures(rounds.map((r) => r.figures)));
  if (cref?.figures) cref = { ...cref, figures: medianFigures(rounds.map((r) => r.c ?? {})) };
}

/** Per key: the median of the numbers the rounds reported; a non-number from the first round. */
function medianFigures(list) {
  const out = {};
  for (const key of new Set(list.flatMap((f) => Object.keys(f)))) {
    const values = list.map((f) => f[key]).filter((v) => v !== undefined);
    out[key] = typeof values[0] === 'number' ? median(values) : values[0];
  }
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `lo–hi` of per-round values, or '' with one round. */
function spread(values, fmt) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x));
  if (v.length < 2) return '';
  return `${fmt(Math.min(...v))}–${fmt(Math.max(...v))}`;
}

for (const file of childFile ? files : []) {
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
  if (bench.tasks.length === 0) rows.length = 0;
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
  if (rows.length > 0) printTable(rows);
  if (figures && typeof figures === 'object') {
    Object.assign(allFigures, figures);
    const entries = Object.entries(figures);
    if (entries.length > 0) {
      console.log('');
      const w = Math.max(...entries.map(([k]) => k.length));
      for (const [k, v] of entries) console.log(`${k.padEnd(w)}  ${fmtNum(v)}`);
    }
  }
}
if (childFile) {
  writeFileSync(childOut ?? '/dev/null', JSON.stringify(allFigures));
  process.exit(failed ? 1 : 0);
}
// The C program checks its own Binder loop; the TS bench reports the same checksum (each round).
for (const [i, r] of rounds.entries()) {
  const tsCheck = r.figures['binder tx checksum'];
  if (!r.c || tsCheck === undefined) continue;
  const c = r.c.binderCheck;
  const t = JSON.parse(tsCheck);
  const same = Object.keys(c).every((k) => c[k] === t[k]);
  if (i === 0 || !same) console.log(`\nbinder loop checksum${i > 0 ? ` (round ${i + 1})` : ''}: ${same ? 'TS and C agree' : 'MISMATCH'} ${JSON.stringify(c)}`);
  if (!same) {
    console.log(`  TS: ${tsCheck}`);
    failed = true;
  }
}

const multi = rounds.length > 1;
const rows = [['figure', 'TS', 'C', 'ratio', 'target', ...(multi ? ['rounds: ratio or value, lo–hi'] : [])]];
for (const [name, key, target] of COMPARED) {
  if (!(name in allFigures)) continue;
  const ts = allFigures[name];
  const c = cref?.figures?.[key];
  const ratio = typeof c === 'number' && c > 0 ? (ts / c).toFixed(3) : 'n/a';
  const perRound = rounds.map((r) => (typeof r.c?.[key] === 'number' && typeof r.figures[name] === 'number' ? r.figures[name] / r.c[key] : undefined));
  rows.push([name, fmtNum(ts), c === undefined ? 'n/a' : fmtNum(c), ratio, target === null ? '—' : `≥ ${target}`, ...(multi ? [spread(perRound, (x) => x.toFixed(3))] : [])]);
}
for (const [name, target, kind] of ABSOLUTE) {
  if (!(name in allFigures)) continue;
  const perRound = rounds.map((r) => r.figures[name]);
  rows.push([name, fmtNum(allFigures[name]), '—', '—', `${kind === 'max' ? '≤' : '≥'} ${target >= 1000 ? fmtNum(target) : target}`, ...(multi ? [spread(perRound, fmtNum)] : [])]);
}
if (rows.length > 1) {
  console.log(`\n## side by side with C${multi ? ` (medians of ${rounds.length} rounds)` : ''}`);
  printTable(rows);
}
if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify({ figures: allFigures, c: cref ?? null, rounds }, null, 2));

if (failed) process.exitCode = 1;
