/**
 * In-process fuzz harness: mutated inputs through the CLI's `main()` (argument parsing,
 * dispatch, exit codes, stderr), with small run limits so every run is bounded.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse, stringify } from 'yaml';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseTime } from '../../src/scenario/units.js';
import { classify, mutateBaseline, mutateScenario, mutateTrace, type Outcome, type Picks } from '../../scripts/fuzz/mutate.mjs';

export const ROOT = join(import.meta.dirname, '..', '..');
export const LIMITS = ['--max-events', '200000', '--max-samples', '500', '--max-trace-lines', '50000'];

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** A non-UserError thrown out of main(): what the binary would print as a stack trace. */
  readonly thrown?: unknown;
}

export async function runCli(argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } catch (thrown) {
    return { code: 70, stdout, stderr: `${stderr}${String((thrown as Error)?.stack ?? thrown)}`, thrown };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const TIME_KEYS = new Set(['duration', 'sample', 'until', 'from', 'by', 'every', 'gap', 'hold', 'at', 'mean', 'min', 'max', 'time']);

/** A bundled scenario with every time divided by 10 (relations kept, runs 10× shorter). */
export function trimmed(name: string): string {
  const v = parse(readFileSync(join(ROOT, 'scenarios', `${name}.yaml`), 'utf8')) as unknown;
  const walk = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    for (const [k, val] of Object.entries(x as Record<string, unknown>)) {
      const t = TIME_KEYS.has(k) ? parseTime(val) : undefined;
      if (t?.ok && t.value > 0) (x as Record<string, unknown>)[k] = `${Math.max(1, Math.floor(t.value / 10))}ns`;
      else walk(val);
    }
  };
  walk(v);
  return stringify(v);
}

export const BUNDLED = readdirSync(join(ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

export interface CaseResult {
  readonly outcome: Outcome;
  readonly detail: string;
  readonly samples?: number;
}

const csvOk = (text: string): { ok: boolean; rows: number } => {
  const lines = text.trimEnd().split('\n');
  const cols = lines[0]!.split(',').length;
  const header = lines[0]!.split(',');
  const ok = lines.every((l) => l.split(',').length === cols) && new Set(header).size === header.length;
  return { ok, rows: lines.length - 1 };
};

/** One scenario case through `run`: outcome, and the samples written when it ran. */
export async function scenarioCase(base: string, cls: string, picks: Picks, ext: string, dir: string): Promise<CaseResult> {
  const text = mutateScenario(base, cls, picks, ext);
  const file = join(dir, `case${ext}`);
  writeFileSync(file, text);
  const json = join(dir, 'out.json');
  const csv = join(dir, 'out.csv');
  rmSync(json, { force: true });
  rmSync(csv, { force: true });
  const r = await runCli(['run', file, '-q', '--no-progress', '--json', json, '--csv', csv, ...LIMITS]);
  let outputsOk = true;
  let samples: number | undefined;
  if (r.code === 0) {
    try {
      JSON.parse(readFileSync(json, 'utf8'));
      const c = csvOk(readFileSync(csv, 'utf8'));
      outputsOk = c.ok;
      samples = c.rows;
    } catch {
      outputsOk = false;
    }
  }
  const outcome = r.thrown ? 'crash' : classify({ code: r.code, stderr: r.stderr, label: file, outputsOk });
  return { outcome, detail: `${cls} ${JSON.stringify(picks)} ${ext}: exit ${r.code} ${r.stderr.slice(0, 300)}`, ...(samples !== undefined ? { samples } : {}) };
}

/** One trace case through `conform`. */
export async function traceCase(lines: readonly string[], cls: string, picks: Picks, dir: string): Promise<CaseResult> {
  const m = mutateTrace(lines, cls, picks);
  let file = join(dir, 'trace.txt');
  if (m.gzipCorrupt !== undefined) {
    file = join(dir, 'trace.txt.gz');
    const gz = gzipSync(m.text);
    const cut = gz.subarray(0, 10 + (m.gzipCorrupt % Math.max(1, gz.length - 10)));
    writeFileSync(file, m.gzipCorrupt % 2 === 0 ? cut : Buffer.concat([gz.subarray(0, 20), Buffer.from('garbage'), gz.subarray(27)]));
  } else writeFileSync(file, m.text);
  const r = await runCli(['conform', file]);
  const outputsOk = r.code === 2 || /^(OK|FAIL): /m.test(r.stdout);
  const outcome = r.thrown ? 'crash' : classify({ code: r.code, stderr: r.stderr, label: file, allowed1: true, outputsOk });
  return { outcome, detail: `${cls} ${JSON.stringify(picks)}: exit ${r.code} ${r.stderr.slice(0, 300)}` };
}

/** One baseline case through `check`. */
export async function baselineCase(scenario: string, base: string, cls: string, picks: Picks, dir: string): Promise<CaseResult> {
  const file = join(dir, 'baseline.json');
  writeFileSync(file, mutateBaseline(base, cls, picks));
  const r = await runCli(['check', scenario, '--baseline', file, ...LIMITS]);
  const outputsOk = r.code === 2 || /ok: |moved/.test(r.stdout);
  const outcome = r.thrown ? 'crash' : classify({ code: r.code, stderr: r.stderr, label: file, allowed1: true, outputsOk });
  return { outcome, detail: `${cls} ${JSON.stringify(picks)}: exit ${r.code} ${r.stderr.slice(0, 300)}` };
}

const dirs: string[] = [];
export const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'shrinksim-fuzz-'));
  dirs.push(d);
  return d;
};
/** Removes every temporary directory of this test file (call from afterAll). */
export const removeTempDirs = (): void => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
};
