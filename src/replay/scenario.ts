/**
 * A replay plan as a scenario: the machine of the user's scenario (memory, page cache,
 * shrinkers, pressure generators, driver, seeks) or of the default replay machine, with the
 * trace's Binder processes added and a script that carries the trace's traffic at its
 * recorded times.
 *
 * Times: the trace's first event is t = 1 ms; each operation runs at its own timestamp,
 * rounded to the µs the trace prints, and never at the same µs as the operation before (so
 * the recorded trace can be cut back into operations by timestamp).
 *
 * With `reclaimFromTrace`, each Binder shrinker call of the trace becomes, at its place, a
 * count (debugfs `count`, checked against the trace's `cache items`) and the scans
 * do_shrink_slab made: `nr_to_scan = min(batch, total_scan)` while `total_scan >= batch` or
 * `total_scan >= freeable`, from the start's `total_scan` down to the end's (debugfs `scan`
 * has exactly binder_shrink_scan's effect: a list_lru walk of `nr_to_scan`).
 */
import { parseBinderStep } from '../binder/steps.js';
import type { BinderStep as BinderScriptStep } from '../binder/schema.js';
import { BINDER_SHRINKER_NAME } from '../scenario/resolve.js';
import { loadScenarioText } from '../scenario/load.js';
import type { ResolvedBinderProc, ResolvedScenario, ResolvedStep } from '../scenario/types.js';
import type { KernelProfile } from '../mm/shrinker/types.js';
import { learnItemBases, passesOf, type Pass } from './contention.js';
import type { Plan, PlanStep } from './inference.js';

/** SHRINK_BATCH: binder registers with batch 0. */
export const SHRINK_BATCH = 128n;

/** The machine of the real captures: 512 MiB, 2 CPUs, no swap, a small page cache. */
export const DEFAULT_REPLAY_MACHINE = `name: replay
description: replay of a captured Binder trace on the capture machine's shape
kernel: "6.12"
cpus: 2
memory:
  total: 512MiB
  page_cache: 64MiB
  anon: 64MiB
`;

export interface ReplayScenario {
  readonly resolved: ResolvedScenario;
  /** Simulated time (ns) of each plan step; the recorded events at that time are its events. */
  readonly times: readonly number[];
  /** Script index of each shrink step's debugfs_count (for the count check); -1 otherwise. */
  readonly countStepIndex: readonly number[];
  /** Scans per shrink step: the nr_to_scan of each call, and whether they end at the end's total_scan. */
  readonly scans: readonly (readonly bigint[])[];
  readonly scanLoopMismatch: number;
  /** Skipped items whose process could not be placed (their pass runs without that hold). */
  readonly unknownOwners: number;
}

export function defaultMachine(): ResolvedScenario {
  return loadScenarioText(DEFAULT_REPLAY_MACHINE, 'replay machine');
}

/** The nr_to_scan of each scan_objects call of do_shrink_slab, from the pair's numbers. */
export function scanCalls(totalScan: bigint, freeable: bigint, endTotal: bigint, batch = SHRINK_BATCH): { calls: bigint[]; fits: boolean } {
  const calls: bigint[] = [];
  let t = totalScan;
  while ((t >= batch || t >= freeable) && t > 0n) {
    const nr = t < batch ? t : batch;
    calls.push(nr);
    t -= nr;
  }
  return { calls, fits: t === endTotal };
}

