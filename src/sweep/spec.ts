/**
 * What a sweep varies: parameters (a field path and its values) and seeds, from `--set` /
 * `--seeds` flags and from a scenario file's `sweep:` section.
 *
 * ```yaml
 * sweep:
 *   set:
 *     binder.shrinker.seeks: [2, 0]      # PATH: list of values (or one value)
 *   seeds: 1..5                          # "1..20", "1,2,7", 3 or a list
 *   reference: binder.shrinker.seeks=2   # a point index or PATH=V pairs
 * ```
 *
 * A `--set` of a path that the file's section also sets replaces the file's values; other
 * `--set`s are added after the file's parameters. `--seeds` replaces the file's seeds.
 */
import { parse as parseYamlValue } from 'yaml';
import { z } from 'zod';
import { formatProblems, problemsOf } from '../scenario/issues.js';
import { UserError } from '../util/errors.js';
import { parsePath, type FieldPath } from './path.js';

export interface SweepParam {
  readonly path: FieldPath;
  readonly values: readonly unknown[];
  /** How each value was written (for messages): `--set P=V` text or YAML of the file's value. */
  readonly valueTexts: readonly string[];
  /** `--set` or `sweep.set` (for messages). */
  readonly origin: '--set' | 'sweep.set';
}

export interface SweepSpec {
  readonly params: readonly SweepParam[];
  /** Undefined: the scenario's own seed. */
  readonly seeds: readonly number[] | undefined;
  /** Undefined: point 0. */
  readonly reference: string | undefined;
}

/** Most points × seeds one sweep may have: more is almost surely a typo in a range. */
export const MAX_RUNS = 1_000_000;

/** Splits at `sep` outside brackets/braces/quotes. */
export function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === sep && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** The index of the first `=` outside `[...]` (the one between path and values). */
function assignIndex(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '=' && depth === 0) return i;
  }
  return -1;
}

/** A value as YAML reads it (`0` a number, `2GiB` a string, `{a: 1}` a mapping). */
function valueOf(text: string, where: string): unknown {
  const t = text.trim();
  if (t === '') throw new UserError(`${where}: empty value`);
  try {
    return parseYamlValue(t) as unknown;
  } catch (e) {
    throw new UserError(`${where}: cannot read value ${JSON.stringify(t)} (${(e as Error).message.split('\n')[0]})`);
  }
}

/** `PATH=V1,V2,…` (values split at commas outside brackets and quotes). */
export function parseSetFlag(text: string): SweepParam {
  const eq = assignIndex(text);
  if (eq <= 0) throw new UserError(`--set ${text}: expected PATH=V1,V2,… (e.g. binder.shrinker.seeks=0,2)`);
  const pathText = text.slice(0, eq).trim();
  const path = parsePath(pathText, `--set ${text}`);
  checkPathAllowed(path, `--set ${text}`);
  const texts = splitTop(text.slice(eq + 1), ',').map((s) => s.trim());
  const values = texts.map((t) => valueOf(t, `--set ${pathText}=${t}`));
  return { path, values, valueTexts: texts, origin: '--set' };
}

function checkPathAllowed(path: FieldPath, where: string): void {
  const first = path.steps[0];
  if (first?.kind === 'key' && (first.key === 'seed' || first.key === 'sweep')) {
    throw new UserError(`${where}: ${first.key} cannot be swept with --set (use --seeds for seeds)`);
  }
}

const SEED_MAX = Number.MAX_SAFE_INTEGER;

/** `1..20`, `1,2,7`, `3..5,10`: the seeds in the order written, duplicates dropped. */
export function parseSeeds(spec: string | number | readonly number[], where: string): number[] {
  const parts: string[] = typeof spec === 'number' ? [String(spec)] : Array.isArray(spec) ? spec.map(String) : String(spec).split(',');
  const out: number[] = [];
  const seen = new Set<number>();
  const add = (n: number) => {
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  };
  for (const raw of parts) {
    const p = raw.trim();
    const range = /^(\d+)\s*\.\.\s*(\d+)$/.exec(p);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (b < a) throw new UserError(`${where}: range ${p} goes down (write ${b}..${a})`);
      if (b - a >= MAX_RUNS || b > SEED_MAX) throw new UserError(`${where}: range ${p} is too long (at most ${MAX_RUNS} seeds)`);
      for (let n = a; n <= b; n++) add(n);
    } else if (/^\d+$/.test(p) && Number(p) <= SEED_MAX) add(Number(p));
    else throw new UserError(`${where}: expected seeds like 1..20 or 1,2,7, got ${JSON.stringify(p)}`);
  }
  if (out.length === 0) throw new UserError(`${where}: no seeds`);
  return out;
}

const SweepSectionSchema = z
  .object({
    set: z.record(z.string(), z.unknown()).default({}),
    seeds: z.union([z.string(), z.int().min(0), z.array(z.int().min(0)).min(1)]).optional(),
    reference: z.union([z.string().min(1), z.int().min(0)]).optional(),
  })
  .strict();

const yamlText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The `sweep:` section of a scenario file (already parsed), validated. */
export function parseSweepSection(value: unknown, file: string): SweepSpec {
  const r = SweepSectionSchema.safeParse(value, { reportInput: true });
  if (!r.success) {
    const problems = problemsOf(r.error, SweepSectionSchema).map((p) => ({ ...p, path: ['sweep', ...p.path] }));
    throw new UserError(formatProblems(file, problems.slice(0, 1)));
  }
  const params: SweepParam[] = Object.entries(r.data.set).map(([pathText, v]) => {
    const where = `${file}: sweep.set.${pathText}`;
    const path = parsePath(pathText, where);
    checkPathAllowed(path, where);
    const values = Array.isArray(v) ? v : [v];
    if (values.length === 0) throw new UserError(`${where}: expected at least one value`);
    return { path, values, valueTexts: values.map(yamlText), origin: 'sweep.set' as const };
  });
  const seeds = r.data.seeds === undefined ? undefined : parseSeeds(r.data.seeds, `${file}: sweep.seeds`);
  return { params, seeds, reference: r.data.reference === undefined ? undefined : String(r.data.reference) };
}

/** File section + flags → one spec (flags win, see the module comment). */
export function mergeSpecs(file: SweepSpec | undefined, flags: { sets: readonly SweepParam[]; seeds: readonly number[] | undefined; reference: string | undefined }): SweepSpec {
  const params = [...(file?.params ?? [])];
  for (const s of flags.sets) {
    const i = params.findIndex((p) => p.path.text === s.path.text);
    if (i >= 0) params[i] = s;
    else params.push(s);
  }
  return { params, seeds: flags.seeds ?? file?.seeds, reference: flags.reference ?? file?.reference };
}
