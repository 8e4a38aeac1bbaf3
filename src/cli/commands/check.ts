/**
 * `shrinksim check <scenario> --baseline <file> [--tolerance t] [--update] [--seed n]`:
 * run and compare the reclaim counts with a baseline. Exit 0 within tolerance, 1 when
 * something moved (with a table of what), 2 on bad input (UserError).
 */
import { readFileSync } from 'node:fs';
import type { CheckArgs } from '../parse.js';
import { baselineOf, compareWithBaseline, parseBaseline, parseTolerance, renderBaseline, renderComparison } from '../../report/baseline.js';
import { writeFileAtomic } from '../../report/writeFile.js';
import { UserError } from '../../util/errors.js';
import { loadForRun, runWithProgress } from './run.js';

export async function checkCommand(args: CheckArgs): Promise<number> {
  const tolerance = parseTolerance(args.tolerance);
  const { resolved, label } = loadForRun(args.scenario, args.seed, args.limits);

  let baselineText: string | undefined;
  if (!args.update) {
    try {
      // `-`: the baseline comes on standard input.
      baselineText = readFileSync(args.baseline === '-' ? '/dev/stdin' : args.baseline, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(`${args.baseline}: ${code === 'ENOENT' ? 'no such file (write it with --update)' : `cannot read (${code ?? 'error'})`}`);
    }
  }
  const baseline = baselineText === undefined ? undefined : parseBaseline(baselineText, args.baseline);

  const result = await runWithProgress(resolved, { label, collectTrace: false, progress: true });
  if (baseline === undefined) {
    const b = baselineOf(result);
    writeFileAtomic(args.baseline, renderBaseline(b));
    // With `--baseline -` the baseline is standard output; the note goes to stderr.
    const note = args.baseline === '-' ? process.stderr : process.stdout;
    note.write(`baseline written: ${args.baseline} (${b.metrics.size} counts, seed ${b.seed})\n`);
    return 0;
  }
  const cmp = compareWithBaseline(baseline, result, tolerance);
  const text = renderComparison(cmp, tolerance);
  if (cmp.moved.length === 0) {
    process.stdout.write(`${label}: ${text}`);
    return 0;
  }
  process.stdout.write(`${label}: ${text}`);
  return 1;
}
