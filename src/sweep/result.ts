/**
 * The tidy result of a sweep: what was swept (`SweepMeta`) and one row per point × seed, and
 * its renderings: the `--json` document (rows plus the per-point summary) and the `--csv`
 * table (one row per run). Both are pure functions of (meta, rows), so a sweep run whole and
 * the same sweep merged from shards render byte for byte alike.
 */
import { bigintToJson } from '../report/json.js';
import type { MetricValue } from '../report/metrics.js';
import { VERSION } from '../version.js';
import type { SweepPlan } from './plan.js';
import type { SweepRow } from './pool.js';
import { summarize, type PointSummary } from './summary.js';

/** Version of the sweep JSON layout; fields are only ever added. */
export const SWEEP_SCHEMA_VERSION = 1;

export interface SweepMeta {
  readonly tool: { readonly name: 'shrinksim'; readonly version: string };
  readonly scenario: { readonly name: string; readonly file: string };
  /** The swept paths, as written. */
  readonly params: readonly string[];
  readonly seeds: readonly number[];
  readonly reference: number;
  readonly points: readonly { readonly index: number; readonly values: readonly unknown[]; readonly hash: string }[];
}

export function metaOf(plan: SweepPlan): SweepMeta {
  return {
    tool: { name: 'shrinksim', version: VERSION },
    scenario: { name: plan.name, file: plan.file },
    params: plan.params.map((p) => p.path.text),
    seeds: plan.seeds,
    reference: plan.reference,
    points: plan.points.map((p) => ({ index: p.index, values: p.values, hash: p.hash })),
  };
}

/** Every metric name, in order of first appearance over the rows (in row order). */
export function metricNames(rows: readonly SweepRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const [k] of r.metrics) seen.add(k);
  return [...seen];
}

/** A point's parameter values as `{path: value}`. */
export const paramsOf = (meta: SweepMeta, point: number): Record<string, unknown> =>
  Object.fromEntries(meta.params.map((p, i) => [p, meta.points[point]!.values[i]]));

/** `binder.shrinker.seeks=0 memory.total=3GiB` (or `(base)` when nothing is swept). */
export function pointLabel(meta: SweepMeta, point: number): string {
  const v = meta.points[point]!.values;
  return meta.params.length === 0 ? '(base)' : meta.params.map((p, i) => `${p}=${valueText(v[i])}`).join(' ');
}

export const valueText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

const num = (x: number): number => (Object.is(x, -0) ? 0 : x);

function summaryJson(s: PointSummary): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  for (const [name, m] of s.metrics) {
    metrics[name] = {
      n: m.stats.n,
      mean: num(m.stats.mean),
      sd: num(m.stats.sd),
      min: jsonCount(m.stats.min),
      max: jsonCount(m.stats.max),
      ci95: m.stats.ci95?.map(num) ?? null,
      change: m.change ? { abs: num(m.change.abs), rel: m.change.rel === null ? null : num(m.change.rel), ci95: m.change.ci95?.map(num) ?? null, verdict: m.change.verdict } : null,
    };
  }
  return { point: s.point, n: s.n, moved: s.moved, noise: s.noise, metrics };
}

const jsonCount = (v: MetricValue): number | string => (typeof v === 'bigint' ? bigintToJson(v) : v);

/** The `--json` document. */
export function sweepDocument(meta: SweepMeta, rows: readonly SweepRow[]): Record<string, unknown> {
  const names = metricNames(rows);
  return {
    kind: 'shrinksim-sweep',
    schemaVersion: SWEEP_SCHEMA_VERSION,
    tool: meta.tool,
    scenario: meta.scenario,
    params: meta.params,
    seeds: meta.seeds,
    reference: meta.reference,
    points: meta.points.map((p) => ({ index: p.index, params: paramsOf(meta, p.index), hash: p.hash })),
    metrics: names,
    rows: rows.map((r) => ({
      point: r.point,
      seed: r.seed,
      hash: meta.points[r.point]!.hash,
      params: paramsOf(meta, r.point),
      metrics: Object.fromEntries(r.metrics.map(([k, v]) => [k, jsonCount(v)])),
    })),
    summary: summarize(meta, rows, names).map(summaryJson),
  };
}

export const renderSweepJson = (meta: SweepMeta, rows: readonly SweepRow[]): string => `${JSON.stringify(sweepDocument(meta, rows), null, 2)}\n`;

/** RFC 4180 quoting when needed. */
export function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The `--csv` table: `point, <params…>, seed, hash, <metrics…>`; an absent metric is empty. */
export function renderSweepCsv(meta: SweepMeta, rows: readonly SweepRow[]): string {
  const names = metricNames(rows);
  const lines = [['point', ...meta.params, 'seed', 'hash', ...names].map(csvCell).join(',')];
  for (const r of rows) {
    const m = new Map(r.metrics);
    const cells = [
      String(r.point),
      ...meta.points[r.point]!.values.map(valueText),
      String(r.seed),
      meta.points[r.point]!.hash,
      ...names.map((n) => (m.has(n) ? String(m.get(n)) : '')),
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}
