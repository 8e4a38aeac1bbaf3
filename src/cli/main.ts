/**
 * The CLI entry: parse, then import only the command that runs (lazy imports keep
 * `shrinksim --help` fast). User errors become one line on stderr and exit 2.
 */
import { isUserError } from '../util/errors.js';
import { parseCli, type CliCommand } from './parse.js';

async function dispatch(cmd: CliCommand): Promise<number> {
  switch (cmd.command) {
    case 'conform':
      return (await import('./commands/conform.js')).conformCommand(cmd);
    case 'run':
      return (await import('./commands/run.js')).runCommand(cmd);
    case 'check':
      return (await import('./commands/check.js')).checkCommand(cmd);
    case 'schema':
      return (await import('./commands/schema.js')).schemaCommand(cmd);
    case 'report':
      return (await import('./commands/report.js')).reportCommand(cmd);
    case 'replay':
      return (await import('./commands/replay.js')).replayCommand(cmd);
    case 'sweep':
      return (await import('./commands/sweep.js')).sweepCommand(cmd);
    case 'merge':
      return (await import('./commands/merge.js')).mergeCommand(cmd);
    case 'diff':
      return (await import('./commands/diff.js')).diffCommand(cmd);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCli(argv);
  if (parsed.ok === 'info') {
    process.stdout.write(parsed.output);
    return 0;
  }
  if (parsed.ok === false) {
    process.stderr.write(`${parsed.message}\n`);
    return parsed.exitCode;
  }
  try {
    return await dispatch(parsed.cmd);
  } catch (e) {
    if (isUserError(e)) {
      process.stderr.write(`${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
