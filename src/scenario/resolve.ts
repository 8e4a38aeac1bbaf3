/**
 * Raw (validated) scenario → `ResolvedScenario`: every default filled in, units converted
 * to pages / nanoseconds / per-second rates, names cross-checked. Errors are one line with
 * the path of the field as the user wrote it, via `UserError` (exit 2).
 *
 * Defaults that depend on other fields live here:
 * - `duration`: the largest generator `until`, else 10 s if there are generators, else 0;
 * - watermarks: derived from `min_free_kbytes` (default: the kernel's
 *   `int_sqrt(lowmem_kbytes * 16)` clamped to [128, 262144]) and `watermark_scale_factor` 10;
 * - `mglru`: on for 6.12, off for 6.1 (Android's and Debian's 6.12 enable it; the real traces
 *   come from such a kernel);
 * - shrinkers: if the key is absent, a default set of four (one per kind) shares the pressure
 *   with Binder as a device's caches do; `shrinkers: []` means none;
 * - generator names (their RNG stream names): `binder:<proc>`, `memory:<pool>`,
 *   `lock:<proc>:<lock>`, `death:<proc>`, with `#2`, `#3` … on repeats, so adding a generator
 *   after others never renames (and so never re-seeds) the earlier ones.
 */
import { DEFAULT_RECLAIM_COST } from '../mm/reclaim/cost.js';
import { formatGfp, parseGfp, type GfpMask, type GfpProfile } from '../mm/gfp.js';
import { COUNT_LIMITS, DEFAULT_SEEKS, type CountLimit } from '../mm/shrinker/types.js';
import { UserError } from '../util/errors.js';
import { formatPath, type PathKey } from './issues.js';
import type { BinderStep as BinderScriptStep, BinderStepKey } from '../binder/schema.js';
import { BINDER_STEP_SCHEMAS } from './schema.js';
import type { RawCount, RawScenario, RawShrinker, RawSizeDist, RawStep, RawTask, RawTimeDist } from './schema.js';
import type {
  BinderTrafficGen,
  CountSource,
  LockContentionGen,
  MemoryPressureGen,
  ProcDeathGen,
  ResolvedBinderProc,
  ResolvedGfp,
  ResolvedMemcg,
  ResolvedMemory,
  ResolvedScenario,
  ResolvedShrinker,
  ResolvedStep,
  ResolvedWatermarks,
  ShrinkerKind,
  SimTimeNs,
  SizeDist,
  TaskRef,
  TimeDist,
} from './types.js';
import { describeGot, PAGE_SIZE } from './units.js';

/** The Binder shrinker's name, as `shrinker_alloc(0, "android-binder")` registers it. */
export const BINDER_SHRINKER_NAME = 'android-binder';
/** The kernel's limit of a Binder buffer space (SZ_4M). */
export const BINDER_MMAP_MAX = 4 * 1024 * 1024;
const SEC = 1_000_000_000;

interface KindDefaults {
  readonly symbol: string;
  readonly seeks: number;
  readonly batch: number;
  readonly flags: readonly ('numa_aware' | 'memcg_aware' | 'nonslab')[];
  readonly objects: bigint | undefined;
  readonly needs: readonly ('fs' | 'io')[];
}

/**
 * Per-kind defaults. Symbols and flags follow the kernel shrinkers they stand for:
 * super_cache_scan (SHRINKER_NUMA_AWARE | SHRINKER_MEMCG_AWARE, batch 1024, needs __GFP_FS;
 * its `%pS` size as in the real 6.12 traces), the workingset shadow-node shrinker
 * (`mm-shadow`, seeks 0: its count reports only fully expendable nodes), a NUMA-only cache,
 * and the THP deferred-split queue (NUMA | MEMCG).
 */
export const KIND_DEFAULTS: Readonly<Record<ShrinkerKind, KindDefaults>> = {
  superblock: { symbol: 'super_cache_scan+0x0/0x1c0', seeks: DEFAULT_SEEKS, batch: 1024, flags: ['numa_aware', 'memcg_aware'], objects: 20000n, needs: ['fs'] },
  seeks0: { symbol: 'scan_shadow_nodes+0x0/0x50', seeks: 0, batch: 0, flags: ['numa_aware', 'memcg_aware'], objects: 4000n, needs: [] },
  numa: { symbol: 'numa_cache_scan+0x0/0x80', seeks: DEFAULT_SEEKS, batch: 0, flags: ['numa_aware'], objects: 8000n, needs: [] },
  memcg: { symbol: 'deferred_split_scan+0x0/0x370', seeks: DEFAULT_SEEKS, batch: 0, flags: ['numa_aware', 'memcg_aware'], objects: 2000n, needs: [] },
  custom: { symbol: '', seeks: DEFAULT_SEEKS, batch: 0, flags: [], objects: undefined, needs: [] },
};

