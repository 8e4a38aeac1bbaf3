/**
 * The `workload:` section and the run's duration, resolved.
 *
 * - `duration`: given, else the largest generator `until`, else 10 s if there are generators,
 *   else 0;
 * - generator names (their RNG stream names): `binder:<proc>`, `memory:<pool>`,
 *   `lock:<proc>:<lock>`, `death:<proc>`, with `#2`, `#3` … on repeats, so adding a generator
 *   after others never renames (and so never re-seeds) the earlier ones.
 */
import type { PathKey } from './issues.js';
import type { ResolveContext } from './resolveContext.js';
import type { BinderTrafficGen, LockContentionGen, MemoryPressureGen, ProcDeathGen, ResolvedWorkload, SimTimeNs } from './types.js';
import { describeGot, MAX_SIM_TIME_NS, MAX_SIM_TIME_TEXT, PAGE_SIZE } from './units.js';

const SEC = 1_000_000_000;

export interface WorkloadRefs {
  readonly procRef: (n: string, p: readonly PathKey[]) => string;
  readonly memcgRef: (n: string, p: readonly PathKey[]) => string;
  readonly cpus: number;
}

/** The run's duration: as given, or from the generators' windows. */
export function resolveDuration(rs: ResolveContext): SimTimeNs {
  const w = rs.raw.workload;
  const nGens = w.binder.length + w.memory.length + w.locks.length + w.deaths.length;
  const untils = [...w.binder, ...w.memory, ...w.locks].map((g) => g.until ?? 0);
  return rs.raw.duration ?? (nGens > 0 ? Math.max(10 * SEC, ...untils) : 0);
}

/** Unique generator names: given ones must be unique, defaults get `#2`, `#3` … */
function nameGiver(rs: ResolveContext): (given: string | undefined, dflt: string, path: readonly PathKey[]) => string {
  const genNames = new Set<string>();
  return (given, dflt, path) => {
    if (given !== undefined) {
      if (genNames.has(given)) rs.fail([...path, 'name'], `expected a unique generator name, got ${describeGot(given)}`);
      genNames.add(given);
      return given;
    }
    let n = dflt;
    for (let k = 2; genNames.has(n); k++) n = `${dflt}#${k}`;
    genNames.add(n);
    return n;
  };
}

export function resolveWorkload(rs: ResolveContext, duration: SimTimeNs, refs: WorkloadRefs): ResolvedWorkload {
  const w = rs.raw.workload;
  const { cpus } = refs;
  const windowOf = (g: { from: number; until?: number | undefined }, path: readonly PathKey[]) => {
    const until = g.until ?? duration;
    if (g.until !== undefined && g.until > duration) rs.fail([...path, 'until'], `expected a time ≤ duration (${duration} ns), got "${g.until} ns"`);
    // The window ends at the duration the user gave: that is the field to name, not `from`.
    if (g.until === undefined && g.from >= until && rs.raw.duration !== undefined && g.from === 0) {
      rs.fail(['duration'], `expected a time > 0 when there are workload generators (${formatGen(path)} runs from 0 until the end), got "0"`);
    }
    if (g.from >= until) rs.fail([...path, 'from'], `expected a time before ${g.until === undefined ? 'duration' : 'until'} (${until} ns), got "${g.from} ns"`);
    return { from: g.from, until };
  };
  const genName = nameGiver(rs);

  const binder: BinderTrafficGen[] = w.binder.map((g, i) => {
    const path = ['workload', 'binder', i];
    const proc = refs.procRef(g.proc, [...path, 'proc']);
    if (g.rate === undefined && g.burst === undefined) rs.fail(path, 'expected rate (Poisson arrivals) or burst, got neither');
    if (g.rate !== undefined && g.burst !== undefined) rs.fail([...path, 'burst'], 'expected rate or burst, not both');
    if (g.rate !== undefined && g.rate <= 0) rs.fail([...path, 'rate'], 'expected a positive rate like "200/s", got "0/s"');
    if (g.burst !== undefined && g.burst.every <= 0) rs.fail([...path, 'burst', 'every'], 'expected a positive time, got "0"');
    if (g.burst !== undefined && g.burst.gap * (g.burst.count - 1) > MAX_SIM_TIME_NS) {
      rs.fail([...path, 'burst', 'gap'], `expected gap × (count - 1) ≤ ${MAX_SIM_TIME_TEXT} (the simulator's limit on simulated time), got ${g.burst.gap} ns × ${g.burst.count - 1}`);
    }
    return {
      kind: 'binderTraffic',
      name: genName(g.name, `binder:${proc}`, path),
      proc,
      ...windowOf(g, path),
      arrivals:
        g.rate !== undefined
          ? { kind: 'poisson', rate: g.rate }
          : { kind: 'burst', period: g.burst!.every, count: g.burst!.count, gap: g.burst!.gap },
      data: rs.sizeDist(g.data, [...path, 'data']),
      offsets: rs.sizeDist(g.offsets, [...path, 'offsets']),
      oneway: g.oneway,
      hold: rs.timeDist(g.hold, [...path, 'hold']),
      task: rs.task(g.task, { comm: 'binder_client', pid: 2000 + i, cpu: (i + 1) % cpus }, [...path, 'task'], cpus),
    };
  });
  const memory: MemoryPressureGen[] = w.memory.map((g, i) => {
    const path = ['workload', 'memory', i];
    const chunk = Math.floor(g.chunk / PAGE_SIZE);
    if (chunk < 1) rs.fail([...path, 'chunk'], `expected at least one page (4096 bytes), got "${g.chunk}"`);
    return {
      kind: 'memoryPressure',
      name: genName(g.name, `memory:${g.pool}`, path),
      pool: g.pool,
      ...windowOf(g, path),
      rate: g.rate / PAGE_SIZE,
      release: g.release / PAGE_SIZE,
      chunk,
      gfp: rs.gfp(g.gfp ?? 'GFP_HIGHUSER_MOVABLE', [...path, 'gfp']),
      memcg: refs.memcgRef(g.memcg, [...path, 'memcg']),
      task: rs.task(g.task, { comm: g.pool === 'anon' ? 'app_process' : 'reader', pid: 3000 + i, cpu: i % cpus }, [...path, 'task'], cpus),
      oomScoreAdj: g.oom_score_adj,
    };
  });
  const locks: LockContentionGen[] = w.locks.map((g, i) => {
    const path = ['workload', 'locks', i];
    const proc = refs.procRef(g.proc, [...path, 'proc']);
    return {
      kind: 'lockContention',
      name: genName(g.name, `lock:${proc}:${g.lock}`, path),
      proc,
      lock: g.lock,
      ...windowOf(g, path),
      rate: g.rate,
      hold: rs.timeDist(g.hold, [...path, 'hold']),
    };
  });
  const deaths: ProcDeathGen[] = w.deaths.map((g, i) => {
    const path = ['workload', 'deaths', i];
    const proc = refs.procRef(g.proc, [...path, 'proc']);
    return { kind: 'procDeath', name: genName(g.name, `death:${proc}`, path), proc, at: g.at };
  });
  return { binder, memory, locks, deaths };
}

const formatGen = (path: readonly PathKey[]): string => `${String(path[0])}.${String(path[1])}[${String(path[2])}]`;
