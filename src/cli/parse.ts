/**
 * `parseCli(argv)`: a pure function from arguments to a command description. It never
 * exits, prints or touches files; `main.ts` does that. Built on commander with its exits and
 * output captured.
 */
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_RUN_LIMITS, RUN_LIMIT_KNOBS, type RunLimitName, type RunLimits } from '../util/limits.js';
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
}

export interface SchemaArgs {
  readonly command: 'schema';
}

export type CliCommand = ConformArgs | RunArgs | CheckArgs | SchemaArgs;

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
    .argument('[scenario]', 'scenario file (YAML or JSON)')
    .option('--seed <n>', 'override the scenario seed', seedOf)
    .option('--json <file>', 'write the versioned JSON result (- for stdout)')
    .option('--csv <file>', 'write the time series as CSV (- for stdout)')
    .option('--trace <file>', 'write ftrace text of every shrinker and Binder tracepoint (- for stdout)')
    .option('--print-resolved', 'print the fully resolved scenario and exit', false)
    .option('--no-progress', 'never show a progress bar')
    .option('-q, --quiet', 'no summary on stdout', false)
    .addOption(limitFlag('events'))
    .addOption(limitFlag('samples'))
    .addOption(limitFlag('traceLines'))
    .action((scenario: string | undefined, o: LimitOpts & { seed?: number; json?: string; csv?: string; trace?: string; printResolved: boolean; progress: boolean; quiet: boolean }) => {
      result = {
        command: 'run',
        scenario,
        seed: o.seed,
        json: o.json,
        csv: o.csv,
        trace: o.trace,
        printResolved: o.printResolved,
        progress: o.progress,
        quiet: o.quiet,
        limits: limitsOf(o),
      };
    });

  program
    .command('check')
    .description('run a scenario and compare its reclaim counts with a baseline')
    .argument('<scenario>', 'scenario file')
    .requiredOption('--baseline <file>', 'baseline JSON (written by --update; - for stdin/stdout)')
    .option('--tolerance <t>', 'allowed relative change, e.g. 5% or 0.05 (default 0: exact)')
    .option('--update', 'rewrite the baseline from this run', false)
    .option('--seed <n>', 'override the scenario seed', seedOf)
    .addOption(limitFlag('events'))
    .addOption(limitFlag('samples'))
    .addOption(limitFlag('traceLines'))
    .action((scenario: string, o: LimitOpts & { baseline: string; tolerance?: string; update: boolean; seed?: number }) => {
      result = { command: 'check', scenario, baseline: o.baseline, tolerance: o.tolerance, update: o.update, seed: o.seed, limits: limitsOf(o) };
    });

  program
    .command('schema')
    .description('print the JSON Schema of scenario files')
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
