/**
 * `shrinksim report RESULT.json -o report.html`: the HTML report of a `run --json` result, or
 * the comparison page of a `sweep --json` result (recognised by its `kind`).
 * `run --html FILE` renders the same page straight from the run (through the same JSON
 * document, so both give the same bytes).
 */
import { readFileSync } from 'node:fs';
import type { ReportArgs } from '../parse.js';
import { renderHtml } from '../../report/html.js';
import { loadReportAssets } from '../../report/html/assets.js';
import { asResultDoc } from '../../report/html/doc.js';
import { renderJson } from '../../report/json.js';
import type { RunResult } from '../../report/result.js';
import { renderSweepHtml } from '../../report/sweepHtml.js';
import { asSweepDoc, isSweepJson } from '../../report/html/sweepDoc.js';
import { writeFileAtomic } from '../../report/writeFile.js';
import { metricsFilter } from './sweep.js';
import { UserError } from '../../util/errors.js';

export function reportHtmlOfResult(result: RunResult): string {
  return renderHtml(asResultDoc(JSON.parse(renderJson(result)), '(run)'), loadReportAssets());
}

export function reportCommand(args: ReportArgs): number {
  let text: string;
  try {
    text = readFileSync(args.result, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${args.result}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? 'error'})`}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${args.result}: not JSON (${(e as Error).message})`);
  }
  if (isSweepJson(parsed)) {
    // A `sweep --json` result: the comparison page.
    const only = metricsFilter(args.metrics);
    writeFileAtomic(args.out, renderSweepHtml(asSweepDoc(parsed, args.result), loadReportAssets(), only ? { only } : {}));
    return 0;
  }
  if (args.metrics !== undefined) throw new UserError(`--metrics: applies to a sweep result; ${args.result} is a run result`);
  writeFileAtomic(args.out, renderHtml(asResultDoc(parsed, args.result), loadReportAssets()));
  return 0;
}
