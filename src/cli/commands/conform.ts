/**
 * `shrinksim conform <trace…>`: check real mm_shrink_slab_start/end pairs against the model.
 * Exit 0 when every pair reproduced, 1 when one mismatched or there is a finding (a file
 * with nothing to check, an event missing mid-trace), 2 on bad input (UserError).
 */
import { Chalk } from 'chalk';
import type { ConformArgs } from '../parse.js';
import { VERSION } from '../../version.js';
import { analyse } from '../../trace/conform/analyse.js';
import { collectFile, type FileScan } from '../../trace/conform/collect.js';
import { renderTable, toJson, type Paint } from '../../trace/conform/render.js';
import { shouldColor } from '../../report/summary.js';

export interface ConformIo {
  readonly write: (s: string) => void;
  /** Colour the table (`shouldColor`: FORCE_COLOR, NO_COLOR, TERM=dumb, else stdout is a TTY). */
  readonly color: boolean;
}

/** Colour by the summary's rules (FORCE_COLOR, NO_COLOR, TERM=dumb, else a TTY). */
function defaultIo(): ConformIo {
  return { write: (s) => process.stdout.write(s), color: shouldColor(process.stdout.isTTY === true, process.env) };
}

function paintOf(color: boolean): Paint {
  const c = new Chalk({ level: color ? 1 : 0 });
  return { ok: c.green, bad: c.red, warn: c.yellow, dim: c.dim, bold: c.bold };
}

export async function conformCommand(args: ConformArgs, io: ConformIo = defaultIo()): Promise<number> {
  const scans: FileScan[] = [];
  for (const path of args.traces) scans.push(await collectFile(path));
  const report = analyse(scans, { seeks: args.seeks, batch: args.batch });
  if (args.json) io.write(`${JSON.stringify(toJson(report, VERSION), null, 2)}\n`);
  else io.write(renderTable(report, paintOf(io.color)));
  return report.totals.mismatched > 0 || report.findings.length > 0 ? 1 : 0;
}
