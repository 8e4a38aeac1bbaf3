/**
 * `shrinksim replay TRACE… [--scenario FILE] [--kernel 6.1|6.12] [--reclaim-from-trace]
 * [--compare]`: a capture's Binder traffic through the model on a scenario's machine.
 * Exit 0; with --compare, 1 when a replay diverged from its capture; 2 on bad input.
 */
import type { ReplayArgs } from '../parse.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { renderReplay } from '../../replay/render.js';
import { replayFile } from '../../replay/replay.js';

export async function replayCommand(args: ReplayArgs, write: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const scenario = args.scenario === undefined ? undefined : loadScenarioFile(args.scenario);
  let diverged = false;
  for (const file of args.traces) {
    const r = await replayFile(file, {
      ...(scenario ? { scenario } : {}),
      ...(args.kernel ? { kernel: args.kernel } : {}),
      reclaimFromTrace: args.reclaimFromTrace,
    });
    write(renderReplay(r, { compare: args.compare }));
    diverged ||= r.diverged;
  }
  return args.compare && diverged ? 1 : 0;
}
