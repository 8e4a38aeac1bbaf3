/**
 * The `script:` section, resolved: each step checked against the names the scenario declares
 * (processes, memcgs, shrinkers, nodes, cpus) and converted to pages / nanoseconds.
 *
 * Bounds that belong to the mechanism, not to one input:
 * - an `allocate` of more than the machine's memory can never be satisfied: refused here
 *   rather than reclaiming for ever;
 * - the script's `advance` steps together may not pass the simulator's limit on simulated
 *   time (units.ts, `MAX_SIM_TIME_NS`).
 */
import type { BinderStep as BinderScriptStep, BinderStepKey } from '../binder/schema.js';
import type { PathKey } from './issues.js';
import type { ResolveContext } from './resolveContext.js';
import { BINDER_STEP_SCHEMAS, type RawStep } from './schema.js';
import type { ResolvedMemory, ResolvedStep, TaskRef } from './types.js';
import { describeGot, MAX_SIM_TIME_NS, MAX_SIM_TIME_TEXT, PAGE_SIZE } from './units.js';

export interface ScriptRefs {
  readonly procRef: (n: string, p: readonly PathKey[]) => string;
  readonly memcgRef: (n: string, p: readonly PathKey[]) => string;
  readonly shrinkers: ReadonlySet<string>;
  readonly memory: ResolvedMemory;
  readonly cpus: number;
  readonly scriptTask: TaskRef;
}

/** `pages` as the user reads memory: `512MiB = 131072 pages`. */
const pagesText = (pages: number): string => {
  const mib = (pages * PAGE_SIZE) / 2 ** 20;
  return `${Number.isInteger(mib) ? `${mib}MiB` : `${pages * PAGE_SIZE} bytes`} = ${pages} pages`;
};

export function resolveScript(rs: ResolveContext, steps: readonly RawStep[], ctx: ScriptRefs): ResolvedStep[] {
  const allocated = new Map<string, Set<string>>();
  let scriptEnd = 0;
  const nid = (n: number, path: readonly PathKey[]): number => {
    if (n >= ctx.memory.nodes) rs.fail(path, `expected a node id < ${ctx.memory.nodes} (memory.nodes), got "${n}"`);
    return n;
  };
  const shrinkerRef = (n: string, path: readonly PathKey[]): string => {
    if (!ctx.shrinkers.has(n)) rs.fail(path, `expected a shrinker name (one of: ${[...ctx.shrinkers].join(', ')}), got ${describeGot(n)}`);
    return n;
  };
  const optMemcg = (n: string | null, path: readonly PathKey[]): string | null => (n === null ? null : ctx.memcgRef(n, path));

  return steps.map((raw, i): ResolvedStep => {
    const key = Object.keys(raw as Record<string, unknown>)[0]!;
    const p = ['script', i, key];
    const step = raw;
    if (key in BINDER_STEP_SCHEMAS) {
      const b = raw as BinderScriptStep;
      const body = (b as Record<string, { proc?: string; buffer?: string }>)[key]!;
      const proc = body.proc === undefined ? undefined : ctx.procRef(body.proc, [...p, 'proc']);
      if (proc !== undefined && body.buffer !== undefined) {
        const set = allocated.get(proc) ?? new Set<string>();
        if (key === 'alloc') set.add(body.buffer);
        else if (key === 'free' && !set.has(body.buffer)) {
          rs.fail([...p, 'buffer'], `expected a buffer allocated earlier in ${describeGot(proc)}, got ${describeGot(body.buffer)}`);
        }
        allocated.set(proc, set);
      }
      return { kind: 'binder', op: key as BinderStepKey, step: b };
    }
    if ('advance' in step) {
      scriptEnd += step.advance.by;
      if (scriptEnd > MAX_SIM_TIME_NS) {
        rs.fail([...p, 'by'], `expected the script's advances to add up to ≤ ${MAX_SIM_TIME_TEXT} (the simulator's limit on simulated time), got ${scriptEnd} ns`);
      }
      return { kind: 'advance', by: step.advance.by };
    }
    if ('drop_caches' in step) return { kind: 'drop_caches', mode: step.drop_caches.mode };
    if ('shrink_slab' in step) {
      const x = step.shrink_slab;
      return {
        kind: 'shrink_slab',
        priority: x.priority,
        gfp: rs.gfp(x.gfp, [...p, 'gfp']),
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
      return { kind: 'memory_reclaim', memcg: ctx.memcgRef(x.memcg, [...p, 'memcg']), pages: Math.floor(x.amount / PAGE_SIZE), swappiness: x.swappiness };
    }
    if ('allocate' in step) {
      const x = step.allocate;
      const pages = Math.ceil(x.amount / PAGE_SIZE);
      if (pages < 1) rs.fail([...p, 'amount'], `expected at least one page, got "${x.amount}"`);
      // More than the machine has can never be satisfied: reclaim would run until it gave up.
      if (pages > ctx.memory.totalPages) {
        rs.fail([...p, 'amount'], `expected at most the machine's memory (memory.total: ${pagesText(ctx.memory.totalPages)}), got ${x.amount} bytes`);
      }
      return {
        kind: 'allocate',
        pool: x.pool,
        pages,
        gfp: rs.gfp(x.gfp ?? 'GFP_HIGHUSER_MOVABLE', [...p, 'gfp']),
        memcg: ctx.memcgRef(x.memcg, [...p, 'memcg']),
        task: rs.task(x.task, ctx.scriptTask, [...p, 'task'], ctx.cpus),
      };
    }
    if ('release_pages' in step) return { kind: 'release_pages', pool: step.release_pages.pool, pages: Math.floor(step.release_pages.amount / PAGE_SIZE) };
    if ('snapshot' in step) return { kind: 'snapshot', label: step.snapshot.label };
    return rs.fail(p, 'unknown step');
  });
}
