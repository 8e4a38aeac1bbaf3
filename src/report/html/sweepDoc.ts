/**
 * A sweep result as the comparison page reads it: the parsed `sweep --json` file
 * (src/sweep/result.ts `sweepDocument`), recognised by `kind: "shrinksim-sweep"`. Counts past
 * 2^53 arrive as decimal strings; the page only prints and plots them.
 */
import { UserError } from '../../util/errors.js';
import type { Verdict } from '../../sweep/stats.js';

export type SweepCount = number | string;

export interface SweepDocMetric {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly min: SweepCount;
  readonly max: SweepCount;
  readonly ci95: readonly [number, number] | null;
  readonly change: { readonly abs: number; readonly rel: number | null; readonly ci95: readonly [number, number] | null; readonly verdict: Verdict } | null;
}

export interface SweepDoc {
  readonly kind: 'shrinksim-sweep';
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly scenario: { readonly name: string; readonly file: string };
  readonly params: readonly string[];
  readonly seeds: readonly number[];
  readonly reference: number;
  readonly points: readonly { readonly index: number; readonly params: Readonly<Record<string, unknown>>; readonly hash: string }[];
  readonly metrics: readonly string[];
  readonly rows: readonly { readonly point: number; readonly seed: number; readonly metrics: Readonly<Record<string, SweepCount>> }[];
  readonly summary: readonly { readonly point: number; readonly n: number; readonly moved: number; readonly noise: number; readonly metrics: Readonly<Record<string, SweepDocMetric>> }[];
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Is this parsed JSON a sweep result (rather than a run result)? */
export const isSweepJson = (v: unknown): boolean => isObj(v) && v.kind === 'shrinksim-sweep';

/** Checks the top-level shape of a sweep result; throws a UserError naming the file and field. */
export function asSweepDoc(v: unknown, file: string): SweepDoc {
  if (!isObj(v) || v.kind !== 'shrinksim-sweep') throw new UserError(`${file}: kind: expected "shrinksim-sweep" (a shrinksim sweep --json result)`);
  if (v.schemaVersion !== 1) throw new UserError(`${file}: schemaVersion: expected 1, got ${JSON.stringify(v.schemaVersion)}`);
  if (!isObj(v.scenario) || typeof v.scenario.name !== 'string') throw new UserError(`${file}: scenario.name: expected a string`);
  for (const k of ['params', 'seeds', 'points', 'metrics', 'rows', 'summary'] as const) {
    if (!Array.isArray(v[k])) throw new UserError(`${file}: ${k}: expected an array`);
  }
  const points = v.points as unknown[];
  if (points.length === 0) throw new UserError(`${file}: points: expected at least one point`);
  if (typeof v.reference !== 'number' || !Number.isInteger(v.reference) || v.reference < 0 || v.reference >= points.length) {
    throw new UserError(`${file}: reference: expected a point index below ${points.length}, got ${JSON.stringify(v.reference)}`);
  }
  if ((v.summary as unknown[]).length !== points.length) throw new UserError(`${file}: summary: expected one entry per point (${points.length})`);
  return v as unknown as SweepDoc;
}
