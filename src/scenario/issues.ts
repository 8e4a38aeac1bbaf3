/**
 * zod issues → one line each: `file: path: expected …, got …`.
 *
 * zod's own messages are generic ("Invalid input"); a scenario author needs the field path,
 * what was expected and what was written. Unions (a size or a `{dist: …}` form; a script step)
 * are resolved to the branch the user evidently meant, so the message points inside it.
 */
import type { z } from 'zod';
import { describeGot } from './units.js';

export type PathKey = string | number;

/** `workload.binder[1].rate` */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out === '' ? k : `.${k}`;
  }
  return out === '' ? '(top level)' : out;
}

export interface Problem {
  readonly path: readonly PathKey[];
  readonly message: string;
}

/** Minimal view of zod 4 issues (the fields we read). */
interface AnyIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly input?: unknown;
  readonly expected?: string;
  readonly keys?: readonly string[];
  readonly values?: readonly unknown[];
  readonly errors?: readonly (readonly AnyIssue[])[];
  readonly origin?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly inclusive?: boolean;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
  never: 'nothing here',
};

const lit = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function bound(issue: AnyIssue, word: 'min' | 'max'): string {
  const n = word === 'min' ? issue.minimum : issue.maximum;
  const inclusive = issue.inclusive !== false;
  const op = word === 'min' ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
  switch (issue.origin) {
    case 'string':
      return word === 'min'
        ? `expected a non-empty string${Number(n) > 1 ? ` of at least ${n} characters` : ''}`
        : `expected at most ${n} characters`;
    case 'array':
      return word === 'min' ? `expected at least ${n} item${Number(n) === 1 ? '' : 's'}` : `expected at most ${n} items`;
    default:
      return `expected a number ${op} ${n}`;
  }
}

/** Does this issue say "this branch is not the form the user wrote" (rather than "bad inside")? */
function mismatchScore(i: AnyIssue): number {
  // The whole value has the wrong type for this branch: the strongest "not this form".
  if (i.path.length === 0) return i.code === 'unrecognized_keys' ? 1 : 2;
  return isMismatch(i) ? 1 : 0;
}

function isMismatch(i: AnyIssue): boolean {
  if (i.path.length === 0) return true;
  if (i.path.length === 1 && i.code === 'invalid_type' && i.input === undefined) return true;
  if (i.path.length === 1 && i.code === 'invalid_value') return true;
  return false;
}

/** zod 4 internals we read to list the keys an object accepts. */
interface Def {
  readonly type: string;
  readonly shape?: Record<string, { _zod: { def: Def } }>;
  readonly element?: { _zod: { def: Def } };
  readonly options?: readonly { _zod: { def: Def } }[];
  readonly innerType?: { _zod: { def: Def } };
  readonly in?: { _zod: { def: Def } };
}

function unwrap(d: Def): Def {
  for (let i = 0; i < 16; i++) {
    const next = d.innerType ?? (d.type === 'pipe' ? d.in : undefined);
    if (!next) return d;
    d = next._zod.def;
  }
  return d;
}

/** The object schemas a (possibly union) schema can be. */
function objectForms(d: Def): Def[] {
  const u = unwrap(d);
  if (u.type === 'object') return [u];
  if (u.type === 'union') return (u.options ?? []).flatMap((o) => objectForms(o._zod.def));
  return [];
}

/** Walks the schema along `path` and lists the keys of the object there that best fits `input`. */
function keysAt(root: Def | undefined, path: readonly PathKey[], input: unknown): string | undefined {
  if (!root) return undefined;
  let forms: Def[] = [root];
  for (const k of path) {
    const next: Def[] = [];
    for (const f of forms) {
      const u = unwrap(f);
      if (typeof k === 'number' && u.type === 'array' && u.element) next.push(u.element._zod.def);
      if (typeof k === 'string') for (const o of objectForms(u)) if (o.shape?.[k]) next.push(o.shape[k]._zod.def);
    }
    if (next.length === 0) return undefined;
    forms = next;
  }
  const given = input && typeof input === 'object' ? Object.keys(input) : [];
  const objs = forms.flatMap(objectForms);
  let best: Def | undefined;
  let bestScore = -1;
  for (const o of objs) {
    const score = given.filter((g) => o.shape?.[g] !== undefined).length;
    if (score > bestScore) [best, bestScore] = [o, score];
  }
  return best?.shape ? Object.keys(best.shape).join(', ') : undefined;
}

let schemaRoot: Def | undefined;

/** The keys of every one-key object form the schema allows at `path` (script steps). */
function stepKeysAt(root: Def | undefined, path: readonly PathKey[]): string[] {
  if (!root) return [];
  let forms: Def[] = [root];
  for (const k of path) {
    forms = forms.flatMap((f) => {
      const u = unwrap(f);
      if (typeof k === 'number') return u.type === 'array' && u.element ? [u.element._zod.def] : [];
      return objectForms(u).flatMap((o) => (o.shape?.[k] ? [o.shape[k]._zod.def] : []));
    });
  }
  return forms.flatMap(objectForms).flatMap((o) => Object.keys(o.shape ?? {}));
}