/** The shrinkers a scenario gets when it does not say `shrinkers:`. */
export const DEFAULT_SHRINKERS: readonly RawShrinker[] = [
  { name: 'sb-f2fs:dm-48', kind: 'superblock', count_limit: 'ULONG_MAX/2', free_ratio: 1, objects_per_page: 32, trylock_fail: 0 },
  { name: 'mm-shadow', kind: 'seeks0', count_limit: 'ULONG_MAX/2', free_ratio: 1, objects_per_page: 32, trylock_fail: 0 },
  { name: 'numa-cache', kind: 'numa', count_limit: 'ULONG_MAX/2', free_ratio: 1, objects_per_page: 32, trylock_fail: 0 },
  { name: 'thp-deferred_split', kind: 'memcg', count_limit: 'ULONG_MAX/2', free_ratio: 1, objects_per_page: 32, trylock_fail: 0 },
];

/** `int_sqrt`: floor of the square root, exact for safe integers. */
export function intSqrt(n: number): number {
  let r = Math.floor(Math.sqrt(n));
  while (r * r > n) r--;
  while ((r + 1) * (r + 1) <= n) r++;
  return r;
}

/** The kernel's default vm.min_free_kbytes for `lowmemKbytes` of memory. */
export function defaultMinFreeKbytes(lowmemKbytes: number): number {
  return Math.min(262144, Math.max(128, intSqrt(lowmemKbytes * 16)));
}

class Resolver {
  constructor(
    readonly label: string,
    readonly raw: RawScenario,
  ) {}

  fail(path: readonly PathKey[], message: string): never {
    throw new UserError(`${this.label}: ${formatPath(path)}: ${message}`);
  }

  get kernel(): GfpProfile {
    return this.raw.kernel;
  }

  gfp(text: string, path: readonly PathKey[]): ResolvedGfp {
    const mask = parseGfp(text, this.kernel);
    if (mask === undefined) this.fail(path, `expected a gfp mask like "GFP_KERNEL" or "GFP_NOFS|__GFP_NOWARN", got ${describeGot(text)}`);
    return { mask: mask as GfpMask, text: formatGfp(mask, this.kernel) };
  }

  task(raw: RawTask | undefined, dflt: TaskRef, path: readonly PathKey[], cpus: number): TaskRef {
    const t = { comm: raw?.comm ?? dflt.comm, pid: raw?.pid ?? dflt.pid, cpu: raw?.cpu ?? dflt.cpu };
    if (t.cpu >= cpus) this.fail([...path, 'cpu'], `expected a cpu < ${cpus} (cpus), got "${t.cpu}"`);
    return t;
  }

  sizeDist(d: RawSizeDist, path: readonly PathKey[]): SizeDist {
    if (typeof d === 'number') return { dist: 'fixed', bytes: d };
    switch (d.dist) {
      case 'fixed':
        return { dist: 'fixed', bytes: d.bytes };
      case 'uniform':
      case 'log-uniform':
        if (d.max < d.min) this.fail([...path, 'max'], `expected a size ≥ min (${d.min} bytes), got "${d.max}"`);
        if (d.dist === 'log-uniform' && d.min < 1) this.fail([...path, 'min'], `expected a size ≥ 1 byte for log-uniform, got "${d.min}"`);
        return { dist: d.dist, min: d.min, max: d.max };
      case 'empirical': {
        d.buckets.forEach((b, i) => {
          if (i > 0 && b.size <= d.buckets[i - 1]!.size) {
            this.fail([...path, 'buckets', i, 'size'], `expected sizes in increasing order (> ${d.buckets[i - 1]!.size} bytes), got "${b.size}"`);
          }
        });
        return { dist: 'empirical', buckets: d.buckets.map((b) => ({ bytes: b.size, weight: b.weight })) };
      }
    }
  }

