#!/usr/bin/env node
// `npm run fuzz -- --count N [--seed S] [--target scenario|trace|baseline|all] [--full]`:
// a long fuzz campaign through the real CLI (dist/, built by `npm run build`), one process per
// case, each bounded by a wall-clock timeout and its peak RSS. Prints, per target and mutation
// class, the cases tried and their outcome classes:
//   ok        exit 0, outputs parse (JSON parses, CSV rectangular with unique columns)
//   finding   exit 1 where the command uses it (conform findings/mismatches, check moved)
//   refused   exit 2, every stderr line names the file (at most 6 lines)
// and the failures: crash (stack trace / internal error), bad-message, bad-output,
// other-exit, past-bound (killed by the timeout or over the memory bound). Exit 1 if any failure.
// Scenario bases are the bundled scenarios with every time divided by 10 (runs 10× shorter,
// relations kept); --full uses them as they are.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { baselineCaseArb, classify, mutateBaseline, mutateScenario, mutateTrace, scenarioCaseArb, traceCaseArb } from './fuzz/mutate.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'shrinksim.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const COUNT = Number(opt('count', '300'));
const SEED = Number(opt('seed', '1'));
const TARGET = opt('target', 'all');
const FULL = args.includes('--full');
const TIMEOUT_MS = Number(opt('timeout-ms', '30000'));
const MAX_RSS_KB = Number(opt('max-rss-mb', '1024')) * 1024;
const LIMITS = ['--max-events', '2000000', '--max-samples', '20000', '--max-trace-lines', '200000'];
const { parseTime } = await import(join(ROOT, 'dist', 'scenario', 'units.js'));

const dir = mkdtempSync(join(tmpdir(), 'shrinksim-fuzz-'));
const TIME_KEYS = new Set(['duration', 'sample', 'until', 'from', 'by', 'every', 'gap', 'hold', 'at', 'mean', 'min', 'max', 'time']);
function trimmed(text) {
  if (FULL) return text;
  const v = parse(text);
  const walk = (x) => {
    if (!x || typeof x !== 'object') return;
    for (const [k, val] of Object.entries(x)) {
      const t = TIME_KEYS.has(k) ? parseTime(val) : undefined;
      if (t?.ok && t.value > 0) x[k] = `${Math.max(1, Math.floor(t.value / 10))}ns`;
      else walk(val);
    }
  };
  walk(v);
  return stringify(v);
}

/** Runs the CLI under /usr/bin/time for the peak RSS. */
function cli(argv) {
  const r = spawnSync('/usr/bin/time', ['-f', '@@RSS %M', process.execPath, BIN, ...argv], { encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024 });
  let stderr = r.stderr ?? '';
  const m = /@@RSS (\d+)\s*$/.exec(stderr);
  const rssKb = m ? Number(m[1]) : 0;
  stderr = stderr.replace(/(?:Command exited with non-zero status \d+\n)?@@RSS \d+\s*$/, '');
  const killed = r.error?.code === 'ETIMEDOUT' || r.signal !== null;
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr, rssKb, killed };
}

const stats = new Map();
const failures = [];
function record(target, cls, outcome, detail) {
  const key = `${target}\t${cls}`;
  const row = stats.get(key) ?? new Map();
  row.set(outcome, (row.get(outcome) ?? 0) + 1);
  stats.set(key, row);
  if (!['ok', 'finding', 'refused'].includes(outcome) && failures.length < 50) failures.push(`${target} ${cls} ${outcome}: ${detail}`);
}
const bounded = (r, outcome) => (r.killed || r.rssKb > MAX_RSS_KB ? 'past-bound' : outcome);

function csvOk(text) {
  const lines = text.trimEnd().split('\n');
  const header = lines[0].split(',');
  return lines.every((l) => l.split(',').length === header.length) && new Set(header).size === header.length;
}

async function scenarios(n, seed) {
  const names = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
  const bases = new Map(names.map((nm) => [nm, trimmed(readFileSync(join(ROOT, 'scenarios', `${nm}.yaml`), 'utf8'))]));
  for (const c of fc.sample(scenarioCaseArb(names), { seed, numRuns: n })) {
    const file = join(dir, `case${c.ext}`);
    writeFileSync(file, mutateScenario(bases.get(c.base), c.cls, c.picks, c.ext));
    const json = join(dir, 'o.json');
    const csv = join(dir, 'o.csv');
    const trace = join(dir, 'o.trace');
    for (const f of [json, csv, trace]) rmSync(f, { force: true });
    const withTrace = c.picks[2] % 4 === 0;
    const r = cli(['run', file, '-q', '--no-progress', '--json', json, '--csv', csv, ...(withTrace ? ['--trace', trace] : []), ...LIMITS]);
    let outputsOk = true;
    if (r.code === 0) {
      try {
        JSON.parse(readFileSync(json, 'utf8'));
        outputsOk = csvOk(readFileSync(csv, 'utf8')) && (!withTrace || readFileSync(trace, 'utf8').startsWith('# tracer'));
      } catch {
        outputsOk = false;
      }
    }
    const outcome = bounded(r, classify({ code: r.code, stderr: r.stderr, label: file, outputsOk }));
    record('scenario', c.cls, outcome, `${c.base} ${JSON.stringify(c.picks)} ${c.ext} exit ${r.code} rss ${r.rssKb}KB ${r.stderr.slice(0, 400)}`);
  }
}

