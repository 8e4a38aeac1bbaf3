/**
 * The `--json` file: the RunResult minus `series` and `traceText`, in a fixed key order.
 *
 * bigint rule: a bigint is written as a JSON number when it is a safe integer
 * (|n| ≤ 2^53 − 1), else as a decimal string (`"9223372036854775807"`), so a reader never
 * gets a silently rounded number. Readers convert with `BigInt(value)` either way. Record-like
 * maps (events, skips, failures by reason) are written with sorted keys. The output ends with
 * a newline and is byte-identical for the same scenario and seed.
 */
import type { RunResult } from './result.js';

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
  }) as Record<string, unknown>;
}

/** The `--json` file text. */
export function renderJson(r: RunResult): string {
  return `${JSON.stringify(resultDocument(r), null, 2)}\n`;
}
