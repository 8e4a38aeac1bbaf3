/**
 * `shrinksim replay TRACE… [--scenario FILE] [--kernel 6.1|6.12] [--reclaim-from-trace]
 * [--compare]`: a capture's Binder traffic through the model on a scenario's machine.
 * Without --compare it prints, after what was replayed, the run's summary (the what-if);
 * with --compare the match with the capture. Exit 0; with --compare, 1 when a replay
 * diverged from its capture; 2 on bad input.
 */
import type { ReplayArgs } from '../parse.js';
import { renderSummary, shouldColor } from '../../report/summary.js';
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
    // A what-if: what the machine did with the traffic (reclaim passes, skips, Binder pages).
    if (!args.compare) write(renderSummary(r.run, { color: shouldColor(process.stdout.isTTY === true, process.env) }));
    diverged ||= r.diverged;
  }
  return args.compare && diverged ? 1 : 0;
}
