/**
 * `shrinksim run [scenario]`: load, resolve, run, print the summary, write the files.
 *
 * Without a file it runs the bundled scenarios/default.yaml, found relative to the package
 * (not the cwd), so `npx shrinksim run` works from anywhere. Every output is rendered before
 * any is written, and each is written atomically.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunArgs } from '../parse.js';
import { renderCsv } from '../../report/csv.js';
import { renderCsvLong } from '../../report/csvLong.js';
import { renderJson, toJsonValue } from '../../report/json.js';
import type { RunResult } from '../../report/result.js';
import { renderSummary, shouldColor } from '../../report/summary.js';
import { renderTimeline } from '../../report/timeline.js';
import { writeOutputs, type OutputFile } from '../../report/writeFile.js';
import { scenarioHash } from '../../scenario/hash.js';
import { checkRunLimits } from '../../scenario/limits.js';
import { loadScenarioFile } from '../../scenario/load.js';
import type { ResolvedScenario } from '../../scenario/types.js';
import { runScenario } from '../../sim/run.js';
import { UserError } from '../../util/errors.js';
import { resolveLimits, type RunLimits } from '../../util/limits.js';
import { packageRoot } from '../../util/packageRoot.js';
import { VERSION } from '../../version.js';

/** The bundled default scenario's path. */
export const defaultScenario = (): string => join(packageRoot(), 'scenarios', 'default.yaml');

/** The scenario file to load and the label outputs name it by. */
export function scenarioSource(arg: string | undefined): { file: string; label: string } {
  if (arg !== undefined) return { file: arg, label: arg };
  const file = defaultScenario();
  if (!existsSync(file)) throw new UserError(`${file}: the bundled default scenario is missing`);
  return { file, label: 'scenarios/default.yaml' };
}

/** Loads a scenario and applies `--seed` and the `--max-*` flags. */
export function loadForRun(
  arg: string | undefined,
  seed: number | undefined,
  limits: Partial<RunLimits> = {},
): { resolved: ResolvedScenario; label: string } {
  const { file, label } = scenarioSource(arg);
  const loaded = loadScenarioFile(file);
  const withLimits = { ...loaded, limits: resolveLimits(loaded.limits, limits) };
  return { resolved: seed === undefined ? withLimits : { ...withLimits, seed }, label };
}

/**
 * Runs with a progress bar on stderr when it is a TTY and the run has taken more than a
 * second of wall time (short runs never flash a bar).
 */
export async function runWithProgress(
  resolved: ResolvedScenario,
  opts: { label: string; collectTrace: boolean; progress: boolean; timeline?: boolean | 'binder' },
): Promise<RunResult> {
  const tty = opts.progress && process.stderr.isTTY === true;
  let bar: { update(v: number): void; stop(): void } | undefined;
  let cliProgress: typeof import('cli-progress') | undefined;
  if (tty) cliProgress = await import('cli-progress');
  const t0 = Date.now();
  const onProgress = tty
    ? (fraction: number) => {
        if (!bar) {
          if (Date.now() - t0 < 1000 || !cliProgress) return;
          const b = new cliProgress.SingleBar(
            { format: 'simulating [{bar}] {percentage}% | {eta_formatted} left', stream: process.stderr, hideCursor: true, clearOnComplete: true },
            cliProgress.Presets.shades_classic,
          );
          b.start(1000, 0);
          bar = b;
        }
        bar.update(Math.round(fraction * 1000));
      }
    : undefined;
  // A scenario that must cross a limit is refused before it starts.
  checkRunLimits(resolved, resolved.limits, opts.label);
  try {
    return runScenario(resolved, {
      seed: resolved.seed,
      collectTrace: opts.collectTrace,
      file: opts.label,
      limits: resolved.limits,
      ...(onProgress ? { onProgress } : {}),
      ...(opts.timeline ? { timeline: opts.timeline } : {}),
    });
  } finally {
    bar?.stop();
  }
}

/**
 * The scenario's hash goes into every output: in the trace as a `#` comment right after the
 * `# tracer:` line (ftrace readers and `conform` skip comment lines).
 */
export function stampTrace(text: string, r: Pick<RunResult, 'scenario' | 'seed' | 'kernel'>): string {
  const stamp = `# shrinksim ${VERSION} scenario ${r.scenario.name} ${r.scenario.hash} seed ${r.seed} kernel ${r.kernel}\n`;
  const nl = text.startsWith('# tracer:') ? text.indexOf('\n') + 1 : 0;
  return nl > 0 ? text.slice(0, nl) + stamp + text.slice(nl) : stamp + text;
}

/** The HTML report of a result, rendered from its JSON document (as `shrinksim report` does). */
async function htmlOf(result: RunResult): Promise<string> {
  const { reportHtmlOfResult } = await import('./report.js');
  return reportHtmlOfResult(result);
}

export async function runCommand(args: RunArgs): Promise<number> {
  const { resolved, label } = loadForRun(args.scenario, args.seed, args.limits);
  if (args.printResolved) {
    const doc = { hash: scenarioHash(resolved), ...(toJsonValue(resolved) as Record<string, unknown>) };
    process.stdout.write(`${JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
    return 0;
  }
  const timeline = args.timeline === undefined ? undefined : args.timelineBinder ? ('binder' as const) : true;
  const result = await runWithProgress(resolved, { label, collectTrace: args.trace !== undefined, progress: args.progress, ...(timeline ? { timeline } : {}) });

  // Render everything first, then write the set (all temporaries, then all renames): a
  // failure must not leave some files written and not others.
  const files: OutputFile[] = [];
  if (args.json !== undefined) files.push({ file: args.json, text: renderJson(result), flag: '--json' });
  if (args.csv !== undefined) files.push({ file: args.csv, text: renderCsv(result), flag: '--csv' });
  if (args.trace !== undefined) files.push({ file: args.trace, text: stampTrace(result.traceText ?? '', result), flag: '--trace' });
  if (args.html !== undefined) files.push({ file: args.html, text: await htmlOf(result), flag: '--html' });
  if (args.csvLong !== undefined) files.push({ file: args.csvLong, text: renderCsvLong(result), flag: '--csv-long' });
  if (args.timeline !== undefined) files.push({ file: args.timeline, text: renderTimeline(result), flag: '--timeline' });
  writeOutputs(files);

  // An output on standard output (`-`) is the output: no summary mixed into it.
  const toStdout = files.some((f) => f.file === '-');
  if (!args.quiet && !toStdout) {
    const color = shouldColor(process.stdout.isTTY === true, process.env);
    const sparklines = args.sparklines ?? (process.stdout.isTTY === true && process.env.TERM !== 'dumb');
    process.stdout.write(renderSummary(result, { color, ...(args.vmstat ? { vmstat: true } : {}), ...(sparklines ? { sparklines: true } : {}) }));
  }
  return 0;
}
