/**
 * Addressing a field of a *raw* scenario (as written in the file, before defaults) by a path:
 *
 * - `memory.total`, `binder.shrinker.seeks`: object keys, separated by dots;
 * - `workload.binder[0].rate`: a list item by index;
 * - `shrinkers[name=sb-f2fs:dm-48].seeks`: a list item whose field equals a value;
 * - `binder.procs[app].driver`: shorthand for `[name=app]`.
 *
 * Setting a value creates the mappings that are missing on the way (`memory:` need not be in
 * the file to sweep `memory.total`); a key that the schema does not know is then reported by
 * the scenario validation like a typo in the file. A list item must exist: an index past the
 * end or a name that no item has is an error here, naming what there is.
 */
import { formatPath, type PathKey } from '../scenario/issues.js';
import { DEFAULT_SHRINKERS } from '../scenario/resolve.js';
import { UserError } from '../util/errors.js';

/** One step of a path. */
export type PathStep =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'match'; readonly field: string; readonly value: string };

export interface FieldPath {
  /** As the user wrote it (how errors and columns name it). */
  readonly text: string;
  readonly steps: readonly PathStep[];
}

const KEY = /^[A-Za-z_$][\w$-]*/;

/** Parses `a.b[0].c[name=x]`; `where` prefixes errors (e.g. `--set`). */
export function parsePath(text: string, where: string): FieldPath {
  const steps: PathStep[] = [];
  let rest = text;
  let first = true;
  const fail = (why: string): never => {
    throw new UserError(`${where}: ${JSON.stringify(text)}: ${why}`);
  };
  while (rest.length > 0) {
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close < 0) fail('unclosed "["');
      const sel = rest.slice(1, close).trim();
      if (sel === '') fail('empty "[]"');
      if (/^\d+$/.test(sel)) steps.push({ kind: 'index', index: Number(sel) });
      else {
        const eq = sel.indexOf('=');
        if (eq > 0) steps.push({ kind: 'match', field: sel.slice(0, eq).trim(), value: sel.slice(eq + 1).trim() });
        else steps.push({ kind: 'match', field: 'name', value: sel });
      }
      rest = rest.slice(close + 1);
    } else {
      if (!first) {
        if (!rest.startsWith('.')) fail(`expected "." or "[" at ${JSON.stringify(rest)}`);
        rest = rest.slice(1);
      }
      const m = KEY.exec(rest);
      if (!m) fail(`expected a field name at ${JSON.stringify(rest)}`);
      steps.push({ kind: 'key', key: m![0] });
      rest = rest.slice(m![0].length);
    }
    first = false;
  }
  if (steps.length === 0) fail('empty path');
  return { text, steps };
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Writes `value` at `path` inside `raw` (mutated) and returns the concrete path (indices
 * instead of name matches), as the scenario validation names fields.
 */
export function setAtPath(raw: Record<string, unknown>, path: FieldPath, value: unknown, where: string): PathKey[] {
  const concrete: PathKey[] = [];
  let node: unknown = raw;
  const fail = (why: string): never => {
    throw new UserError(`${where}: ${formatPath(concrete)}: ${why}`);
  };
  for (let i = 0; i < path.steps.length; i++) {
    const step = path.steps[i]!;
    const last = i === path.steps.length - 1;
    if (step.kind === 'key') {
      if (!isMapping(node)) fail(`expected a mapping here to find "${step.key}" in, got ${describe(node)}`);
      const obj = node as Record<string, unknown>;
      // The default shrinkers are what an absent `shrinkers:` means: address them the same way.
      if (concrete.length === 0 && step.key === 'shrinkers' && obj.shrinkers === undefined && !last) {
        obj.shrinkers = structuredClone(DEFAULT_SHRINKERS) as unknown[];
      }
      concrete.push(step.key);
      if (last) {
        obj[step.key] = value;
        return concrete;
      }
      if (obj[step.key] === undefined || obj[step.key] === null) {
        const next = path.steps[i + 1]!;
        if (next.kind !== 'key') fail(`no such list (the field is not set in the scenario)`);
        obj[step.key] = {};
      }
      node = obj[step.key];
      continue;
    }
    if (!Array.isArray(node)) fail(`expected a list here, got ${describe(node)}`);
    const list = node as unknown[];
    let index: number;
    if (step.kind === 'index') {
      index = step.index;
      if (index >= list.length) fail(`no item [${index}] (the list has ${list.length})`);
    } else {
      index = list.findIndex((it) => isMapping(it) && String(it[step.field]) === step.value);
      if (index < 0) {
        const have = list.map((it) => (isMapping(it) && it[step.field] !== undefined ? String(it[step.field]) : '?'));
        fail(`no item with ${step.field} ${JSON.stringify(step.value)} (have: ${have.length > 0 ? have.join(', ') : 'none'})`);
      }
    }
    concrete.push(index);
    if (last) {
      list[index] = value;
      return concrete;
    }
    node = list[index];
  }
  return concrete;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === undefined) return 'nothing';
  return JSON.stringify(v);
}
