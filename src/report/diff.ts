/**
 * `shrinksim diff A B`: the metrics (src/report/metrics.ts) that moved between two run
 * results (`--json` files), or between two points of a sweep (`sweep.json#N`: the point's
 * mean over its seeds), with the absolute and relative change.
 *
 * A metric moved when its change exceeds the tolerance (relative to A; default 0, exact).
 * Between two sweep points with at least two seeds each, a change whose Welch 95 % interval
 * contains 0 is reported as within seed noise and does not count as moved. A metric present
 * on one side only counts as 0 on the other (counters by reason appear only when non-zero).
 */
import { readFileSync, existsSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import { countOf, metricsOf, NotAResult, type MetricValue } from './metrics.js';
import { changeOf, statsOf, type Stats } from '../sweep/stats.js';
import { fmt } from '../sweep/summary.js';

export interface DiffSide {
  /** How the side is named in the output. */
  readonly label: string;
  /** Exact values (a run) or means (a sweep point). */
  readonly values: ReadonlyMap<string, MetricValue>;
  /** Per metric across seeds (a sweep point only). */
  readonly stats?: ReadonlyMap<string, Stats>;
}

export interface DiffRow {
  readonly metric: string;
  readonly a: MetricValue;
  readonly b: MetricValue;
  /** b − a, exact for two runs. */
  readonly abs: MetricValue;
  /** abs / |a|; null when a is 0. */
  readonly rel: number | null;
}

export interface Diff {
  readonly moved: readonly DiffRow[];
  /** Changed, but within seed noise (sweep points only). */
  readonly noise: readonly DiffRow[];
  readonly unchanged: number;
}

const isZero = (v: MetricValue) => (typeof v === 'bigint' ? v === 0n : v === 0);

function minus(b: MetricValue, a: MetricValue): MetricValue {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const whole = (v: MetricValue) => typeof v === 'bigint' || Number.isInteger(v);
    if (whole(a) && whole(b)) {
      const d = BigInt(b) - BigInt(a);
      return d <= BigInt(Number.MAX_SAFE_INTEGER) && d >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(d) : d;
    }
    return Number(b) - Number(a);
  }
  return b - a;
}

/** Compares two sides; `tolerance` is relative to A (0.05 = 5 %). */
export function diffSides(A: DiffSide, B: DiffSide, tolerance: number): Diff {
  const names = [...A.values.keys()];
  for (const k of B.values.keys()) if (!A.values.has(k)) names.push(k);
  const moved: DiffRow[] = [];
  const noise: DiffRow[] = [];
  let unchanged = 0;
  for (const metric of names) {
    const a = A.values.get(metric) ?? 0;
    const b = B.values.get(metric) ?? 0;
    const abs = minus(b, a);
    if (isZero(abs)) {
      unchanged++;
      continue;
    }
    const rel = isZero(a) ? null : Number(abs) / Math.abs(Number(a));
    const row = { metric, a, b, abs, rel };
    if (rel !== null && Math.abs(rel) <= tolerance) {
      unchanged++;
      continue;
    }
    const sa = A.stats?.get(metric);
    const sb = B.stats?.get(metric);
    if (sa && sb && changeOf(sa, sb).verdict === 'noise') noise.push(row);
    else moved.push(row);
  }
  return { moved, noise, unchanged };
}

type Obj = Record<string, unknown>;

/** Reads `FILE` (a run result) or `FILE#N` (point N of a sweep result). */
export function loadDiffSide(arg: string): DiffSide {
  let file = arg;
  let point: number | undefined;
  const m = /^(.*)#(\d+)$/.exec(arg);
  if (m && !existsSync(arg)) [file, point] = [m[1]!, Number(m[2])];
  let doc: Obj;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as Obj;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file' : code ? `cannot read (${code})` : `not JSON (${(e as Error).message.split('\n')[0]})`}`);
  }
  if (doc?.kind === 'shrinksim-sweep') return sweepPoint(doc, file, point);
  if (doc?.kind === 'shrinksim-sweep-shard') throw new UserError(`${file}: a shard file; join the shards with \`shrinksim merge DIR --json FILE\` and diff FILE#N`);
  if (point !== undefined) throw new UserError(`${arg}: #${point} names a sweep point, but ${file} is not a sweep result`);
  try {
    return { label: `${file} (seed ${String(doc.seed)})`, values: new Map(metricsOf(doc)) };
  } catch (e) {
    if (e instanceof NotAResult) throw new UserError(`${file}: ${e.message} (expected a run result written by run --json, or a sweep result)`);
    throw e;
  }
}

function sweepPoint(doc: Obj, file: string, point: number | undefined): DiffSide {
  const points = Array.isArray(doc.points) ? (doc.points as Obj[]) : [];
  if (point === undefined) throw new UserError(`${file}: a sweep result; name one of its points as ${file}#N (N in 0..${points.length - 1})`);
  if (point >= points.length) throw new UserError(`${file}#${point}: no such point (the sweep has ${points.length}: 0..${points.length - 1})`);
  const rows = (Array.isArray(doc.rows) ? (doc.rows as Obj[]) : []).filter((r) => r.point === point);
  const names = Array.isArray(doc.metrics) ? (doc.metrics as string[]) : [];
  const stats = new Map<string, Stats>();
  const values = new Map<string, MetricValue>();
  for (const n of names) {
    const xs = rows.map((r) => {
      const v = (r.metrics as Obj | undefined)?.[n];
      return v === undefined || v === null ? 0 : countOf(v, `${file}: rows: ${n}`);
    });
    if (xs.length === 0) continue;
    const s = statsOf(xs);
    stats.set(n, s);
    values.set(n, s.mean);
  }
  const params = Object.entries((points[point]!.params as Obj) ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return { label: `${file}#${point} (${params || 'base'}; mean of ${rows.length} seed${rows.length === 1 ? '' : 's'})`, values, stats };
}

const pct = (rel: number | null) => (rel === null ? '—' : `${rel > 0 ? '+' : ''}${(rel * 100).toFixed(1)}%`);
const signed = (v: MetricValue) => (Number(v) > 0 ? `+${fmt(v)}` : fmt(v));

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/** The text `diff` prints. */
export function renderDiff(A: DiffSide, B: DiffSide, d: Diff, tolerance: number): string {
  const out = [`A: ${A.label}`, `B: ${B.label}`];
  const block = (title: string, rows: readonly DiffRow[]) => {
    if (rows.length === 0) return;
    out.push('', title);
    out.push(table([['metric', 'A', 'B', 'change', 'rel'], ...rows.map((r) => [r.metric, fmt(r.a), fmt(r.b), signed(r.abs), pct(r.rel)])]));
  };
  block('moved:', d.moved);
  block('changed within seed noise (Welch 95% interval of the change contains 0):', d.noise);
  const tol = tolerance > 0 ? ` (tolerance ${(tolerance * 100).toFixed(1)}%)` : '';
  out.push('', `${d.moved.length === 0 ? 'nothing moved' : `${d.moved.length} metric${d.moved.length === 1 ? '' : 's'} moved`}${tol}; ${d.noise.length} within seed noise; ${d.unchanged} unchanged`);
  return `${out.join('\n')}\n`;
}