  timeDist(d: RawTimeDist, path: readonly PathKey[]): TimeDist {
    if (typeof d === 'number') return { dist: 'fixed', ns: d };
    switch (d.dist) {
      case 'fixed':
        return { dist: 'fixed', ns: d.time };
      case 'uniform':
        if (d.max < d.min) this.fail([...path, 'max'], `expected a time ≥ min (${d.min} ns), got "${d.max} ns"`);
        return { dist: 'uniform', min: d.min, max: d.max };
      case 'exponential':
        if (d.mean <= 0) this.fail([...path, 'mean'], 'expected a positive mean time, got "0"');
        return { dist: 'exponential', mean: d.mean };
    }
  }

  resolve(fileName: string | undefined): ResolvedScenario {
    const r = this.raw;
    const cpus = r.cpus;
    const memory = this.memory();
    if (r.sample <= 0) this.fail(['sample'], 'expected a positive time like "100ms", got "0"');

    // Memory cgroups.
    if (!r.memcg && r.memcgs.length > 0) this.fail(['memcgs'], 'expected no memory cgroups with memcg: false, got a list');
    const memcgNames = new Set<string>(['root']);
    const memcgs: ResolvedMemcg[] = r.memcgs.map((m, i) => {
      if (memcgNames.has(m.name)) this.fail(['memcgs', i, 'name'], `expected a unique name (not "root"), got ${describeGot(m.name)}`);
      if (!memcgNames.has(m.parent)) this.fail(['memcgs', i, 'parent'], `expected "root" or an earlier memcg, got ${describeGot(m.parent)}`);
      memcgNames.add(m.name);
      const base: ResolvedMemcg = m.lru_share === undefined ? { name: m.name, parent: m.parent } : { name: m.name, parent: m.parent, lruShare: m.lru_share };
      // Additive: absent limits stay absent, so older scenarios keep their hash.
      const limits = {
        ...(m.max === undefined ? {} : { maxPages: Math.floor(m.max / PAGE_SIZE) }),
        ...(m.high === undefined ? {} : { highPages: Math.floor(m.high / PAGE_SIZE) }),
      };
      return { ...base, ...limits };
    });
    const lruShares = memcgs.reduce((sum, m) => sum + (m.lruShare ?? 0), 0);
    if (lruShares > 1) this.fail(['memcgs'], `expected lru_share values summing to at most 1, got ${lruShares}`);
    const memcgRef = (name: string, path: readonly PathKey[]): string => {
      if (!memcgNames.has(name)) this.fail(path, `expected "root" or a memcg declared under memcgs, got ${describeGot(name)}`);
      return name;
    };

    // Shrinkers.
    const shrinkersRaw = r.shrinkers ?? DEFAULT_SHRINKERS;
    const shrinkerNames = new Set<string>();
    const shrinkers = shrinkersRaw.map((s, i) => {
      const path = ['shrinkers', i];
      if (s.name === BINDER_SHRINKER_NAME || shrinkerNames.has(s.name)) {
        this.fail([...path, 'name'], `expected a unique name (not "${BINDER_SHRINKER_NAME}"), got ${describeGot(s.name)}`);
      }
      shrinkerNames.add(s.name);
      return this.shrinker(s, path, r.memcg);
    });

    // Binder processes.
    const procNames = new Set<string>();
    const procs: ResolvedBinderProc[] = r.binder.procs.map((p, i) => {
      const path = ['binder', 'procs', i];
      if (procNames.has(p.name)) this.fail([...path, 'name'], `expected a unique process name, got ${describeGot(p.name)}`);
      procNames.add(p.name);
      if (p.mmap === 0 || p.mmap % PAGE_SIZE !== 0) this.fail([...path, 'mmap'], `expected a positive multiple of 4096 bytes (whole pages), got "${p.mmap}"`);
      if (p.mmap > BINDER_MMAP_MAX) this.fail([...path, 'mmap'], `expected at most 4MiB (the kernel's Binder limit), got "${p.mmap}"`);
      const cpu = p.cpu ?? i % cpus;
      if (cpu >= cpus) this.fail([...path, 'cpu'], `expected a cpu < ${cpus} (cpus), got "${cpu}"`);
      return {
        name: p.name,
        mmapBytes: p.mmap,
        driver: p.driver,
        task: { comm: p.comm ?? p.name.slice(0, 15), pid: p.pid ?? 100 + 2 * i, cpu },
        memcg: memcgRef(p.memcg, [...path, 'memcg']),
        oomScoreAdj: p.oom_score_adj,
      };
    });
    const procRef = (name: string, path: readonly PathKey[]): string => {
      if (!procNames.has(name)) this.fail(path, `expected a Binder process declared under binder.procs, got ${describeGot(name)}`);
      return name;
    };

    // Duration and generator windows.
    const w = r.workload;
    const nGens = w.binder.length + w.memory.length + w.locks.length + w.deaths.length;
    const untils = [...w.binder, ...w.memory, ...w.locks].map((g) => g.until ?? 0);
    const duration = r.duration ?? (nGens > 0 ? Math.max(10 * SEC, ...untils) : 0);
    const windowOf = (g: { from: number; until?: number | undefined }, path: readonly PathKey[]) => {
      const until = g.until ?? duration;
      if (g.until !== undefined && g.until > duration) this.fail([...path, 'until'], `expected a time ≤ duration (${duration} ns), got "${g.until} ns"`);
      if (g.from >= until) this.fail([...path, 'from'], `expected a time before until (${until} ns), got "${g.from} ns"`);
      return { from: g.from, until };
    };
    const genNames = new Set<string>();
    const genName = (given: string | undefined, dflt: string, path: readonly PathKey[]): string => {
      if (given !== undefined) {
        if (genNames.has(given)) this.fail([...path, 'name'], `expected a unique generator name, got ${describeGot(given)}`);
        genNames.add(given);
        return given;
      }
      let n = dflt;
      for (let k = 2; genNames.has(n); k++) n = `${dflt}#${k}`;
      genNames.add(n);
      return n;
    };

    const binder: BinderTrafficGen[] = w.binder.map((g, i) => {
      const path = ['workload', 'binder', i];
      const proc = procRef(g.proc, [...path, 'proc']);
      if (g.rate === undefined && g.burst === undefined) this.fail(path, 'expected rate (Poisson arrivals) or burst, got neither');
      if (g.rate !== undefined && g.burst !== undefined) this.fail([...path, 'burst'], 'expected rate or burst, not both');
      if (g.rate !== undefined && g.rate <= 0) this.fail([...path, 'rate'], 'expected a positive rate like "200/s", got "0/s"');
      if (g.burst !== undefined && g.burst.every <= 0) this.fail([...path, 'burst', 'every'], 'expected a positive time, got "0"');
      return {
        kind: 'binderTraffic',
        name: genName(g.name, `binder:${proc}`, path),
        proc,
        ...windowOf(g, path),
        arrivals:
          g.rate !== undefined
            ? { kind: 'poisson', rate: g.rate }
            : { kind: 'burst', period: g.burst!.every, count: g.burst!.count, gap: g.burst!.gap },
        data: this.sizeDist(g.data, [...path, 'data']),
        offsets: this.sizeDist(g.offsets, [...path, 'offsets']),
        oneway: g.oneway,
        hold: this.timeDist(g.hold, [...path, 'hold']),
        task: this.task(g.task, { comm: 'binder_client', pid: 2000 + i, cpu: (i + 1) % cpus }, [...path, 'task'], cpus),
      };
    });
    const memoryGens: MemoryPressureGen[] = w.memory.map((g, i) => {
      const path = ['workload', 'memory', i];
      const chunk = Math.floor(g.chunk / PAGE_SIZE);
      if (chunk < 1) this.fail([...path, 'chunk'], `expected at least one page (4096 bytes), got "${g.chunk}"`);
      return {
        kind: 'memoryPressure',
        name: genName(g.name, `memory:${g.pool}`, path),
        pool: g.pool,
        ...windowOf(g, path),
        rate: g.rate / PAGE_SIZE,
        release: g.release / PAGE_SIZE,
        chunk,
        gfp: this.gfp(g.gfp ?? 'GFP_HIGHUSER_MOVABLE', [...path, 'gfp']),
        memcg: memcgRef(g.memcg, [...path, 'memcg']),
        task: this.task(g.task, { comm: g.pool === 'anon' ? 'app_process' : 'reader', pid: 3000 + i, cpu: i % cpus }, [...path, 'task'], cpus),
        oomScoreAdj: g.oom_score_adj,
      };
    });
    const locks: LockContentionGen[] = w.locks.map((g, i) => {
      const path = ['workload', 'locks', i];
      const proc = procRef(g.proc, [...path, 'proc']);
      return {
        kind: 'lockContention',
        name: genName(g.name, `lock:${proc}:${g.lock}`, path),
        proc,
        lock: g.lock,
        ...windowOf(g, path),
        rate: g.rate,
        hold: this.timeDist(g.hold, [...path, 'hold']),
      };
    });
    const deaths: ProcDeathGen[] = w.deaths.map((g, i) => {
      const path = ['workload', 'deaths', i];
      const proc = procRef(g.proc, [...path, 'proc']);
      return { kind: 'procDeath', name: genName(g.name, `death:${proc}`, path), proc, at: g.at };
    });

    const kswapd = this.task(r.tasks.kswapd, { comm: 'kswapd0', pid: 80, cpu: 0 }, ['tasks', 'kswapd'], cpus);
    const scriptTask = this.task(r.tasks.script, { comm: 'sh', pid: 500, cpu: 0 }, ['tasks', 'script'], cpus);
    const allShrinkers = new Set([BINDER_SHRINKER_NAME, ...shrinkerNames]);
    const script = this.script(r.script, { procRef, memcgRef, shrinkers: allShrinkers, nodes: memory.nodes, cpus, scriptTask });

    return {
      name: r.name ?? fileName ?? 'scenario',
      description: r.description,
      seed: r.seed,
      kernel: r.kernel,
      duration,
      sample: r.sample,
      cpus,
      kswapd,
      scriptTask,
      memcgEnabled: r.memcg,
      memory,
      memcgs,
      shrinkers,
      binder: { procs, shrinker: { seeks: r.binder.shrinker.seeks, batch: r.binder.shrinker.batch } },
      workload: { binder, memory: memoryGens, locks, deaths },
      script,
    };
  }

