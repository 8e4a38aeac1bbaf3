/**
 * `parseCli(argv)`: a pure function from arguments to a command description. It never
 * exits, prints or touches files; `main.ts` does that. Built on commander with its exits and
 * output captured.
 */
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_RUN_LIMITS, RUN_LIMIT_KNOBS, type RunLimitName, type RunLimits } from '../util/limits.js';
import { HELP_AFTER } from './help.js';
import { VERSION } from '../version.js';

export interface ConformArgs {
  readonly command: 'conform';
  readonly traces: readonly string[];
  readonly json: boolean;
  /** `--seeks fn=N`: fixed seeks for every instance of a scan function. */
  readonly seeks: ReadonlyMap<string, number>;
  readonly batch: ReadonlyMap<string, number>;
}

export interface RunArgs {
  readonly command: 'run';
  /** Undefined: the bundled default scenario. */
  readonly scenario: string | undefined;
  readonly seed: number | undefined;
  readonly json: string | undefined;
  readonly csv: string | undefined;
  readonly trace: string | undefined;
  /** `--html FILE`: the self-contained HTML report. */
  readonly html?: string | undefined;
  /** `--vmstat`: the summary adds the /proc/vmstat counters. */
  readonly vmstat?: boolean;
  /** `--csv-long FILE`: the time series as time_s,metric,label,value rows. */
  readonly csvLong?: string | undefined;
  /** `--sparklines` / `--no-sparklines`; undefined: only on a TTY. */
  readonly sparklines?: boolean | undefined;
  /** `--timeline FILE`: the Trace Event Format timeline (Perfetto, chrome://tracing). */
  readonly timeline?: string | undefined;
  /** `--timeline-binder`: the timeline adds one instant per Binder transaction. */
  readonly timelineBinder?: boolean;
  readonly printResolved: boolean;
  readonly progress: boolean;
  readonly quiet: boolean;
  /** `--max-events/--max-samples/--max-trace-lines`: override the scenario's `limits:`. */
  readonly limits: Partial<RunLimits>;
}

export interface CheckArgs {
  readonly command: 'check';
  readonly scenario: string;
  readonly baseline: string;
  readonly tolerance: string | undefined;
  readonly update: boolean;
  readonly seed: number | undefined;
  readonly limits: Partial<RunLimits>;
  /** `--no-progress`: never show a progress bar (CI logs). */
  readonly progress: boolean;
  /** `--json FILE`: the comparison as one JSON object (- for stdout). */
  readonly json?: string | undefined;
  /** `--junit FILE`: the comparison as JUnit XML (- for stdout). */
  readonly junit?: string | undefined;
}

export interface ReportArgs {
  readonly command: 'report';
  /** A `run --json` result file (or a `sweep --json` result). */
  readonly result: string;
  readonly out: string;
  /** `--metrics REGEX` (sweep results only): chart only the matching metrics. */
  readonly metrics?: string | undefined;
}

export interface SchemaArgs {
  readonly command: 'schema';
}

export interface ReplayArgs {
  readonly command: 'replay';
  readonly traces: readonly string[];
  readonly scenario: string | undefined;
  readonly kernel: '6.1' | '6.12' | undefined;
  readonly compare: boolean;
  readonly reclaimFromTrace: boolean;
}

export interface SweepArgs {
  readonly command: 'sweep';
  readonly scenario: string;
  /** `--set PATH=V1,V2,…` texts, in order (parsed by the command). */
  readonly sets: readonly string[];
  readonly seeds: string | undefined;
  readonly reference: string | undefined;
  readonly workers: number | undefined;
  readonly json: string | undefined;
  readonly csv: string | undefined;
  readonly shard: string | undefined;
  readonly out: string | undefined;
  /** `--metrics REGEX`: the summary table shows only the metrics whose name matches. */
  readonly metrics: string | undefined;
  /** `--html FILE`: the comparison page (as `shrinksim report SWEEP.json` writes it). */
  readonly html?: string | undefined;
  /** Validate and list the points, run nothing. */
  readonly dryRun: boolean;
  readonly progress: boolean;
  readonly quiet: boolean;
}

export interface MergeArgs {
  readonly command: 'merge';
  readonly inputs: readonly string[];
  readonly json: string | undefined;
  readonly csv: string | undefined;
  readonly metrics: string | undefined;
  /** `--html FILE`: the comparison page. */
  readonly html?: string | undefined;
  readonly quiet: boolean;
}

export interface DiffArgs {
  readonly command: 'diff';
  readonly a: string;
  readonly b: string;
  readonly tolerance: string | undefined;
}

