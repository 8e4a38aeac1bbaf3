/**
 * The `--json` file: the RunResult minus `traceText`, in a fixed key order (`vmstat` and
 * `series` last).
 *
 * bigint rule: a bigint is written as a JSON number when it is a safe integer
 * (|n| ≤ 2^53 − 1), else as a decimal string (`"9223372036854775807"`), so a reader never
 * gets a silently rounded number. Readers convert with `BigInt(value)` either way. Record-like
 * maps (events, skips, failures by reason) are written with sorted keys. The output ends with
 * a newline and is byte-identical for the same scenario and seed.
 *
 * `vmstat` and the time series (`series`), added after the v1 fields, follow the data-frame rule:
 * every count is always a JSON number (the nearest double), so a column never changes type
 * when a value grows past 2^53; a value that is not a safe integer also gets an exact decimal
 * string companion `<field>Exact`, present only on those samples.
 */
import type { VmStatCounters } from '../mm/vmstat.js';
import type { RunResult, Sample } from './result.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A bigint as the JSON files write it. */
export function bigintToJson(n: bigint): number | string {
  return n <= MAX_SAFE && n >= -MAX_SAFE ? Number(n) : n.toString();
}

/** Converts a value for JSON: bigints by the rule above, `undefined` fields dropped. */
export function toJsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return bigintToJson(v);
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJsonValue(x);
    return out;
  }
  return v;
}

const sortedRecord = <T>(r: Readonly<Record<string, T>>): Record<string, T> =>
  Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k] as T]));

const isSafe = (n: bigint): boolean => n <= MAX_SAFE && n >= -MAX_SAFE;

/**
 * Writes bigint `v` under `key` by the data-frame rule: always a number, plus `<key>Exact`
 * (decimal string) when the number is not exact.
 */
export function putFrameNumber(out: Record<string, unknown>, key: string, v: bigint): void {
  out[key] = Number(v);
  if (!isSafe(v)) out[`${key}Exact`] = v.toString();
}

/** The vmstat counters by the data-frame rule, in /proc/vmstat order. */
export function vmstatDocument(v: VmStatCounters): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, n] of Object.entries(v)) putFrameNumber(o, k, n);
  return o;
}

/** One time-series sample as the JSON writes it. */
export function sampleDocument(s: Sample): Record<string, unknown> {
  return {
    timeNs: s.timeNs,
    freePages: s.freePages,
    pageCache: s.pageCache,
    anon: s.anon,
    binder: { active: s.binder.active, lru: s.binder.lru, free: s.binder.free },
    shrinkers: s.shrinkers.map((x) => {
      const o: Record<string, unknown> = {};
      putFrameNumber(o, 'count', x.count);
      putFrameNumber(o, 'deferred', x.deferred);
      if (x.scanned !== undefined) putFrameNumber(o, 'scanned', x.scanned);
      if (x.freed !== undefined) putFrameNumber(o, 'freed', x.freed);
      return o;
    }),
    ...(s.vmstat ? { vmstat: vmstatDocument(s.vmstat) } : {}),
  };
}

/** The JSON document (a plain object) of a result. */
export function resultDocument(r: RunResult): Record<string, unknown> {
  return toJsonValue({
    schemaVersion: r.schemaVersion,
    tool: { name: r.tool.name, version: r.tool.version },
    scenario: { name: r.scenario.name, file: r.scenario.file, hash: r.scenario.hash },
    seed: r.seed,
    kernel: r.kernel,
    simulatedNs: r.simulatedNs,
    shrinkers: r.shrinkers,
    binder: {
      procs: r.binder.procs.map((p) => ({ ...p, allocFailures: sortedRecord(p.allocFailures) })),
    },
    memory: r.memory,
    reclaim: r.reclaim,
    skips: sortedRecord(r.skips),
    steps: r.steps,
    snapshots: r.snapshots,
    events: sortedRecord(r.events),
    vmstat: r.vmstat ? vmstatDocument(r.vmstat) : undefined,
    oomKills: r.oomKills,
    memcgs: r.memcgs,
    series: r.series.map(sampleDocument),
  }) as Record<string, unknown>;
}

/** The `--json` file text. */
export function renderJson(r: RunResult): string {
  return `${JSON.stringify(resultDocument(r), null, 2)}\n`;
}