  memory(): ResolvedMemory {
    const m = this.raw.memory;
    const totalPages = Math.floor(m.total / PAGE_SIZE);
    if (totalPages < 1024 * m.nodes) this.fail(['memory', 'total'], `expected at least 4MiB per node, got "${m.total}"`);
    const pageCache = Math.floor(m.page_cache / PAGE_SIZE);
    const anon = Math.floor(m.anon / PAGE_SIZE);
    const mapped = m.page_cache_mapped === undefined ? undefined : Math.floor(m.page_cache_mapped / PAGE_SIZE);
    if (mapped !== undefined && mapped > pageCache) {
      this.fail(['memory', 'page_cache_mapped'], `expected at most page_cache (${pageCache} pages), got ${mapped} pages`);
    }
    if (pageCache + anon > totalPages) {
      this.fail(['memory', 'anon'], `expected page_cache + anon ≤ total (${totalPages} pages), got ${pageCache} + ${anon} pages`);
    }
    let watermarks: ResolvedWatermarks;
    const wm = m.watermarks;
    const given = wm && (wm.min !== undefined || wm.low !== undefined || wm.high !== undefined);
    if (given) {
      for (const k of ['min', 'low', 'high'] as const) {
        if (wm[k] === undefined) this.fail(['memory', 'watermarks', k], 'expected min, low and high together, got nothing');
      }
      if (wm.min_free_kbytes !== undefined || wm.watermark_scale_factor !== undefined) {
        this.fail(['memory', 'watermarks'], 'expected either min/low/high or min_free_kbytes/watermark_scale_factor, got both');
      }
      const [min, low, high] = [wm.min!, wm.low!, wm.high!].map((b) => Math.floor(b / PAGE_SIZE)) as [number, number, number];
      if (!(min <= low && low <= high)) this.fail(['memory', 'watermarks'], `expected min ≤ low ≤ high, got ${min}, ${low}, ${high} pages`);
      if (high >= totalPages / m.nodes) this.fail(['memory', 'watermarks', 'high'], `expected less than a node's memory (${Math.floor(totalPages / m.nodes)} pages), got ${high} pages`);
      watermarks = { mode: 'given', min, low, high };
    } else {
      watermarks = {
        mode: 'derived',
        minFreeKbytes: wm?.min_free_kbytes ?? defaultMinFreeKbytes(totalPages * (PAGE_SIZE / 1024)),
        watermarkScaleFactor: wm?.watermark_scale_factor ?? 10,
      };
    }
    return {
      pageSize: PAGE_SIZE,
      nodes: m.nodes,
      totalPages,
      watermarks,
      pageCache,
      ...(mapped === undefined ? {} : { pageCacheMapped: mapped }),
      anon,
      swapPages: Math.floor(m.swap / PAGE_SIZE),
      swappiness: m.swappiness,
      mglru: m.mglru ?? this.raw.kernel === '6.12',
      reclaimCost: {
        lruScanNs: m.reclaim_cost?.lru_scan_ns ?? DEFAULT_RECLAIM_COST.lruScanNs,
        fileReclaimNs: m.reclaim_cost?.file_reclaim_ns ?? DEFAULT_RECLAIM_COST.fileReclaimNs,
        anonReclaimNs: m.reclaim_cost?.anon_reclaim_ns ?? DEFAULT_RECLAIM_COST.anonReclaimNs,
        shrinkNodeNs: m.reclaim_cost?.shrink_node_ns ?? DEFAULT_RECLAIM_COST.shrinkNodeNs,
        shrinkerCallNs: m.reclaim_cost?.shrinker_call_ns ?? DEFAULT_RECLAIM_COST.shrinkerCallNs,
        scanObjectsNs: m.reclaim_cost?.scan_objects_ns ?? DEFAULT_RECLAIM_COST.scanObjectsNs,
        objectScanNs: m.reclaim_cost?.object_scan_ns ?? DEFAULT_RECLAIM_COST.objectScanNs,
      },
    };
  }

