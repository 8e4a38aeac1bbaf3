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
 * - generator names: see resolveWorkload.ts; script steps: resolveScript.ts;
 * - `limits`: src/util/limits.ts's defaults, overridden by the scenario's `limits:` section.
 */
import { DEFAULT_RECLAIM_COST } from '../mm/reclaim/cost.js';
import { COUNT_LIMITS, DEFAULT_SEEKS, type CountLimit } from '../mm/shrinker/types.js';
import { resolveLimits } from '../util/limits.js';
import type { PathKey } from './issues.js';
import { ResolveContext } from './resolveContext.js';
import { resolveScript } from './resolveScript.js';
import { resolveDuration, resolveWorkload } from './resolveWorkload.js';
import type { RawCount, RawScenario, RawShrinker } from './schema.js';
import type {
  CountSource,
  ResolvedBinderProc,
  ResolvedMemcg,
  ResolvedMemory,
  ResolvedScenario,
  ResolvedShrinker,
  ResolvedWatermarks,
  ShrinkerKind,
} from './types.js';
import { describeGot, PAGE_SIZE } from './units.js';

/** The Binder shrinker's name, as `shrinker_alloc(0, "android-binder")` registers it. */
export const BINDER_SHRINKER_NAME = 'android-binder';
/** The kernel's limit of a Binder buffer space (SZ_4M). */
export const BINDER_MMAP_MAX = 4 * 1024 * 1024;

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

/**
 * Memory cgroups, bounded by what the simulator can walk in bounded time:
 * - a parent chain at most `MAX_MEMCG_DEPTH` deep (the memcg tree is walked recursively; real
 *   hierarchies are a handful of levels);
 * - (memcgs + 1) × nodes at most `MAX_MEMCG_NODE_LISTS`: every memcg-aware list keeps one
 *   sublist per memcg per node, and every reclaim pass walks the memcgs (near-oom.yaml with
 *   8,000 memcgs took 50 s instead of 0.5 s; 20,000 memcgs on 64 nodes a minute and 1.3 GB to
 *   do nothing). Android's per-app cgroups number in the hundreds. (The kernel's own limit,
 *   MEM_CGROUP_ID_MAX = 65535, is far above.)
 */
export const MAX_MEMCG_DEPTH = 1000;
export const MAX_MEMCG_NODE_LISTS = 4096;

class Resolver extends ResolveContext {
  resolve(fileName: string | undefined): ResolvedScenario {
    const r = this.raw;
    const cpus = r.cpus;
    const memory = this.memory();
    if (r.sample <= 0) this.fail(['sample'], 'expected a positive time like "100ms", got "0"');
    const { memcgs, memcgRef } = this.memcgs();
    const shrinkerNames = new Set<string>();
    const shrinkers = (r.shrinkers ?? DEFAULT_SHRINKERS).map((s, i) => {
      const path = ['shrinkers', i];
      if (s.name === BINDER_SHRINKER_NAME || shrinkerNames.has(s.name)) {
        this.fail([...path, 'name'], `expected a unique name (not "${BINDER_SHRINKER_NAME}"), got ${describeGot(s.name)}`);
      }
      shrinkerNames.add(s.name);
      return this.shrinker(s, path, r.memcg);
    });
    const { procs, procRef } = this.procs(memcgRef);
    const duration = resolveDuration(this);
    const workload = resolveWorkload(this, duration, { procRef, memcgRef, cpus });
    const kswapd = this.task(r.tasks.kswapd, { comm: 'kswapd0', pid: 80, cpu: 0 }, ['tasks', 'kswapd'], cpus);
    const scriptTask = this.task(r.tasks.script, { comm: 'sh', pid: 500, cpu: 0 }, ['tasks', 'script'], cpus);
    const allShrinkers = new Set([BINDER_SHRINKER_NAME, ...shrinkerNames]);
    const script = resolveScript(this, r.script, { procRef, memcgRef, shrinkers: allShrinkers, memory, cpus, scriptTask });

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
      workload,
      script,
      limits: resolveLimits(r.limits === undefined ? undefined : { events: r.limits.events, samples: r.limits.samples, traceLines: r.limits.trace_lines }),
    };
  }

  memcgs(): { memcgs: ResolvedMemcg[]; memcgRef: (name: string, path: readonly PathKey[]) => string } {
    const r = this.raw;
    if (!r.memcg && r.memcgs.length > 0) this.fail(['memcgs'], 'expected no memory cgroups with memcg: false, got a list');
    const nodes = r.memory.nodes;
    if ((r.memcgs.length + 1) * nodes > MAX_MEMCG_NODE_LISTS) {
      this.fail(
        ['memcgs'],
        `expected at most ${Math.floor(MAX_MEMCG_NODE_LISTS / nodes) - 1} memory cgroups besides root with memory.nodes: ${nodes} ((memcgs + 1) × nodes ≤ ${MAX_MEMCG_NODE_LISTS}, the simulator's limit), got ${r.memcgs.length}`,
      );
    }
    const depth = new Map<string, number>([['root', 0]]);
    const memcgs: ResolvedMemcg[] = r.memcgs.map((m, i) => {
      if (depth.has(m.name)) this.fail(['memcgs', i, 'name'], `expected a unique name (not "root"), got ${describeGot(m.name)}`);
      const d = depth.get(m.parent);
      if (d === undefined) this.fail(['memcgs', i, 'parent'], `expected "root" or an earlier memcg, got ${describeGot(m.parent)}`);
      if (d >= MAX_MEMCG_DEPTH) this.fail(['memcgs', i, 'parent'], `expected a memcg at most ${MAX_MEMCG_DEPTH} levels below root (the simulator's limit), got ${describeGot(m.parent)} at depth ${d}`);
      depth.set(m.name, d + 1);
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
      if (!depth.has(name)) this.fail(path, `expected "root" or a memcg declared under memcgs, got ${describeGot(name)}`);
      return name;
    };
    return { memcgs, memcgRef };
  }

  procs(memcgRef: (name: string, path: readonly PathKey[]) => string): { procs: ResolvedBinderProc[]; procRef: (name: string, path: readonly PathKey[]) => string } {
    const cpus = this.raw.cpus;
    const procNames = new Set<string>();
    const procs: ResolvedBinderProc[] = this.raw.binder.procs.map((p, i) => {
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
    return { procs, procRef };
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
}

/** Fills every default of a validated scenario. `label` prefixes error lines (the file as given). */
export function resolveScenario(raw: RawScenario, label: string, fileName?: string): ResolvedScenario {
  return new Resolver(label, raw).resolve(fileName);
}