function explainUnion(issue: AnyIssue, base: readonly PathKey[]): Problem[] {
  // A union with its own message (units) explains itself.
  if (issue.message !== 'Invalid input' || !issue.errors || issue.errors.length === 0) {
    return [{ path: base, message: issue.message }];
  }
  const scored = issue.errors.map((errs, i) => ({ i, errs, mismatches: errs.reduce((n, e) => n + mismatchScore(e), 0) }));
  const best = Math.min(...scored.map((s) => s.mismatches));
  const fits = scored.filter((s) => s.mismatches === best);
  const input = issue.input;
  // A script step: a mapping with one key naming the step.
  if (best > 0 && base[0] === 'script' && base.length === 2) {
    const keys = input && typeof input === 'object' && !Array.isArray(input) ? Object.keys(input) : [];
    // Every step form's key, from the schema (the issues of a list or a scalar name none).
    const known = stepKeysAt(schemaRoot, base);
    if (keys.length !== 1) {
      return [{ path: base, message: `expected a step with exactly one key (one of: ${known.join(', ')}), got ${keys.length === 0 ? describeGot(input) : keys.map(lit).join(', ')}` }];
    }
    return [{ path: base, message: `unknown step ${lit(keys[0])} (expected one of: ${known.join(', ')})` }];
  }
  // Several `{dist: …}` forms, none matching: merge the allowed literals.
  if (best > 0) {
    const vals = issue.errors.flatMap((errs) => errs.filter((e) => e.code === 'invalid_value' && e.path.length === 1));
    const firstFitHasOne = fits[0]!.errs.some((e) => e.code === 'invalid_value' && e.path.length === 1);
    if (vals.length > 0 && firstFitHasOne && vals.every((v) => v.path[0] === vals[0]!.path[0])) {
      const all = vals.flatMap((v) => v.values ?? []);
      const p = vals[0]!.path[0] as PathKey;
      return [{ path: [...base, p], message: `expected one of ${all.map(lit).join(', ')}, got ${describeGot(vals[0]!.input)}` }];
    }
  }
  return fits[0]!.errs.flatMap((e) => explain(e, base));
}

function explain(issue: AnyIssue, base: readonly PathKey[]): Problem[] {
  const path: PathKey[] = [...base, ...(issue.path.filter((k) => typeof k !== 'symbol') as PathKey[])];
  switch (issue.code) {
    case 'invalid_union':
      return explainUnion(issue, path);
    case 'invalid_type': {
      if (typeof issue.input === 'bigint' && issue.expected === 'number') {
        return [{ path, message: `expected a number ≤ ${Number.MAX_SAFE_INTEGER} (2^53-1), got ${describeGot(issue.input)}` }];
      }
      const want = TYPE_WORDS[issue.expected ?? ''] ?? `a ${issue.expected}`;
      return [{ path, message: `expected ${want}, got ${describeGot(issue.input)}` }];
    }
    case 'unrecognized_keys': {
      const allowed = keysAt(schemaRoot, path, issue.input);
      return (issue.keys ?? []).map((k) => ({ path: [...path, k], message: allowed ? `unknown key (expected one of: ${allowed})` : 'unknown key' }));
    }
    case 'invalid_value': {
      const vals = issue.values ?? [];
      const want = vals.length === 1 ? lit(vals[0]) : `one of ${vals.map(lit).join(', ')}`;
      return [{ path, message: `expected ${want}, got ${describeGot(issue.input)}` }];
    }
    case 'too_small':
      return [{ path, message: `${bound(issue, 'min')}, got ${describeGot(issue.input)}` }];
    case 'too_big':
      return [{ path, message: `${bound(issue, 'max')}, got ${describeGot(issue.input)}` }];
    default:
      return [{ path, message: issue.message }];
  }
}

/**
 * Every zod issue as problems with paths, in zod's order, without duplicates. With `schema`,
 * an unknown key's line lists the keys that were possible there.
 */
export function problemsOf(error: z.ZodError, schema?: z.ZodType): Problem[] {
  schemaRoot = schema ? (schema as unknown as { _zod: { def: Def } })._zod.def : undefined;
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues as unknown as AnyIssue[]) {
    for (const p of explain(issue, [])) {
      const key = `${formatPath(p.path)}\u0000${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

/** The lines the CLI prints: `file: path: message`. */
export function formatProblems(label: string, problems: readonly Problem[]): string {
  return problems.map((p) => `${label}: ${formatPath(p.path)}: ${p.message}`).join('\n');
}