  count(c: RawCount | undefined, dflt: bigint | undefined, limit: CountLimit, path: readonly PathKey[]): CountSource {
    const max = COUNT_LIMITS[limit];
    if (c === undefined) {
      if (dflt === undefined) this.fail([...path, 'count'], 'expected a count source for a custom shrinker (e.g. 100000 or {source: fixed, objects: …}), got nothing');
      return { source: 'list', objects: dflt, growth: 0, max: dflt };
    }
    if (typeof c === 'bigint') return { source: 'list', objects: c, growth: 0, max: c };
    if (c.source === 'fixed') return { source: 'fixed', objects: c.objects };
    const cap = c.max ?? (c.growth > 0 ? max : c.objects);
    if (cap < c.objects) this.fail([...path, 'count', 'max'], `expected max ≥ objects (${c.objects}), got "${cap}"`);
    return { source: 'list', objects: c.objects, growth: c.growth, max: cap };
  }

  shrinker(s: RawShrinker, path: readonly PathKey[], memcgEnabled: boolean): ResolvedShrinker {
    const d = KIND_DEFAULTS[s.kind];
    const flags = new Set(s.flags ?? d.flags);
    const needs = new Set(s.needs ?? d.needs);
    const symbol = s.symbol ?? (d.symbol !== '' ? d.symbol : `${s.name.replace(/[^A-Za-z0-9_]/g, '_')}_scan+0x0/0x100`);
    return {
      name: s.name,
      kind: s.kind,
      symbol,
      seeks: s.seeks ?? d.seeks,
      batch: s.batch ?? d.batch,
      numaAware: flags.has('numa_aware'),
      // shrinker_alloc clears SHRINKER_MEMCG_AWARE when memcg is disabled.
      memcgAware: flags.has('memcg_aware') && memcgEnabled,
      nonslab: flags.has('nonslab'),
      count: this.count(s.count, d.objects, s.count_limit, path),
      countLimit: s.count_limit,
      freeRatio: s.free_ratio,
      objectsPerPage: s.objects_per_page,
      needsFs: needs.has('fs'),
      needsIo: needs.has('io'),
      trylockFailRate: s.trylock_fail,
    };
  }