async function traces(n, seed) {
  const fx = join(ROOT, 'test', 'fixtures', 'linux-6.12.95');
  const names = readdirSync(fx).filter((f) => f.endsWith('.gz'));
  const bases = new Map(names.map((nm) => [nm, gunzipSync(readFileSync(join(fx, nm))).toString('utf8').split('\n')]));
  for (const c of fc.sample(traceCaseArb(names), { seed, numRuns: n })) {
    const m = mutateTrace(bases.get(c.base), c.cls, c.picks);
    let file = join(dir, 'trace.txt');
    if (m.gzipCorrupt !== undefined) {
      file = join(dir, 'trace.txt.gz');
      const gz = gzipSync(m.text);
      writeFileSync(file, m.gzipCorrupt % 2 === 0 ? gz.subarray(0, 10 + (m.gzipCorrupt % (gz.length - 10))) : Buffer.concat([gz.subarray(0, 20), Buffer.from('garbage'), gz.subarray(27)]));
    } else writeFileSync(file, m.text);
    const r = cli(['conform', file]);
    const outputsOk = r.code === 2 || /^(OK|FAIL): /m.test(r.stdout);
    const outcome = bounded(r, classify({ code: r.code, stderr: r.stderr, label: file, allowed1: true, outputsOk }));
    record('trace', c.cls, outcome, `${c.base} ${JSON.stringify(c.picks)} exit ${r.code} ${r.stderr.slice(0, 400)}`);
  }
}

async function baselines(n, seed) {
  const scen = join(dir, 'small.yaml');
  writeFileSync(scen, 'name: small\nshrinkers: [{name: sb, kind: superblock, count: 5000}]\nbinder: {procs: [{name: p, mmap: 128KiB}]}\nscript:\n  - alloc: {proc: p, buffer: a, data: 40000}\n  - shrink_slab: {priority: 0}\n');
  const good = join(dir, 'good.json');
  cli(['check', scen, '--baseline', good, '--update']);
  const base = readFileSync(good, 'utf8');
  for (const c of fc.sample(baselineCaseArb(), { seed, numRuns: n })) {
    const file = join(dir, 'baseline.json');
    writeFileSync(file, mutateBaseline(base, c.cls, c.picks));
    const r = cli(['check', scen, '--baseline', file, ...LIMITS]);
    const outputsOk = r.code === 2 || /ok: |moved/.test(r.stdout);
    const outcome = bounded(r, classify({ code: r.code, stderr: r.stderr, label: file, allowed1: true, outputsOk }));
    record('baseline', c.cls, outcome, `${JSON.stringify(c.picks)} exit ${r.code} ${r.stderr.slice(0, 400)}`);
  }
}

const t0 = Date.now();
const targets = TARGET === 'all' ? ['scenario', 'trace', 'baseline'] : [TARGET];
const share = (t) => (TARGET === 'all' ? Math.round(COUNT * { scenario: 0.5, trace: 0.3, baseline: 0.2 }[t]) : COUNT);
for (const t of targets) {
  if (t === 'scenario') await scenarios(share(t), SEED);
  else if (t === 'trace') await traces(share(t), SEED);
  else if (t === 'baseline') await baselines(share(t), SEED);
  else throw new Error(`--target: expected scenario, trace, baseline or all, got ${t}`);
}
rmSync(dir, { recursive: true, force: true });

const OUTCOMES = ['ok', 'finding', 'refused', 'crash', 'bad-message', 'bad-output', 'other-exit', 'past-bound'];
console.log(`shrinksim fuzz: seed ${SEED}, ${COUNT} cases, bounds ${TIMEOUT_MS / 1000} s and ${MAX_RSS_KB / 1024} MiB per case, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(['target', 'class', 'cases', ...OUTCOMES].join('\t'));
const totals = new Map();
for (const [key, row] of [...stats].sort()) {
  const n = [...row.values()].reduce((a, b) => a + b, 0);
  console.log([key, n, ...OUTCOMES.map((o) => row.get(o) ?? 0)].join('\t'));
  for (const [o, k] of row) totals.set(o, (totals.get(o) ?? 0) + k);
}
console.log(['total', '', [...totals.values()].reduce((a, b) => a + b, 0), ...OUTCOMES.map((o) => totals.get(o) ?? 0)].join('\t'));
for (const f of failures) console.log(`FAIL ${f}`);
process.exit(failures.length > 0 ? 1 : 0);
