/**
 * The metrics users compare between runs, as a flat list of named counts, extracted from a
 * `RunResult` or from its `--json` document (the same fields; in the JSON, 64-bit counts are
 * numbers or decimal strings, see json.ts). Sweeps (one row per run) and `shrinksim diff`
 * both read results through this one function, so they name metrics alike.
 *
 * Names, in this order:
 * - `binder.<proc>.refaults`, `.reclaimed`, `.pages_active`, `.pages_lru`, `.pages_free`, `.pages_high`,
 *   `.allocations`, `.alloc_failures.<reason>`; `binder.reclaimed` (objects the Binder
 *   shrinkers freed = pages, summed over drivers: RunResult has no per-process count);
 * - `skips.<reason>`;
 * - `memory.alloc_failures`, `.direct_reclaims`, `.kswapd_wakeups`, `.min_free`,
 *   `.reclaimed_page_cache`, `.reclaimed_anon`, `.reclaimed_slab`, `.kswapd_busy_ns`;
 * - `stalls.allocations`, `stalls.stall_ns`, `stalls.max_stall_ns` and per task and owner
 *   `stalls.<comm>:<pid>.<owner>.stall_ns`;
 * - `shrinker.<label>.scanned`, `.freed`, `.deferred_end`, `.deferred_max`, `.scan_calls`,
 *   `.count_calls`, `.stops` (labels as in the summary: `name`, `name#2` …);
 * - `vmstat.<counter>` for every numeric counter of a `vmstat` object, when the result has one.
 *
 * A value is a number when it is a safe integer (or not an integer), else a bigint, so a
 * count near 2^63 stays exact.
 */
import { shrinkerLabels } from './result.js';

export type MetricValue = number | bigint;
export type Metrics = ReadonlyArray<readonly [string, MetricValue]>;

/** Thrown (as a plain Error) when the input does not look like a run result. */
export class NotAResult extends Error {}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A count from a RunResult (number or bigint) or its JSON (number or decimal string). */
export function countOf(v: unknown, what: string): MetricValue {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'bigint') return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return countOf(BigInt(v), what);
  throw new NotAResult(`${what}: expected a count, got ${JSON.stringify(v) ?? String(v)}`);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new NotAResult(`${what}: expected an object`);
  return v;
}
function list(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new NotAResult(`${what}: expected a list`);
  return v;
}

const sortedKeys = (o: Obj): string[] => Object.keys(o).sort();

/** The metrics of one run result (a `RunResult` or its parsed `--json` document). */
export function metricsOf(result: unknown): Metrics {
  const r = obj(result, '(top level)');
  const out: [string, MetricValue][] = [];
  const put = (name: string, v: unknown) => out.push([name, countOf(v, name)]);

  const procs = list(obj(r.binder, 'binder').procs, 'binder.procs');
  for (const [i, p0] of procs.entries()) {
    const p = obj(p0, `binder.procs[${i}]`);
    const base = `binder.${String(p.name)}`;
    const pages = obj(p.pages, `${base}.pages`);
    put(`${base}.refaults`, p.refaults);
    // Older result files have no per-process count.
    if (p.reclaimed !== undefined) put(`${base}.reclaimed`, p.reclaimed);
    put(`${base}.pages_active`, pages.active);
    put(`${base}.pages_lru`, pages.lru);
    put(`${base}.pages_free`, pages.free);
    put(`${base}.pages_high`, p.highWatermark);
    put(`${base}.allocations`, p.allocations);
    const fails = obj(p.allocFailures ?? {}, `${base}.allocFailures`);
    for (const k of sortedKeys(fails)) put(`${base}.alloc_failures.${k}`, fails[k]);
  }

  const shrinkers = list(r.shrinkers, 'shrinkers').map((s, i) => obj(s, `shrinkers[${i}]`));
  let binderFreed = 0n;
  for (const s of shrinkers) if (s.name === 'android-binder') binderFreed += BigInt(countOf(s.freed, 'android-binder.freed'));
  if (procs.length > 0) put('binder.reclaimed', binderFreed);

  const skips = obj(r.skips ?? {}, 'skips');
  for (const k of sortedKeys(skips)) put(`skips.${k}`, skips[k]);

  memoryMetrics(obj(r.memory, 'memory'), put);

  const labels = shrinkerLabels(shrinkers.map((s) => ({ name: String(s.name) })));
  shrinkers.forEach((s, i) => {
    const base = `shrinker.${labels[i]!}`;
    put(`${base}.scanned`, s.scanned);
    put(`${base}.freed`, s.freed);
    put(`${base}.deferred_end`, s.deferredEnd);
    put(`${base}.deferred_max`, s.deferredMax);
    put(`${base}.scan_calls`, s.scanCalls);
    put(`${base}.count_calls`, s.countCalls);
    put(`${base}.stops`, s.stops);
  });

  if (isObj(r.vmstat)) {
    const vm = r.vmstat;
    for (const k of sortedKeys(vm)) {
      // The JSON writes an unsafe count as a number plus an exact `<key>Exact` string: take the
      // exact one under the counter's own name.
      if (k.endsWith('Exact') && k.slice(0, -5) in vm) continue;
      const v = vm[`${k}Exact`] ?? vm[k];
      if (typeof v === 'number' || typeof v === 'bigint' || (typeof v === 'string' && /^-?\d+$/.test(v))) put(`vmstat.${k}`, v);
    }
  }
  return out;
}

function memoryMetrics(m: Obj, put: (name: string, v: unknown) => void): void {
  const reclaimed = obj(m.reclaimed, 'memory.reclaimed');
  put('memory.alloc_failures', m.allocFailures);
  put('memory.direct_reclaims', m.directReclaims);
  put('memory.kswapd_wakeups', m.kswapdWakeups);
  put('memory.min_free', m.minFree);
  put('memory.reclaimed_page_cache', reclaimed.pageCache);
  put('memory.reclaimed_anon', reclaimed.anon);
  put('memory.reclaimed_slab', reclaimed.slab);
  if (m.kswapdBusyNs !== undefined) put('memory.kswapd_busy_ns', m.kswapdBusyNs);
  if (m.directStalls === undefined) return;
  const rows = list(m.directStalls, 'memory.directStalls').map((x, i) => obj(x, `memory.directStalls[${i}]`));
  let allocations = 0;
  let stallNs = 0;
  let maxStallNs = 0;
  for (const s of rows) {
    allocations += Number(s.allocations);
    stallNs += Number(s.stallNs);
    maxStallNs = Math.max(maxStallNs, Number(s.maxStallNs));
  }
  put('stalls.allocations', allocations);
  put('stalls.stall_ns', stallNs);
  put('stalls.max_stall_ns', maxStallNs);
  for (const s of rows) put(`stalls.${String(s.comm)}:${String(s.pid)}.${String(s.owner)}.stall_ns`, s.stallNs);
}
