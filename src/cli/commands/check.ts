/**
 * `shrinksim check <scenario> --baseline <file> [--tolerance t] [--update] [--seed n]
 * [--json file] [--junit file] [--no-progress]`: run and compare the reclaim counts with a
 * baseline. Exit 0 within tolerance, 1 when something moved (with a table of what), 2 on bad
 * input (UserError). `--json`/`--junit` write the comparison for CI systems (checkReport.ts).
 */
import { readFileSync } from 'node:fs';
import type { CheckArgs } from '../parse.js';
import { baselineOf, compareWithBaseline, parseBaseline, parseTolerance, renderBaseline, renderComparison } from '../../report/baseline.js';
import { renderCheckJson, renderCheckJunit, type CheckOutcome } from '../../report/checkReport.js';
import { writeOutputs, type OutputFile } from '../../report/writeFile.js';
import { UserError } from '../../util/errors.js';
import { loadForRun, runWithProgress } from './run.js';

export async function checkCommand(args: CheckArgs): Promise<number> {
  const tolerance = parseTolerance(args.tolerance);
  const { resolved, label } = loadForRun(args.scenario, args.seed, args.limits);
  // Refused before the run: two outputs cannot share standard output.
  const stdoutFlags = [
    ...(args.update && args.baseline === '-' ? ['--baseline'] : []),
    ...(args.json === '-' ? ['--json'] : []),
    ...(args.junit === '-' ? ['--junit'] : []),
  ];
  if (stdoutFlags.length > 1) throw new UserError(`${stdoutFlags.join(' and ')}: only one output can go to standard output (-)`);

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

  const result = await runWithProgress(resolved, { label, collectTrace: false, progress: args.progress });
  const outcome: CheckOutcome =
    baseline === undefined
      ? { verdict: 'written', baseline: baselineOf(result) }
      : (() => {
          const comparison = compareWithBaseline(baseline, result, tolerance);
          return { verdict: comparison.moved.length === 0 ? 'ok' : 'moved', baseline, comparison } as const;
        })();

  // Every file of the check (the baseline with --update, --json, --junit) is written as a set.
  const report = { result, baselineFile: args.baseline, tolerance, outcome };
  const files: OutputFile[] = [];
  if (outcome.verdict === 'written') files.push({ file: args.baseline, text: renderBaseline(outcome.baseline), flag: '--baseline' });
  if (args.json !== undefined) files.push({ file: args.json, text: renderCheckJson(report), flag: '--json' });
  if (args.junit !== undefined) files.push({ file: args.junit, text: renderCheckJunit(report), flag: '--junit' });
  writeOutputs(files);

  // With an output on standard output (`-`), the human-readable lines go to stderr.
  const note = stdoutFlags.length > 0 ? process.stderr : process.stdout;
  if (outcome.verdict === 'written') {
    note.write(`baseline written: ${args.baseline} (${outcome.baseline.metrics.size} counts, seed ${outcome.baseline.seed})\n`);
    return 0;
  }
  note.write(`${label}: ${renderComparison(outcome.comparison, tolerance)}`);
  return outcome.verdict === 'ok' ? 0 : 1;
}