export function buildReplayScenario(
  plan: Plan,
  base: ResolvedScenario,
  kernel: KernelProfile,
  opts: { reclaimFromTrace: boolean },
): ReplayScenario {
  const fromScenario = new Map(base.binder.procs.map((p) => [p.task.pid, p]));
  const procs: ResolvedBinderProc[] = base.binder.procs.filter((p) => !plan.procs.some((t) => t.pid === p.task.pid));
  for (const p of plan.procs) {
    const s = fromScenario.get(p.pid);
    procs.push({
      name: p.name,
      mmapBytes: s?.mmapBytes ?? 4 << 20,
      driver: s?.driver ?? 'c',
      task: { comm: p.comm.slice(0, 15), pid: p.pid, cpu: 0 },
      memcg: s?.memcg ?? 'root',
    });
  }
  const script: ResolvedStep[] = [];
  const times: number[] = [];
  const countStepIndex: number[] = [];
  const scans: bigint[][] = [];
  let scanLoopMismatch = 0;
  let unknownOwners = 0;
  const sightings = learnItemBases(plan.steps.map((s) => s.op));
  const t0 = plan.steps[0]?.op.tsNs ?? 0n;
  let now = 0;
  const binder = (step: BinderScriptStep): ResolvedStep => ({ kind: 'binder', op: Object.keys(step)[0] as never, step });

  for (const s of plan.steps) {
    const want = 1_000_000 + Number((s.op.tsNs - t0) / 1000n) * 1000;
    const at = Math.max(want, now + 1000);
    script.push({ kind: 'advance', by: at - now });
    now = at;
    times.push(at);
    countStepIndex.push(-1);
    scans.push([]);
    const task = { comm: s.op.comm.slice(0, 15), pid: s.op.task, cpu: s.op.cpu };
    script.push(...stepsOf(s, task, binder));
    if (s.kind === 'shrink' && opts.reclaimFromTrace && s.op.start && s.op.end) {
      countStepIndex[countStepIndex.length - 1] = script.length;
      script.push({ kind: 'debugfs_count', shrinker: BINDER_SHRINKER_NAME });
      const { calls, fits } = scanCalls(s.op.start.totalScan, s.op.start.cacheItems, s.op.end.totalScan);
      if (!fits) scanLoopMismatch++;
      scans[scans.length - 1] = calls;
      if (s.op.visits.length === 0) {
        for (const nr of calls) script.push({ kind: 'debugfs_scan', shrinker: BINDER_SHRINKER_NAME, nid: 0, nr: Number(nr), memcg: null });
        continue;
      }
      const { passes, unknownOwners: u } = passesOf(s.op.visits, calls, sightings, times.length - 1, Number(s.op.start.cacheItems));
      unknownOwners += u;
      for (const p of passes) script.push(...passSteps(p, plan, binder));
    }
  }
  const resolved: ResolvedScenario = {
    ...base,
    name: `${base.name}+replay`,
    kernel,
    binder: { ...base.binder, procs },
    script,
  };
  return { resolved, times, countStepIndex, scans, scanLoopMismatch, unknownOwners };
}

/** The task that holds the mmap locks of replayed contention. */
export const CONTENDER = 'replay-contender';

/** One pass: the failing trylocks of the processes it skipped, then its walk. */
function passSteps(p: Pass, plan: Plan, binder: (step: BinderScriptStep) => ResolvedStep): ResolvedStep[] {
  const locks = [...p.skips].flatMap(([pid, n]) =>
    plan.procs
      .filter((q) => q.pid === pid)
      .map((q) => binder(parseBinderStep({ lock: { proc: q.name, lock: 'mmap', mode: 'write', hold: 0, trylocks: n, task: CONTENDER } }))),
  );
  return [...locks, { kind: 'debugfs_scan', shrinker: BINDER_SHRINKER_NAME, nid: 0, nr: p.nr, memcg: null }];
}

function stepsOf(
  s: PlanStep,
  task: { comm: string; pid: number; cpu: number },
  binder: (step: BinderScriptStep) => ResolvedStep,
): ResolvedStep[] {
  switch (s.kind) {
    case 'alloc': {
      const sz = s.op.sizes as NonNullable<typeof s.op.sizes>;
      return [
        binder(
          parseBinderStep({
            alloc: { proc: s.proc, buffer: s.buffer, data: sz.data.toString(), offsets: sz.offsets.toString(), extra: sz.extra.toString(), oneway: s.op.oneway, task },
          }),
        ),
      ];
    }
    case 'free':
      return [binder(parseBinderStep({ free: { proc: s.proc, buffer: s.buffer, task } }))];
    case 'release':
      return [binder(parseBinderStep({ release: { proc: s.proc } }))];
    case 'shrink':
      return [];
  }
}
