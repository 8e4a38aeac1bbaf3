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
import { compareReplay, PAGE_EVENT_KIND, type CompareResult } from './compare.js';
import { BINDER_SCAN_FN, readReplayLines, type ReplayInput } from './events.js';
import { buildPlan, type Plan, type PlanStep } from './inference.js';
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
  /** Counts taken while operations of other tasks were under way (kswapd and a direct reclaimer). */
  readonly concurrentCounts: number;
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
  let concurrentCounts = 0;
  plan.steps.forEach((s, i) => {
    const at = replay.countStepIndex[i] ?? -1;
    if (at < 0 || !s.op.start) return;
    const out = run.steps[at];
    const got = out?.ok ? out.detail?.['count'] : undefined;
    countsChecked++;
    const { lag, walkers } = overlapLag(plan, i);
    if (lag !== 0 || walkers > 0) concurrentCounts++;
    const want = s.op.start.cacheItems + BigInt(lag);
    // A walker on another CPU may have printed a page's unmap_kernel_end and not yet taken
    // it off the list (list_lru_isolate comes next, under the lru lock that count does not
    // take): one page per overlapping walker is in flight.
    const fits = got !== undefined && BigInt(got) <= want && BigInt(got) >= want - BigInt(walkers);
    if (!fits) {
      countsDiffer++;
      firstCountDiff ??= `line ${s.op.firstLine}: cache items ${s.op.start.cacheItems}${lag ? ` (${want} once the calls it overlaps are done)` : ''}, replay counts ${String(got)}`;
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
    concurrentCounts,
    ...(firstCountDiff ? { firstCountDiff } : {}),
    scanLoopMismatch: replay.scanLoopMismatch,
    traceSkips: plan.steps.reduce((a, st) => a + (st.kind === 'shrink' ? st.op.visits.filter((v) => v.ret === LRU_SKIP).length : 0), 0),
    replaySkips: C_SKIP_REASONS.reduce((a, k) => a + (run.skips[k] ?? 0), 0),
  };
}

/**
 * A shrinker call whose count the capture took while operations of other tasks were under
 * way (kswapd and a direct reclaimer walking at once, a free on another CPU): the replay runs
 * those operations whole before the count, so its count also includes what they did after
 * the count in the capture. Returns that difference (LRU adds +1, reuses and unmaps −1) and
 * how many other shrinker calls were walking then.
 */
function overlapLag(plan: Plan, i: number): { lag: number; walkers: number } {
  const b = plan.steps[i]?.op;
  if (!b) return { lag: 0, walkers: 0 };
  const after = (e: { tsNs: bigint; lineNo: number }): boolean => e.tsNs > b.tsNs || (e.tsNs === b.tsNs && e.lineNo > b.firstLine);
  let lag = 0;
  let walkers = 0;
  for (let j = 0; j < i; j++) {
    const x = plan.steps[j] as PlanStep;
    if (x.op.task === b.task || x.kind === 'release') continue;
    const evs = x.kind === 'free' ? [...x.op.events, ...x.merged.flatMap((m) => m.events)] : x.op.events;
    let overlaps = false;
    for (const e of evs) {
      if (!after(e)) continue;
      overlaps = true;
      const kind = PAGE_EVENT_KIND[e.event];
      if (kind === 'lru-add') lag++;
      else if (kind === 'lru-reuse' || kind === 'unmap') lag--;
    }
    if (overlaps && x.kind === 'shrink') walkers++;
  }
  return { lag, walkers };
}
