/**
 * Reading a scenario: file → text → YAML/JSON value → validated raw scenario → resolved.
 * Every failure is a `UserError` whose message is one line per problem:
 * `scenarios/x.yaml: workload.binder[1].rate: expected a positive rate like "200/s", got "-3"`.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseDocument, visit } from 'yaml';
import { UserError } from '../util/errors.js';
import { formatProblems, problemsOf } from './issues.js';
import { resolveScenario } from './resolve.js';
import { ScenarioSchema, type RawScenario } from './schema.js';
import { checkAliases, formatAliasProblem } from './yamlAliases.js';
import type { ResolvedScenario } from './types.js';

/**
 * At most this many problem lines are printed, each complete (`file: field: message`), then
 * one `… and N more` line: the first few name the real mistakes, the rest is usually fallout.
 */
const MAX_LINES = 5;
/** Scenario files are a few KiB; anything past this is not one. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Parses YAML (JSON is YAML too) into a plain value; syntax errors name line and column. */
export function parseScenarioText(text: string, label: string): unknown {
  // A .json file must be JSON: YAML would also accept trailing commas, comments and bare
  // words, which a JSON tool reading the same file would then reject.
  if (extname(label).toLowerCase() === '.json') checkJsonSyntax(text, label);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, intAsBigInt: false });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `${label}:${pos.line}:${pos.col}` : label;
    let msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    // yaml's recursive parser gives up on very deep nesting with the engine's message.
    if (/Maximum call stack size exceeded/.test(msg)) msg = `values nested too deeply (a scenario needs about 6 levels)`;
    throw new UserError(`${where}: ${extname(label) === '.json' ? 'JSON' : 'YAML'} syntax error: ${msg}`);
  }
  const aliasProblem = checkAliases(doc);
  if (aliasProblem) throw new UserError(formatAliasProblem(label, aliasProblem));
  keepLargeIntegers(doc);
  const value: unknown = doc.toJS({ maxAliasCount: -1 });
  return value ?? {};
}

/**
 * An integer literal beyond 2^53 (`seed: 18446744073709551616`) becomes a bigint, not a
 * rounded float, so the field's message quotes exactly what was written (and object counts,
 * which are bigints anyway, stay exact).
 */
function keepLargeIntegers(doc: ReturnType<typeof parseDocument>): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'number' || Number.isSafeInteger(node.value)) return;
      const src = String(node.source ?? '').trim();
      if (/^[-+]?\d+$/.test(src)) node.value = BigInt(src);
    },
  });
}

/** Throws a one-line `file:line:col: JSON syntax error: …` if `text` is not strict JSON. */
function checkJsonSyntax(text: string, label: string): void {
  try {
    JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? 'invalid JSON';
    const m = /position (\d+)/.exec(msg);
    let where = label;
    if (m) {
      const before = text.slice(0, Number(m[1]));
      const line = before.split('\n').length;
      const col = Number(m[1]) - before.lastIndexOf('\n');
      where = `${label}:${line}:${col}`;
    }
    const what = msg.replace(/\s*(in JSON )?at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
    throw new UserError(`${where}: JSON syntax error: ${what}`);
  }
}

/** Validates a parsed value against the scenario schema. */
export function validateScenario(value: unknown, label: string): RawScenario {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(`${label}: (top level): expected a mapping of scenario fields, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`);
  }
  const r = ScenarioSchema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const problems = problemsOf(r.error, ScenarioSchema);
  const lines = problems.slice(0, MAX_LINES);
  const more = problems.length > MAX_LINES ? `\n${label}: … and ${problems.length - MAX_LINES} more` : '';
  throw new UserError(formatProblems(label, lines) + more);
}

/** Text → resolved scenario. `label` is how errors name the file. */
export function loadScenarioText(text: string, label: string): ResolvedScenario {
  const raw = validateScenario(parseScenarioText(text, label), label);
  return resolveScenario(raw, label, basename(label, extname(label)));
}

/** A scenario file → resolved scenario. */
export function loadScenarioFile(file: string): ResolvedScenario {
  let text: string;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) throw new UserError(`${file}: expected a scenario file of at most 16MiB, got ${statSync(file).size} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? 'error'})`;
    throw new UserError(`${file}: ${why}`);
  }
  return loadScenarioText(text, file);
}
