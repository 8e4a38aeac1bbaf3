/**
 * A sweep plan: the points (the cartesian product of the parameters' values, each a full,
 * validated and resolved scenario), the seeds, and the runs (point × seed) in a fixed order.
 *
 * Order (documented in docs/sweep.md, relied on by shards and outputs):
 * - points: the first parameter varies slowest, the last fastest (nested loops in the order
 *   the parameters are given: the file's `sweep.set` first, then `--set` flags);
 * - runs: `runIndex = pointIndex × seeds + seedIndex`.
 *
 * Every point is validated exactly as a scenario file is, before anything runs: a bad value is
 * one line naming the `--set` (or `sweep.set`) and the field, exit 2.
 */
import { basename, extname } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse as parseYamlValue } from 'yaml';
import { canonicalJson, scenarioHash } from '../scenario/hash.js';
import { formatPath, type PathKey } from '../scenario/issues.js';
import { parseScenarioText, validateScenario } from '../scenario/load.js';
import { resolveScenario } from '../scenario/resolve.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { isUserError, UserError } from '../util/errors.js';
import { setAtPath } from './path.js';
import { MAX_RUNS, mergeSpecs, parseSweepSection, splitTop, type SweepParam, type SweepSpec } from './spec.js';

export interface SweepPoint {
  readonly index: number;
  /** Aligned with `SweepPlan.params`. */
  readonly values: readonly unknown[];
  readonly resolved: ResolvedScenario;
  /** `scenarioHash(resolved)`: differs between points, never between seeds. */
  readonly hash: string;
}

export interface SweepPlan {
  /** The scenario file as the user named it. */
  readonly file: string;
  readonly name: string;
  readonly params: readonly SweepParam[];
  readonly points: readonly SweepPoint[];
  readonly seeds: readonly number[];
  /** Index of the reference point. */
  readonly reference: number;
}

export interface SweepFlags {
  readonly sets: readonly SweepParam[];
  readonly seeds: readonly number[] | undefined;
  readonly reference: string | undefined;
}

/** Reads the scenario file, splits off its `sweep:` section, and builds the plan. */
export function planSweepFile(file: string, flags: SweepFlags): SweepPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? 'error'})`}`);
  }
  const value = parseScenarioText(text, file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) validateScenario(value, file); // throws its one line
  // The scenario schema is strict and has no `sweep` key: the section is taken off here, so a
  // sweep file is a plain scenario plus one section (`shrinksim run` does not accept it).
  const { sweep, ...raw } = value as Record<string, unknown>;
  const fromFile = sweep === undefined ? undefined : parseSweepSection(sweep, file);
  return planSweep(raw, file, mergeSpecs(fromFile, flags));
}

/** The cartesian product of the values, first parameter slowest. */
export function product(lengths: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of lengths) out = out.flatMap((prefix) => Array.from({ length: n }, (_, i) => [...prefix, i]));
  return out;
}

/** Builds and validates every point of `spec` over the raw scenario `base`. */
export function planSweep(base: Record<string, unknown>, file: string, spec: SweepSpec): SweepPlan {
  const name = basename(file, extname(file));
  // The base must be a valid scenario on its own (its errors name the file only).
  const baseRaw = validateScenario(structuredClone(base), file);
  const seeds = spec.seeds ?? [baseRaw.seed];
  const combos = product(spec.params.map((p) => p.values.length));
  if (combos.length * seeds.length > MAX_RUNS) {
    throw new UserError(`${file}: ${combos.length} points × ${seeds.length} seeds is more than ${MAX_RUNS} runs`);
  }
  const points = combos.map((choice, index) => {
    const raw = structuredClone(base);
    const where = spec.params.map((p, i) => ({ param: p, text: setText(p, choice[i]!), at: [] as PathKey[] }));
    where.forEach((w, i) => {
      w.at = setAtPath(raw, w.param.path, structuredClone(w.param.values[choice[i]!]), `${file}: ${w.text}`);
    });
    let resolved: ResolvedScenario;
    try {
      const validated = validateScenario(raw, file);
      resolved = resolveScenario(validated, file, name);
    } catch (e) {
      if (!isUserError(e)) throw e;
      throw new UserError(blame(e.message.split('\n')[0]!, file, where));
    }
    const values = spec.params.map((p, i) => p.values[choice[i]!]);
    return { index, values, resolved, hash: scenarioHash(resolved) };
  });
  return { file, name, params: spec.params, points, seeds, reference: referenceIndex(spec, points, file) };
}

function setText(p: SweepParam, valueIndex: number): string {
  const v = p.valueTexts[valueIndex]!;
  return p.origin === '--set' ? `--set ${p.path.text}=${v}` : `sweep.set.${p.path.text}=${v}`;
}

/**
 * `file: field: message` from the scenario validation → `file: --set P=V: field: message`,
 * naming the one `--set` whose field the message is about (all of the point's when unclear).
 */
function blame(line: string, file: string, where: readonly { text: string; at: readonly PathKey[] }[]): string {
  const rest = line.startsWith(`${file}: `) ? line.slice(file.length + 2) : line;
  const field = rest.slice(0, Math.max(0, rest.indexOf(': ')));
  const hit = where.find((w) => {
    const p = formatPath(w.at);
    return field === p || field.startsWith(`${p}.`) || field.startsWith(`${p}[`);
  });
  const named = hit ? hit.text : where.map((w) => w.text).join(' ');
  return `${file}: ${named}: ${rest}`;
}

/** `--reference 1` or `--reference binder.shrinker.seeks=2[,PATH=V…]`. */
function referenceIndex(spec: SweepSpec, points: readonly SweepPoint[], file: string): number {
  const ref = spec.reference;
  if (ref === undefined) return 0;
  const where = `--reference ${ref}`;
  if (/^\d+$/.test(ref)) {
    const i = Number(ref);
    if (i >= points.length) throw new UserError(`${where}: no point ${i} (the sweep has ${points.length}: 0..${points.length - 1})`);
    return i;
  }
  const wanted = splitTop(ref, ',').map((pair) => {
    const eq = pair.lastIndexOf('=');
    const pathText = pair.slice(0, eq).trim();
    const col = spec.params.findIndex((p) => p.path.text === pathText);
    if (eq <= 0 || col < 0) {
      throw new UserError(`${where}: expected a point index or PATH=VALUE with a swept PATH (${spec.params.map((p) => p.path.text).join(', ') || 'none'})`);
    }
    const v = readValue(pair.slice(eq + 1).trim());
    return { col, v: canonicalJson(v) };
  });
  const hits = points.filter((pt) => wanted.every((w) => canonicalJson(pt.values[w.col]) === w.v));
  if (hits.length !== 1) throw new UserError(`${where}: matches ${hits.length} points of ${file}'s sweep (expected exactly one)`);
  return hits[0]!.index;
}

/** A reference value is read like a `--set` value (YAML scalar). */
function readValue(t: string): unknown {
  try {
    return parseYamlValue(t) as unknown;
  } catch {
    return t;
  }
}