export type CliCommand = ConformArgs | RunArgs | CheckArgs | SchemaArgs | SweepArgs | MergeArgs | DiffArgs | ReportArgs | ReplayArgs;

export type ParseResult =
  | { readonly ok: true; readonly cmd: CliCommand }
  /** Help or version asked for: print `output` to stdout and exit 0. */
  | { readonly ok: 'info'; readonly output: string }
  | { readonly ok: false; readonly message: string; readonly exitCode: number };

class ParseFailure extends Error {}

function keyValue(flag: string) {
  return (value: string, prev: Map<string, number> | undefined): Map<string, number> => {
    const m = new Map(prev ?? []);
    const match = /^([^=\s]+)=(\d+)$/.exec(value);
    if (!match) throw new ParseFailure(`${flag}: expected FUNCTION=N (e.g. super_cache_scan=2), got "${value}"`);
    m.set(match[1]!, Number(match[2]));
    return m;
  };
}

function seedOf(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new ParseFailure(`--seed: expected an integer from 0 to ${Number.MAX_SAFE_INTEGER} (2^53-1), got "${value}"`);
  }
  return Number(value);
}

const collect = (value: string, prev: string[] | undefined): string[] => [...(prev ?? []), value];

function workersOf(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1024) throw new ParseFailure(`--workers: expected a whole number from 1 to 1024, got "${value}"`);
  return Number(value);
}

/** `sweep`, `merge` and `diff` (src/cli/commands/{sweep,merge,diff}.ts). */
function addSweepCommands(program: Command, set: (cmd: CliCommand) => void): void {
  program
    .command('sweep')
    .description('run a scenario over parameter values × seeds on a worker pool; a tidy table and a summary per point')
    .argument('<scenario>', 'scenario file (may have a sweep: section)')
    .option('--set <PATH=V1,V2>', 'sweep a scenario field over values (repeatable; product of all)', collect)
    .option('--seeds <list>', 'seeds: 1..20, 1,2,7 (default: the scenario seed)')
    .option('--reference <point>', 'the point changes are measured against: an index or PATH=V (default 0)')
    .option('--workers <n>', 'worker threads (default: the available cores)', workersOf)
    .option('--json <file>', 'write rows and summary as JSON')
    .option('--csv <file>', 'write one row per point × seed as CSV')
    .option('--shard <I/N>', 'run only shard I of N (runs with (point*seeds+seedIndex) % N == I); needs --out')
    .option('--out <dir>', 'write the shard file shard-I-of-N.json into this directory')
    .option('--metrics <regex>', 'the summary table shows only metrics whose name matches')
    .option('--html <file>', 'write the comparison page (as shrinksim report SWEEP.json writes it)')
    .option('--dry-run', 'validate every point and list them with their run indices; run nothing', false)
    .option('--no-progress', 'never show a progress bar')
    .option('-q, --quiet', 'no summary on stdout', false)
    .action((scenario: string, o: { set?: string[]; seeds?: string; reference?: string; workers?: number; json?: string; csv?: string; shard?: string; out?: string; metrics?: string; html?: string; dryRun: boolean; progress: boolean; quiet: boolean }) => {
      set({
        command: 'sweep',
        scenario,
        sets: o.set ?? [],
        seeds: o.seeds,
        reference: o.reference,
        workers: o.workers,
        json: o.json,
        csv: o.csv,
        shard: o.shard,
        out: o.out,
        metrics: o.metrics,
        ...(o.html === undefined ? {} : { html: o.html }),
        dryRun: o.dryRun,
        progress: o.progress,
        quiet: o.quiet,
      });
    });

  program
    .command('merge')
    .description('join the shard files of a sweep into the result the unsharded sweep gives')
    .argument('<dir-or-file...>', 'directories holding shard-*.json, or shard files')
    .option('--json <file>', 'write rows and summary as JSON')
    .option('--csv <file>', 'write one row per point × seed as CSV')
    .option('--metrics <regex>', 'the summary table shows only metrics whose name matches')
    .option('--html <file>', 'write the comparison page (as shrinksim report SWEEP.json writes it)')
    .option('-q, --quiet', 'no summary on stdout', false)
    .action((inputs: string[], o: { json?: string; csv?: string; metrics?: string; html?: string; quiet: boolean }) => {
      set({ command: 'merge', inputs, json: o.json, csv: o.csv, metrics: o.metrics, ...(o.html === undefined ? {} : { html: o.html }), quiet: o.quiet });
    });

  program
    .command('diff')
    .description('the metrics that moved between two run results (or sweep points FILE#N); exit 1 if any moved')
    .argument('<a>', 'run --json file, or sweep --json file#POINT')
    .argument('<b>', 'the same kinds')
    .option('--tolerance <t>', 'allowed relative change, e.g. 5% or 0.05 (default 0: exact)')
    .action((a: string, b: string, o: { tolerance?: string }) => {
      set({ command: 'diff', a, b, tolerance: o.tolerance });
    });
}