  script(
    steps: readonly RawStep[],
    ctx: {
      procRef: (n: string, p: readonly PathKey[]) => string;
      memcgRef: (n: string, p: readonly PathKey[]) => string;
      shrinkers: ReadonlySet<string>;
      nodes: number;
      cpus: number;
      scriptTask: TaskRef;
    },
  ): ResolvedStep[] {
    const allocated = new Map<string, Set<string>>();
    const nid = (n: number, path: readonly PathKey[]): number => {
      if (n >= ctx.nodes) this.fail(path, `expected a node id < ${ctx.nodes} (memory.nodes), got "${n}"`);
      return n;
    };
    const shrinkerRef = (n: string, path: readonly PathKey[]): string => {
      if (!ctx.shrinkers.has(n)) this.fail(path, `expected a shrinker name (one of: ${[...ctx.shrinkers].join(', ')}), got ${describeGot(n)}`);
      return n;
    };
    const optMemcg = (n: string | null, path: readonly PathKey[]): string | null => (n === null ? null : ctx.memcgRef(n, path));

    return steps.map((raw, i): ResolvedStep => {
      const s = raw as Record<string, unknown>;
      const key = Object.keys(s)[0]!;
      const p = ['script', i, key];
      const step = raw as RawStepUnion;
      if (key in BINDER_STEP_SCHEMAS) {
        const b = raw as BinderScriptStep;
        const body = (b as Record<string, { proc?: string; buffer?: string }>)[key]!;
        const proc = body.proc === undefined ? undefined : ctx.procRef(body.proc, [...p, 'proc']);
        if (proc !== undefined && body.buffer !== undefined) {
          const set = allocated.get(proc) ?? new Set<string>();
          if (key === 'alloc') set.add(body.buffer);
          else if (key === 'free' && !set.has(body.buffer)) {
            this.fail([...p, 'buffer'], `expected a buffer allocated earlier in ${describeGot(proc)}, got ${describeGot(body.buffer)}`);
          }
          allocated.set(proc, set);
        }
        return { kind: 'binder', op: key as BinderStepKey, step: b };
      }
      if ('advance' in step) return { kind: 'advance', by: step.advance.by };
      if ('drop_caches' in step) return { kind: 'drop_caches', mode: step.drop_caches.mode };
      if ('shrink_slab' in step) {
        const x = step.shrink_slab;
        return {
          kind: 'shrink_slab',
          priority: x.priority,
          gfp: this.gfp(x.gfp, [...p, 'gfp']),
          nid: nid(x.nid, [...p, 'nid']),
          memcg: optMemcg(x.memcg, [...p, 'memcg']),
        };
      }
      if ('debugfs_count' in step) return { kind: 'debugfs_count', shrinker: shrinkerRef(step.debugfs_count.shrinker, [...p, 'shrinker']) };
      if ('debugfs_scan' in step) {
        const x = step.debugfs_scan;
        return {
          kind: 'debugfs_scan',
          shrinker: shrinkerRef(x.shrinker, [...p, 'shrinker']),
          nid: nid(x.nid, [...p, 'nid']),
          nr: x.nr,
          memcg: optMemcg(x.memcg, [...p, 'memcg']),
        };
      }
      if ('memory_reclaim' in step) {
        const x = step.memory_reclaim;
        return {
          kind: 'memory_reclaim',
          memcg: ctx.memcgRef(x.memcg, [...p, 'memcg']),
          pages: Math.floor(x.amount / PAGE_SIZE),
          swappiness: x.swappiness,
        };
      }
      if ('allocate' in step) {
        const x = step.allocate;
        const pages = Math.ceil(x.amount / PAGE_SIZE);
        if (pages < 1) this.fail([...p, 'amount'], `expected at least one page, got "${x.amount}"`);
        return {
          kind: 'allocate',
          pool: x.pool,
          pages,
          gfp: this.gfp(x.gfp ?? 'GFP_HIGHUSER_MOVABLE', [...p, 'gfp']),
          memcg: ctx.memcgRef(x.memcg, [...p, 'memcg']),
          task: this.task(x.task, ctx.scriptTask, [...p, 'task'], ctx.cpus),
        };
      }
      if ('release_pages' in step) return { kind: 'release_pages', pool: step.release_pages.pool, pages: Math.floor(step.release_pages.amount / PAGE_SIZE) };
      if ('snapshot' in step) return { kind: 'snapshot', label: step.snapshot.label };
      return this.fail(p, 'unknown step');
    });
  }
}

type RawStepUnion = RawStep;

/** Fills every default of a validated scenario. `label` prefixes error lines (the file as given). */
export function resolveScenario(raw: RawScenario, label: string, fileName?: string): ResolvedScenario {
  return new Resolver(label, raw).resolve(fileName);
}
