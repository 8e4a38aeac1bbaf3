/**
 * `parseCli(argv)`: a pure function from arguments to a command description. It never
 * exits, prints or touches files; `main.ts` does that. Built on commander with its exits and
 * output captured.
 */
import { Command, CommanderError, Option } from 'commander';
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
}

export interface CheckArgs {
  readonly command: 'check';
  readonly scenario: string;
  readonly baseline: string;
  readonly tolerance: string | undefined;
  readonly update: boolean;
  readonly seed: number | undefined;
}

export interface ReportArgs {
  readonly command: 'report';
  /** A `run --json` result file. */
  readonly result: string;
  readonly out: string;
}

export interface SchemaArgs {
  readonly command: 'schema';
}

export type CliCommand = ConformArgs | RunArgs | CheckArgs | SchemaArgs | ReportArgs;

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
    throw new ParseFailure(`--seed: expected a non-negative integer, got "${value}"`);
  }
  return Number(value);
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
    .option('--json <file>', 'write the versioned JSON result')
    .option('--csv <file>', 'write the time series as CSV')
    .option('--trace <file>', 'write ftrace text of every shrinker and Binder tracepoint')
    .option('--html <file>', 'write the self-contained HTML report (charts, page maps, tables)')
    .option('--vmstat', 'add the /proc/vmstat counters (pgscan_kswapd, slabs_scanned, ...) to the summary', false)
    .option('--csv-long <file>', 'write the time series in long form: time_s,metric,label,value')
    .option('--sparklines', 'sparklines of free memory and Binder LRU pages in the summary (default: on a TTY)')
    .option('--no-sparklines', 'never draw sparklines')
    .option('--timeline <file>', 'write the reclaim timeline as Trace Event Format JSON (open in ui.perfetto.dev or chrome://tracing)')
    .option('--timeline-binder', 'the timeline also marks every Binder transaction (can be many)', false)
    .option('--print-resolved', 'print the fully resolved scenario and exit', false)
    .option('--no-progress', 'never show a progress bar')
    .option('-q, --quiet', 'no summary on stdout', false)
    .action((scenario: string | undefined, o: { seed?: number; json?: string; csv?: string; trace?: string; html?: string; vmstat: boolean; csvLong?: string; sparklines?: boolean; timeline?: string; timelineBinder: boolean; printResolved: boolean; progress: boolean; quiet: boolean }) => {
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
      };
    });

  program
    .command('check')
    .description('run a scenario and compare its reclaim counts with a baseline')
    .addHelpText('after', HELP_AFTER.check)
    .argument('<scenario>', 'scenario file')
    .requiredOption('--baseline <file>', 'baseline JSON (written by --update)')
    .option('--tolerance <t>', 'allowed relative change, e.g. 5% or 0.05 (default 0: exact)')
    .option('--update', 'rewrite the baseline from this run', false)
    .option('--seed <n>', 'override the scenario seed', seedOf)
    .action((scenario: string, o: { baseline: string; tolerance?: string; update: boolean; seed?: number }) => {
      result = { command: 'check', scenario, baseline: o.baseline, tolerance: o.tolerance, update: o.update, seed: o.seed };
    });

  program
    .command('report')
    .description('render a run --json result as one self-contained HTML file (opens offline)')
    .addHelpText('after', HELP_AFTER.report)
    .argument('<result>', 'result JSON written by `shrinksim run --json`')
    .requiredOption('-o, --out <file>', 'HTML file to write')
    .action((file: string, o: { out: string }) => {
      result = { command: 'report', result: file, out: o.out };
    });

  program
    .command('schema')
    .description('print the JSON Schema of scenario files')
    .addHelpText('after', HELP_AFTER.schema)
    .action(() => {
      result = { command: 'schema' };
    });

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
