/**
 * `replayTrace`: a capture's Binder traffic through the model, under a scenario's machine.
 *
 * Step 1: read the Binder events (events.ts) and cut them into operations (operations.ts).
 * Step 2: infer the plan: processes, which buffer each free releases (inference.ts).
 * Step 3: build the scenario (scenario.ts) and run it with runScenario, recording the trace.
 * Step 4: compare the recorded page events with the capture's, per operation (compare.ts),
 *         and check the capture's own shrinker pairs as `conform` does.
 */
import type { KernelProfile } from '../mm/shrinker/types.js';
import type { RunResult } from '../report/result.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { runScenario } from '../sim/run.js';
import { analyse } from '../trace/conform/analyse.js';
import { collectLines } from '../trace/conform/collect.js';
import { readTraceLines } from '../trace/ftrace/parse.js';
import { C_SKIP_REASONS } from '../binder/lockOrder.js';
import { LRU_SKIP } from './contention.js';
import { compareReplay, type CompareResult } from './compare.js';
import { BINDER_SCAN_FN, readReplayLines, type ReplayInput } from './events.js';
import { buildPlan, type Plan } from './inference.js';
import { cutOperations, type CutResult } from './operations.js';
import { buildReplayScenario, defaultMachine, type ReplayScenario } from './scenario.js';

export interface ReplayOptions {
  /** The machine; default: the capture machine's shape (512 MiB, 2 CPUs). */
  readonly scenario?: ResolvedScenario;
  /** `--kernel`; else the scenario's (when one is given), else 6.12. */
  readonly kernel?: KernelProfile;
  readonly reclaimFromTrace: boolean;
}

export interface ShrinkCheck {
  /** Binder pairs of the capture, and conform's verdicts on them. */
  readonly pairs: number;
  readonly exact: number;
  readonly consistent: number;
  readonly mismatched: number;
  /** Every shrinker pair of the file (all shrinkers). */
  readonly allPairs: number;
  readonly allMismatched: number;
  /** The replay's count (debugfs) against the pair's `cache items`. */
  readonly countsChecked: number;
  readonly countsDiffer: number;
  readonly firstCountDiff?: string;
  /** Pairs whose scan loop does not end at the end's total_scan. */
  readonly scanLoopMismatch: number;
  /** Isolate calls that skipped a page: as the capture's probes print them, and in the replay. */
  readonly traceSkips: number;
  readonly replaySkips: number;
}

export interface ReplayReport {
  readonly file: string;
  readonly kernel: KernelProfile;
  readonly input: Pick<ReplayInput, 'lost' | 'otherEvents' | 'outOfOrder'> & { readonly binderEvents: number };
  readonly cut: Pick<CutResult, 'orphans' | 'byDebugId' | 'capturedBy'>;
  readonly plan: Plan;
  readonly replay: ReplayScenario;
  readonly run: RunResult;
  readonly compare: CompareResult;
  readonly shrink: ShrinkCheck;
  readonly reclaimFromTrace: boolean;
  /** The replay did not reproduce the capture (what --compare exits 1 on). */
  readonly diverged: boolean;
}

/** Replays already-read lines (the file's text); see replayFile. */
export function replayLines(file: string, lines: readonly { lineNo: number; text: string }[], opts: ReplayOptions): ReplayReport {
  const input = readReplayLines(file, lines);
  const kernel = opts.kernel ?? opts.scenario?.kernel ?? '6.12';
  const cut = cutOperations(input);
  // Frees are inferred as the capture's own kernel printed them, whatever the replay's.
  const plan = buildPlan(cut, cut.capturedBy ?? kernel);
  const base = opts.scenario ?? defaultMachine();
  const replay = buildReplayScenario(plan, base, kernel, { reclaimFromTrace: opts.reclaimFromTrace });
  const run = runScenario(replay.resolved, { collectTrace: true, file });
  const compare = compareReplay(plan.steps, replay.times, run.traceText ?? '', (s) => s.kind !== 'shrink' || opts.reclaimFromTrace);
  const shrink = checkShrinks(file, lines, plan, replay, run);
  const t = compare.totals;
  const diverged =
    t.matched < t.traceEvents ||
    t.modelEvents > t.matched ||
    t.allMatched < t.traceAll ||
    t.modelAll > t.allMatched ||
    plan.stats.unmatched > 0 ||
    shrink.mismatched > 0 ||
    (opts.reclaimFromTrace && (shrink.countsDiffer > 0 || shrink.scanLoopMismatch > 0));
  return {
    file,
    kernel,
    input: { lost: input.lost, otherEvents: input.otherEvents, outOfOrder: input.outOfOrder, binderEvents: input.events.length },
    cut: { orphans: cut.orphans, byDebugId: cut.byDebugId, capturedBy: cut.capturedBy },
    plan,
    replay,
    run,
    compare,
    shrink,
    reclaimFromTrace: opts.reclaimFromTrace,
    diverged,
  };
}

/** Reads a trace file (plain or gzip) and replays it. */
export async function replayFile(path: string, opts: ReplayOptions): Promise<ReplayReport> {
  const lines: { lineNo: number; text: string }[] = [];
  for await (const l of readTraceLines(path)) lines.push(l);
  return replayLines(path, lines, opts);
}

function checkShrinks(file: string, lines: readonly { text: string }[], plan: Plan, replay: ReplayScenario, run: RunResult): ShrinkCheck {
  const report = analyse([collectLines(file, lines.map((l) => l.text))]);
  const binder = report.results.filter((r) => r.pair.fn === BINDER_SCAN_FN);
  let countsChecked = 0;
  let countsDiffer = 0;
  let firstCountDiff: string | undefined;
  plan.steps.forEach((s, i) => {
    const at = replay.countStepIndex[i] ?? -1;
    if (at < 0 || !s.op.start) return;
    const out = run.steps[at];
    const got = out?.ok ? out.detail?.['count'] : undefined;
    countsChecked++;
    if (got === undefined || BigInt(got) !== s.op.start.cacheItems) {
      countsDiffer++;
      firstCountDiff ??= `line ${s.op.firstLine}: cache items ${s.op.start.cacheItems}, replay counts ${String(got)}`;
    }
  });
  return {
    pairs: binder.length,
    exact: binder.filter((r) => r.verdict.kind === 'exact').length,
    consistent: binder.filter((r) => r.verdict.kind === 'consistent').length,
    mismatched: binder.filter((r) => r.verdict.kind === 'mismatched').length,
    allPairs: report.totals.pairs,
    allMismatched: report.totals.mismatched,
    countsChecked,
    countsDiffer,
    ...(firstCountDiff ? { firstCountDiff } : {}),
    scanLoopMismatch: replay.scanLoopMismatch,
    traceSkips: plan.steps.reduce((a, st) => a + (st.kind === 'shrink' ? st.op.visits.filter((v) => v.ret === LRU_SKIP).length : 0), 0),
    replaySkips: C_SKIP_REASONS.reduce((a, k) => a + (run.skips[k] ?? 0), 0),
  };
}
