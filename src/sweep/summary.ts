/**
 * The per-point summary across seeds (mean, min, max, 95 % interval) and the change of each
 * point against the reference point, as data (`summarize`, in the `--json` document) and as
 * the table the `sweep` and `merge` commands print.
 *
 * A metric absent from a run (counters by reason appear only when non-zero) counts as 0 here.
 */
import type { MetricValue } from '../report/metrics.js';
import type { SweepRow } from './pool.js';
import { pointLabel, type SweepMeta } from './result.js';
import { changeOf, statsOf, type Change, type Stats } from './stats.js';

export interface MetricSummary {
  readonly stats: Stats;
  /** Against the reference point; null for the reference itself. */
  readonly change: Change | null;
}

export interface PointSummary {
  readonly point: number;
  /** Runs (seeds) of this point. */
  readonly n: number;
  readonly metrics: ReadonlyMap<string, MetricSummary>;
  /** Metrics whose change is `moved` or `moved?`. */
  readonly moved: number;
  /** Metrics that changed within seed noise. */
  readonly noise: number;
}

/** Values per point per metric, absent as 0, in row order. */
function valuesByPoint(meta: SweepMeta, rows: readonly SweepRow[], names: readonly string[]): Map<string, MetricValue[]>[] {
  const out = meta.points.map(() => new Map<string, MetricValue[]>(names.map((n) => [n, []])));
  for (const r of rows) {
    const m = new Map(r.metrics);
    const at = out[r.point]!;
    for (const n of names) at.get(n)!.push(m.get(n) ?? 0);
  }
  return out;
}

export function summarize(meta: SweepMeta, rows: readonly SweepRow[], names: readonly string[]): PointSummary[] {
  const byPoint = valuesByPoint(meta, rows, names);
  const stats = byPoint.map((m) => new Map([...m].filter(([, v]) => v.length > 0).map(([k, v]) => [k, statsOf(v)])));
  const ref = stats[meta.reference]!;
  return stats.map((st, point) => {
    const metrics = new Map<string, MetricSummary>();
    let moved = 0;
    let noise = 0;
    for (const [name, s] of st) {
      const r = ref.get(name);
      const change = point === meta.reference || !r ? null : changeOf(r, s);
      if (change?.verdict === 'moved' || change?.verdict === 'moved?') moved++;
      if (change?.verdict === 'noise') noise++;
      metrics.set(name, { stats: s, change });
    }
    return { point, n: rows.filter((r) => r.point === point).length, metrics, moved, noise };
  });
}

/** A number for the table: integers whole, others with 4 significant digits. */
export function fmt(x: MetricValue): string {
  if (typeof x === 'bigint') return x.toString();
  if (Object.is(x, -0)) return '0';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  if (Math.abs(x) >= 1e15) return x.toExponential(4);
  if (Math.abs(x) >= 1000) return x.toFixed(1);
  return String(Number(x.toPrecision(4)));
}

export const signed = (x: number): string => (x > 0 ? `+${fmt(x)}` : fmt(x));
export const interval = (ci: readonly [number, number] | null): string => (ci ? `[${fmt(ci[0])}, ${fmt(ci[1])}]` : '—');
export const pct = (rel: number | null): string => (rel === null ? '—' : `${rel > 0 ? '+' : ''}${(rel * 100).toFixed(1)}%`);

function table(rows: readonly string[][], right: ReadonlySet<number>): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}

/** Metrics whose value is not the same in every run. */
function varying(rows: readonly SweepRow[], names: readonly string[]): string[] {
  const maps = rows.map((r) => new Map(r.metrics));
  return names.filter((n) => new Set(maps.map((m) => String(m.get(n) ?? 0))).size > 1);
}

/** Metrics whose mean differs between points (the ones worth a line in the table). */
function differing(sums: readonly PointSummary[], names: readonly string[]): string[] {
  return names.filter((n) => sums.some((s) => s.metrics.get(n)?.change?.verdict !== undefined && s.metrics.get(n)!.change!.verdict !== 'same'));
}

/** The summary table (plain text, ends with a newline). */
export function renderSweepSummary(meta: SweepMeta, rows: readonly SweepRow[], names: readonly string[], only?: (name: string) => boolean): string {
  const sums = summarize(meta, rows, names);
  const vary = varying(rows, names);
  const differ = sums.length > 1 ? differing(sums, vary) : vary;
  const show = only ? differ.filter(only) : differ;
  const P = meta.points.length;
  const S = meta.seeds.length;
  const out: string[] = [];
  out.push(`sweep ${meta.scenario.name} (${meta.scenario.file}): ${P} point${P === 1 ? '' : 's'} × ${S} seed${S === 1 ? '' : 's'} = ${rows.length} runs`);
  out.push(`seeds: ${seedsText(meta.seeds)}`);
  out.push('points:');
  const legend = sums.map((s) => {
    const verdict =
      s.point === meta.reference
        ? 'reference'
        : s.moved > 0
          ? `${s.moved} moved, ${s.noise} within seed noise`
          : s.noise > 0
            ? `within seed noise (${s.noise} changed, none beyond noise)`
            : 'same as the reference';
    return [String(s.point), pointLabel(meta, s.point), verdict];
  });
  out.push(table(legend, new Set([0])).replace(/^/gm, '  '));
  if (show.length === 0) {
    const why =
      vary.length === 0
        ? `all ${names.length} metrics are equal in every run`
        : differ.length === 0
          ? `no metric differs between points; ${vary.length} of ${names.length} vary with the seed alike in every point`
          : `no metric that differs between points matches --metrics (${differ.length} differ)`;
    out.push(why);
    return `${out.join('\n')}\n`;
  }
  const seedOnly = vary.length - differ.length;
  out.push(
    `${differ.length} of ${names.length} metrics differ between points${only ? ` (${show.length} shown: --metrics)` : ''}; ${names.length - vary.length} are equal in every run` +
      (seedOnly > 0 ? ` and ${seedOnly} vary with the seed alike in every point (not shown)` : ' (not shown)'),
  );
  out.push(`change is against point ${meta.reference};`);
  out.push('verdict: moved = Welch 95% interval of the change excludes 0; noise = it contains 0 (seed noise can explain it)');
  out.push('');
  const head = ['point', 'metric', 'mean', 'min', 'max', '95% interval', 'change', 'rel', '95% interval of change', 'verdict'];
  const body: string[][] = [head];
  for (const name of show) {
    for (const s of sums) {
      const m = s.metrics.get(name)!;
      const c = m.change;
      body.push([
        String(s.point),
        name,
        fmt(m.stats.mean),
        fmt(m.stats.min),
        fmt(m.stats.max),
        interval(m.stats.ci95),
        c ? signed(c.abs) : '',
        c ? pct(c.rel) : '',
        c ? interval(c.ci95) : '',
        c ? c.verdict : 'ref',
      ]);
    }
  }
  out.push(table(body, new Set([0, 2, 3, 4, 6, 7])));
  return `${out.join('\n')}\n`;
}

/** `1..20` for a run of consecutive seeds, else the list. */
function seedsText(seeds: readonly number[]): string {
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  return consecutive && seeds.length > 2 ? `${seeds[0]}..${seeds[seeds.length - 1]}` : seeds.join(',');
}