function positiveOf(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < 1) {
      throw new ParseFailure(`${flag}: expected a positive integer, got "${value}"`);
    }
    return Number(value);
  };
}

interface LimitOpts {
  maxEvents?: number;
  maxSamples?: number;
  maxTraceLines?: number;
}

/** A run-limit flag of `run` and `check` (`--max-events N`, …), named as RUN_LIMIT_KNOBS names it. */
function limitFlag(limit: RunLimitName): Option {
  const { flag, field } = RUN_LIMIT_KNOBS[limit];
  return new Option(`${flag} <n>`, `most ${limit === 'traceLines' ? 'trace lines' : limit} the run may take (default ${DEFAULT_RUN_LIMITS[limit]}; scenario: ${field})`).argParser(positiveOf(flag));
}

function limitsOf(o: LimitOpts): Partial<RunLimits> {
  return {
    ...(o.maxEvents !== undefined ? { events: o.maxEvents } : {}),
    ...(o.maxSamples !== undefined ? { samples: o.maxSamples } : {}),
    ...(o.maxTraceLines !== undefined ? { traceLines: o.maxTraceLines } : {}),
  };
}

export function parseCli(argv: readonly string[]): ParseResult {
  let out = '';
  let result: CliCommand | undefined;
  const program = new Command('shrinksim')
    .description('Simulate Linux memory reclaim as Android Binder meets it')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) })
    .showHelpAfterError(false);

  program
    .command('conform')
    .description('check mm_shrink_slab_start/end pairs of ftrace text against the model')
    .addHelpText('after', HELP_AFTER.conform)
    .argument('<trace...>', 'ftrace text files (plain or .gz)')
    .option('--json', 'print one JSON object instead of the table', false)
    .addOption(new Option('--seeks <fn=N>', 'seeks of every instance of a scan function (repeatable)').argParser(keyValue('--seeks')))
    .addOption(new Option('--batch <fn=N>', 'batch of every instance of a scan function (repeatable)').argParser(keyValue('--batch')))
    .action((traces: string[], o: { json: boolean; seeks?: Map<string, number>; batch?: Map<string, number> }) => {
      result = { command: 'conform', traces, json: o.json, seeks: o.seeks ?? new Map(), batch: o.batch ?? new Map() };
    });

  program
    .command('run')
    .description('run a scenario (default: the bundled default scenario)')
    .addHelpText('after', HELP_AFTER.run)
    .argument('[scenario]', 'scenario file (YAML or JSON)')
    .option('--seed <n>', 'override the scenario seed', seedOf)
    .option('--json <file>', 'write the versioned JSON result (- for stdout)')
    .option('--csv <file>', 'write the time series as CSV (- for stdout)')
    .option('--trace <file>', 'write ftrace text of every shrinker and Binder tracepoint (- for stdout)')
    .option('--html <file>', 'write the self-contained HTML report (charts, page maps, tables)')
    .option('--vmstat', 'add the /proc/vmstat counters (pgscan_kswapd, slabs_scanned, ...) to the summary', false)
    .option('--csv-long <file>', 'write the time series in long form: time_s,metric,label,value (- for stdout)')
    .option('--sparklines', 'sparklines of free memory and Binder LRU pages in the summary (default: on a TTY)')
    .option('--no-sparklines', 'never draw sparklines')
    .option('--timeline <file>', 'write the reclaim timeline as Trace Event Format JSON (open in ui.perfetto.dev or chrome://tracing)')
    .option('--timeline-binder', 'the timeline also marks every Binder transaction (can be many)', false)
    .option('--print-resolved', 'print the fully resolved scenario and exit', false)
    .option('--no-progress', 'never show a progress bar')
    .option('-q, --quiet', 'no summary on stdout', false)
    .addOption(limitFlag('events'))
    .addOption(limitFlag('samples'))
    .addOption(limitFlag('traceLines'))
    .action((scenario: string | undefined, o: LimitOpts & { seed?: number; json?: string; csv?: string; trace?: string; html?: string; vmstat: boolean; csvLong?: string; sparklines?: boolean; timeline?: string; timelineBinder: boolean; printResolved: boolean; progress: boolean; quiet: boolean }) => {
      result = {
        command: 'run',
        scenario,
        seed: o.seed,
        json: o.json,
        csv: o.csv,
        trace: o.trace,
        ...(o.html !== undefined ? { html: o.html } : {}),
        ...(o.vmstat ? { vmstat: true } : {}),
        ...(o.csvLong !== undefined ? { csvLong: o.csvLong } : {}),
        ...(o.sparklines !== undefined ? { sparklines: o.sparklines } : {}),
        ...(o.timeline !== undefined ? { timeline: o.timeline } : {}),
        ...(o.timelineBinder ? { timelineBinder: true } : {}),
        printResolved: o.printResolved,
        progress: o.progress,
        quiet: o.quiet,
        limits: limitsOf(o),
      };
    });

  program
    .command('check')
    .description('run a scenario and compare its reclaim counts with a baseline')
    .addHelpText('after', HELP_AFTER.check)
    .argument('<scenario>', 'scenario file')
    .requiredOption('--baseline <file>', 'baseline JSON (written by --update; - for stdin/stdout)')
    .option('--tolerance <t>', 'allowed relative change, e.g. 5% or 0.05 (default 0: exact)')
    .option('--update', 'rewrite the baseline from this run', false)
    .option('--seed <n>', 'override the scenario seed', seedOf)
    .option('--json <file>', 'write the comparison as JSON for CI (- for stdout)')
    .option('--junit <file>', 'write the comparison as JUnit XML for CI (- for stdout)')
    .option('--no-progress', 'never show a progress bar')
    .addOption(limitFlag('events'))
    .addOption(limitFlag('samples'))
    .addOption(limitFlag('traceLines'))
    .action((scenario: string, o: LimitOpts & { baseline: string; tolerance?: string; update: boolean; seed?: number; json?: string; junit?: string; progress: boolean }) => {
      result = {
        command: 'check',
        scenario,
        baseline: o.baseline,
        tolerance: o.tolerance,
        update: o.update,
        seed: o.seed,
        limits: limitsOf(o),
        progress: o.progress,
        ...(o.json === undefined ? {} : { json: o.json }),
        ...(o.junit === undefined ? {} : { junit: o.junit }),
      };
    });

  program
    .command('report')
    .description('render a run --json result as one self-contained HTML file (opens offline)')
    .addHelpText('after', HELP_AFTER.report)
    .argument('<result>', 'result JSON written by `shrinksim run --json` (or `sweep --json`: the comparison page)')
    .requiredOption('-o, --out <file>', 'HTML file to write')
    .option('--metrics <regex>', 'sweep results: chart only the metrics whose name matches')
    .action((file: string, o: { out: string; metrics?: string }) => {
      result = { command: 'report', result: file, out: o.out, ...(o.metrics === undefined ? {} : { metrics: o.metrics }) };
    });

  program
    .command('replay')
    .description("replay a captured trace's Binder traffic through the model (what-if with --scenario)")
    .argument('<trace...>', 'ftrace text files with binder events (plain or .gz; trace file or trace-cmd report)')
    .option('--scenario <file>', 'the machine to replay on (memory, shrinkers, pressure, kernel, driver, seeks)')
    .addOption(new Option('--kernel <version>', 'kernel profile (default: the scenario\'s, else 6.12)').choices(['6.1', '6.12']))
    .option('--compare', 'compare page events with the trace; exit 1 when they diverge', false)
    .option('--reclaim-from-trace', "drive the Binder shrinker as the trace's binder_shrink_scan pairs record", false)
    .action((traces: string[], o: { scenario?: string; kernel?: '6.1' | '6.12'; compare: boolean; reclaimFromTrace: boolean }) => {
      result = { command: 'replay', traces, scenario: o.scenario, kernel: o.kernel, compare: o.compare, reclaimFromTrace: o.reclaimFromTrace };
    });

  program
    .command('schema')
    .description('print the JSON Schema of scenario files')
    .addHelpText('after', HELP_AFTER.schema)
    .action(() => {
      result = { command: 'schema' };
    });

  addSweepCommands(program, (cmd) => (result = cmd));

  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, message: `shrinksim: ${e.message}`, exitCode: 2 };
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
        return { ok: 'info', output: out };
      }
      const cause = (e as { cause?: unknown }).cause;
      const msg = cause instanceof ParseFailure ? cause.message : e.message.replace(/^error: /, '');
      return { ok: false, message: `shrinksim: ${msg.trim()}`, exitCode: 2 };
    }
    throw e;
  }
  if (!result) return { ok: 'info', output: program.helpInformation() };
  return { ok: true, cmd: result };
}
