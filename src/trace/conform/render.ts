/**
 * `shrinksim conform` output: the table for people and the JSON object for tools. Both are
 * pure functions of the report (colour is a parameter, not a TTY probe).
 */
import type { ConformReport, FunctionRow, PairResult } from './analyse.js';
import { SETS_NR_SCANNED, type Issue } from './checkPair.js';

/** Colour hooks; identity functions give plain text. */
export interface Paint {
  readonly ok: (s: string) => string;
  readonly bad: (s: string) => string;
  readonly warn: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const id = (s: string): string => s;
export const PLAIN: Paint = { ok: id, bad: id, warn: id, dim: id, bold: id };

const FIELD_LABEL: Record<Issue['field'], string> = {
  nid: 'nid',
  priority: 'priority',
  objects_to_shrink: 'objects to shrink',
  unused_scan: 'unused scan count',
  delta: 'delta',
  total_scan: 'total_scan',
  end_total_scan: 'total_scan (end)',
  retval: 'last shrinker return val',
  new_scan: 'new scan count',
};

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function functionCells(r: Pick<FunctionRow, 'fn' | 'pairs' | 'exact' | 'consistent' | 'mismatched'> & { instances: number | string; seeks: string; batch: string }): string[] {
  return [r.fn, String(r.instances), String(r.pairs), String(r.exact), String(r.consistent), String(r.mismatched), r.seeks, r.batch];
}

/** Where a pair's issue sits: `file:line`. */
const lineOf = (p: PairResult, on: 'start' | 'end'): number => (on === 'start' ? p.pair.start.lineNo : p.pair.end.lineNo);

export function renderTable(report: ConformReport, paint: Paint = PLAIN): string {
  const out: string[] = [];
  const t = report.totals;
  out.push(
    paint.bold(`shrinksim conform: ${plural(report.files.length, 'file')}, ${plural(t.pairs, 'start/end pair')}`) +
      paint.dim(` (${t.otherEvents} other events and ${t.nonEventLines} non-event lines skipped)`),
    '',
  );
  const header = ['function', 'instances', 'pairs', 'exact', 'consistent', 'mismatched', 'seeks', 'batch'];
  const rows: string[][] = [header];
  const rowPaint: Array<(s: string) => string> = [paint.bold];
  let undetermined = false;
  for (const r of report.functions) {
    const insts = report.instances.filter((i) => i.fn === r.fn);
    // A value is marked when no instance using it had pairs that pinned it down.
    const batchCell = r.batch
      .map((v) => (insts.every((i) => i.batch.batch !== v || !i.batch.determined) ? `${v}?` : `${v}`))
      .join(',');
    const seeksCell = r.seeks.join(',');
    if (batchCell.includes('?')) undetermined = true;
    rows.push(functionCells({ ...r, seeks: seeksCell, batch: batchCell }));
    rowPaint.push(r.mismatched > 0 ? paint.bad : (s) => s);
    if (insts.length > 1) {
      for (const i of insts) {
        rows.push(
          functionCells({
            fn: `  ${i.ptr}`,
            instances: '',
            pairs: i.pairs,
            exact: i.exact,
            consistent: i.consistent,
            mismatched: i.mismatched,
            seeks: String(i.seeks.seeks),
            batch: `${i.batch.batch}${i.batch.determined ? '' : '?'}`,
          }),
        );
        rowPaint.push(i.mismatched > 0 ? paint.bad : paint.dim);
      }
    }
  }
  rows.push(
    functionCells({
      fn: 'total',
      instances: report.instances.length,
      pairs: t.pairs,
      exact: t.exact,
      consistent: t.consistent,
      mismatched: t.mismatched,
      seeks: '',
      batch: '',
    }),
  );
  rowPaint.push(paint.bold);
  table(rows, new Set([1, 2, 3, 4, 5])).forEach((l, i) => out.push(rowPaint[i]!(l)));
  out.push(
    '',
    paint.dim('seeks and batch: inferred per shrinker instance (pointer) unless given with --seeks/--batch'),
  );
  const own = report.functions.filter((f) => SETS_NR_SCANNED.has(f.fn)).map((f) => f.fn);
  if (own.length > 0) out.push(paint.dim(`${own.join(', ')}: set nr_scanned themselves, so the end total_scan is not checked`));
  if (undetermined) out.push(paint.dim('?: the pairs fit other batch values equally well (nothing was scanned in full batches)'));

  if (report.files.length > 1) {
    out.push('');
    for (const f of report.files) {
      out.push(
        `  ${f.file}: ${plural(f.pairs, 'pair')} (${f.exact} exact, ${f.consistent} consistent, ${f.mismatched} mismatched)` +
          (f.unpairedStarts + f.unpairedEnds > 0 ? `, ${f.unpairedStarts + f.unpairedEnds} unpaired` : ''),
      );
    }
  }

  if (report.unpaired.length > 0) {
    out.push('', paint.warn(`unpaired (${report.unpaired.length}; not checked):`));
    for (const u of report.unpaired) {
      const what = u.midTrace
        ? `${u.kind === 'start-without-end' ? 'start without end' : 'end without start'} in the middle of the trace`
        : u.kind === 'start-without-end'
          ? 'start without end (trace cut?)'
          : 'end without start (trace began mid-call?)';
      out.push(`  ${u.file}:${u.line.lineNo}: ${what}`, paint.dim(`    ${u.line.text.trim()}`));
    }
  }

  const mismatches = report.results.filter((r) => r.verdict.kind === 'mismatched');
  if (mismatches.length > 0) {
    out.push('', paint.bad(paint.bold(`mismatches (${mismatches.length}):`)));
    for (const m of mismatches) {
      if (m.verdict.kind !== 'mismatched') continue;
      const inst = report.instances.find((i) => i.fn === m.pair.fn && i.ptr === m.pair.ptr);
      out.push(
        `  ${m.pair.fn} ${m.pair.ptr} (pid ${m.pair.start.rec.pid}; seeks ${inst?.seeks.seeks}, batch ${inst?.batch.batch}):`,
      );
      for (const on of ['start', 'end'] as const) {
        const here = m.verdict.issues.filter((i) => i.on === on);
        if (here.length === 0) continue;
        const line = on === 'start' ? m.pair.start : m.pair.end;
        out.push(`  ${m.pair.file}:${lineOf(m, on)}: ${line.text.trim()}`);
        for (const i of here) {
          out.push(`    ${paint.bad(`${FIELD_LABEL[i.field]}: expected ${i.expected}, got ${i.got}`)} ${paint.dim(`(${i.why})`)}`);
        }
      }
    }
  }

  if (report.findings.length > 0) {
    out.push('', paint.bad(paint.bold(`findings (${report.findings.length}):`)));
    for (const f of report.findings) out.push(`  ${f.file}${f.line !== undefined ? `:${f.line}` : ''}: ${f.message}`);
  }

  out.push('');
  const problems = [
    ...(t.mismatched > 0 ? [`${t.mismatched} of ${plural(t.pairs, 'pair')} mismatched`] : []),
    ...(report.findings.length > 0 ? [plural(report.findings.length, 'finding')] : []),
  ];
  out.push(
    problems.length === 0
      ? paint.ok(`OK: all ${plural(t.pairs, 'pair')} reproduced (${t.exact} exact, ${t.consistent} consistent)`)
      : paint.bad(`FAIL: ${problems.join(', ')}`),
  );
  return out.join('\n') + '\n';
}

/** The `--json` object. 64-bit values are decimal strings; counts are numbers. */
export function toJson(report: ConformReport, version: string): unknown {
  const pairRef = (r: PairResult) => ({
    file: r.pair.file,
    function: r.pair.fn,
    symbol: r.pair.start.event.shr.symbol,
    ptr: r.pair.ptr,
    pid: r.pair.start.rec.pid,
    comm: r.pair.start.rec.comm,
    startLine: r.pair.start.lineNo,
    endLine: r.pair.end.lineNo,
  });
  return {
    tool: 'shrinksim conform',
    version,
    totals: { ...report.totals, files: report.files.length },
    files: report.files,
    shrinkers: report.functions.map((f) => ({
      function: f.fn,
      instances: f.instances,
      pairs: f.pairs,
      exact: f.exact,
      consistent: f.consistent,
      mismatched: f.mismatched,
      seeks: f.seeks,
      batch: f.batch,
    })),
    instances: report.instances.map((i) => ({
      function: i.fn,
      ptr: i.ptr,
      symbol: i.symbol,
      pairs: i.pairs,
      exact: i.exact,
      consistent: i.consistent,
      mismatched: i.mismatched,
      seeks: {
        value: i.seeks.seeks,
        source: i.seeks.source,
        explains: i.seeks.explains,
        of: i.seeks.of,
        ...(i.seeks.allFit
          ? { fitting: { zero: i.seeks.allFit.zero, min: i.seeks.allFit.lo, max: i.seeks.allFit.hi } }
          : {}),
      },
      batch: {
        value: i.batch.batch,
        source: i.batch.source,
        determined: i.batch.determined,
        honest: i.batch.honest,
        reachable: i.batch.reachable,
        of: i.batch.of,
      },
      setsNrScanned: SETS_NR_SCANNED.has(i.fn),
    })),
    mismatches: report.results.flatMap((r) =>
      r.verdict.kind === 'mismatched'
        ? [
            {
              ...pairRef(r),
              start: r.pair.start.text,
              end: r.pair.end.text,
              issues: r.verdict.issues.map((i) => ({ ...i, line: lineOf(r, i.on) })),
            },
          ]
        : [],
    ),
    consistent: report.results.flatMap((r) =>
      r.verdict.kind === 'consistent'
        ? [{ ...pairRef(r), extra: String(r.verdict.extra), maxAdded: String(r.verdict.maxAdded), concurrentCalls: r.concurrency.calls }]
        : [],
    ),
    findings: report.findings,
    unpaired: report.unpaired.map((u) => ({
      file: u.file,
      line: u.line.lineNo,
      kind: u.kind,
      midTrace: u.midTrace,
      pid: u.line.rec.pid,
      symbol: u.line.event.shr.symbol,
      ptr: u.line.event.shr.ptr,
    })),
  };
}
