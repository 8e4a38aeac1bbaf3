/**
 * Machine-readable reports of `shrinksim check` for CI systems: `--json` (one object) and
 * `--junit` (JUnit XML: one testsuite per scenario, one testcase per compared count, a
 * `<failure>` for each count that moved). Pure: both render from the comparison that
 * `compareWithBaseline` returns (or, after `--update`, from the counts just written).
 *
 * JSON counts follow the bigint rule of json.ts (a number when safe, else a decimal string).
 * `relative` is (now − baseline) / |baseline| as a number, `null` when the baseline is 0 and
 * the count is not.
 */
import type { Baseline, Comparison } from './baseline.js';
import { formatTolerance, percentChange } from './baseline.js';
import { bigintToJson } from './json.js';
import type { RunResult } from './result.js';

export const CHECK_REPORT_KIND = 'shrinksim-check';
export const CHECK_REPORT_VERSION = 1;

export type CheckVerdict = 'ok' | 'moved' | 'written';

/** What a check did: compared with a baseline, or wrote one (`--update`). */
export type CheckOutcome =
  | { readonly verdict: 'ok' | 'moved'; readonly baseline: Baseline; readonly comparison: Comparison }
  | { readonly verdict: 'written'; readonly baseline: Baseline };

export interface CheckReportInput {
  readonly result: RunResult;
  /** The baseline file as the user named it (`-` for stdin/stdout). */
  readonly baselineFile: string;
  readonly tolerance: number;
  readonly outcome: CheckOutcome;
}

/** A count of the report: baseline `undefined` when the check wrote the baseline. */
interface Row {
  readonly metric: string;
  readonly base: bigint | undefined;
  readonly now: bigint;
  readonly moved: boolean;
}

function rowsOf(o: CheckOutcome): Row[] {
  if (o.verdict === 'written') return [...o.baseline.metrics.entries()].map(([metric, now]) => ({ metric, base: undefined, now, moved: false }));
  return o.comparison.rows.map((r) => ({ metric: r.metric, base: r.base, now: r.now, moved: r.moved }));
}

function relative(base: bigint, now: bigint): number | null {
  if (base === now) return 0;
  if (base === 0n) return null;
  return Number(now - base) / Math.abs(Number(base));
}

/** The `check --json` document (a plain object). */
export function checkReportDocument(x: CheckReportInput): Record<string, unknown> {
  const r = x.result;
  const o = x.outcome;
  const rows = rowsOf(o);
  return {
    kind: CHECK_REPORT_KIND,
    schemaVersion: CHECK_REPORT_VERSION,
    tool: { name: r.tool.name, version: r.tool.version },
    scenario: { name: r.scenario.name, file: r.scenario.file ?? null, hash: r.scenario.hash },
    baseline: {
      file: x.baselineFile,
      seed: o.baseline.seed,
      scenarioHash: o.baseline.scenario.hash,
      toolVersion: o.baseline.tool.version,
    },
    seed: r.seed,
    tolerance: x.tolerance,
    verdict: o.verdict,
    compared: o.verdict === 'written' ? 0 : rows.length,
    moved: rows.filter((w) => w.moved).length,
    notes: o.verdict === 'written' ? [] : [...o.comparison.notes],
    counts: rows.map((w) => ({
      metric: w.metric,
      baseline: w.base === undefined ? null : bigintToJson(w.base),
      now: bigintToJson(w.now),
      change: w.base === undefined ? null : bigintToJson(w.now - w.base),
      relative: w.base === undefined ? null : relative(w.base, w.now),
      moved: w.moved,
    })),
  };
}

/** The `check --json` file text. */
export function renderCheckJson(x: CheckReportInput): string {
  return `${JSON.stringify(checkReportDocument(x), null, 2)}\n`;
}

/** Text for an XML attribute or element: `& < > " '` escaped, characters XML 1.0 forbids dropped. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The failure message of a count that moved: `baseline X, now Y (+Z%)`. */
export function movedMessage(base: bigint, now: bigint): string {
  return `baseline ${base}, now ${now} (${percentChange(base, now)})`;
}

/** The `check --junit` file text. */
export function renderCheckJunit(x: CheckReportInput): string {
  const r = x.result;
  const o = x.outcome;
  const rows = rowsOf(o);
  const failures = rows.filter((w) => w.moved).length;
  const a = xmlEscape;
  const suite = `shrinksim check ${r.scenario.name}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="shrinksim check" tests="${rows.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="${a(suite)}" tests="${rows.length}" failures="${failures}" errors="0" skipped="0">`,
    '    <properties>',
    `      <property name="scenario.file" value="${a(r.scenario.file ?? '')}"/>`,
    `      <property name="scenario.hash" value="${a(r.scenario.hash)}"/>`,
    `      <property name="baseline" value="${a(x.baselineFile)}"/>`,
    `      <property name="baseline.seed" value="${o.baseline.seed}"/>`,
    `      <property name="seed" value="${r.seed}"/>`,
    `      <property name="tolerance" value="${a(formatTolerance(x.tolerance))}"/>`,
    `      <property name="verdict" value="${o.verdict}"/>`,
    '    </properties>',
  ];
  const classname = a(`shrinksim.check.${r.scenario.name}`);
  for (const w of rows) {
    const head = `    <testcase classname="${classname}" name="${a(w.metric)}"`;
    if (!w.moved || w.base === undefined) {
      lines.push(`${head}/>`);
      continue;
    }
    const msg = a(movedMessage(w.base, w.now));
    lines.push(`${head}>`, `      <failure message="${msg}" type="moved">${msg}</failure>`, '    </testcase>');
  }
  if (o.verdict !== 'written' && o.comparison.notes.length > 0) {
    lines.push(`    <system-out>${a(o.comparison.notes.map((n) => `note: ${n}`).join('\n'))}</system-out>`);
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}
