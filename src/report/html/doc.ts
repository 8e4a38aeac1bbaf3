/**
 * The result document as the HTML report reads it: the parsed `--json` file (docs/json-schema.md),
 * not the in-memory RunResult, so `shrinksim report RESULT.json` and `run --html` render the
 * same bytes from the same data. Counts that are bigints in the simulator arrive as a number
 * or (top-level fields, past 2^53) a decimal string; the report only prints those.
 */
import { UserError } from '../../util/errors.js';
import type { BinderPageCounts, DirectStallRow, MemoryStats } from '../result.js';

export type JsonCount = number | string;

export interface DocShrinker {
  readonly name: string;
  readonly symbol: string;
  readonly seeks: number;
  readonly batch: number;
  readonly countCalls: number;
  readonly countSkips: number;
  readonly scanCalls: JsonCount;
  readonly scanned: JsonCount;
  readonly freed: JsonCount;
  readonly stops: number;
  readonly deferredEnd: JsonCount;
  readonly deferredMax: JsonCount;
  readonly countEnd: JsonCount;
}

/** Bigint-free parts of the result are read with the result's own types. */
export type DocPages = BinderPageCounts;

export interface DocProc {
  readonly name: string;
  readonly driver: string;
  readonly pages: DocPages;
  readonly highWatermark: number;
  readonly refaults: number;
  readonly allocations: number;
  readonly allocFailures: Readonly<Record<string, number>>;
  readonly dead: boolean;
}

export interface DocReclaimRow {
  readonly path: string;
  readonly priority: number;
  readonly gfp: string;
  readonly passes: number;
  readonly reclaimedPages: number;
  readonly slabFreed: JsonCount;
}

export type DocStall = DirectStallRow;

export type DocMemory = MemoryStats;

export type DocStep =
  | { readonly index: number; readonly kind: string; readonly timeNs: number; readonly ok: true }
  | { readonly index: number; readonly kind: string; readonly timeNs: number; readonly ok: false; readonly error: string; readonly message: string };

export interface DocSnapshot {
  readonly label: string;
  readonly binder: { readonly procs: readonly { readonly name: string; readonly pages: string; readonly counts: DocPages }[] };
}

export interface DocSample {
  readonly timeNs: number;
  readonly freePages: number;
  readonly pageCache: number;
  readonly anon: number;
  readonly binder: DocPages;
  readonly shrinkers: readonly { readonly count: number; readonly deferred: number; readonly scanned?: number; readonly freed?: number }[];
  readonly vmstat?: Readonly<Record<string, number>>;
}

export interface ResultDoc {
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly scenario: { readonly name: string; readonly file?: string; readonly hash: string };
  readonly seed: number;
  readonly kernel: string;
  readonly simulatedNs: number;
  readonly shrinkers: readonly DocShrinker[];
  readonly binder: { readonly procs: readonly DocProc[] };
  readonly memory: DocMemory;
  readonly reclaim: readonly DocReclaimRow[];
  readonly skips: Readonly<Record<string, number>>;
  readonly steps: readonly DocStep[];
  readonly snapshots: readonly DocSnapshot[];
  readonly events: Readonly<Record<string, number>>;
  readonly series: readonly DocSample[];
  /** Kernel-named counters (`/proc/vmstat` names), when the writer had them. */
  readonly vmstat?: Readonly<Record<string, number>>;
  /** The OOM killer's victims, when it ran. */
  readonly oomKills?: readonly {
    readonly timeNs: number;
    readonly pid: number;
    readonly comm: string;
    readonly badness: number;
    readonly oomScoreAdj: number;
    readonly pagesFreed: number;
    readonly trigger: { readonly pid: number; readonly comm: string };
  }[];
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks that a parsed JSON value is a shrinksim result with everything the report draws
 * (the top-level shape; values inside are trusted as the writer's). Throws a UserError naming
 * the file and the field.
 */
export function asResultDoc(v: unknown, file: string): ResultDoc {
  if (!isObj(v)) throw new UserError(`${file}: expected a JSON object (a shrinksim run --json result)`);
  const tool = v.tool;
  if (!isObj(tool) || tool.name !== 'shrinksim') throw new UserError(`${file}: tool.name: expected "shrinksim" (a shrinksim run --json result)`);
  if (v.schemaVersion !== 1) throw new UserError(`${file}: schemaVersion: expected 1, got ${JSON.stringify(v.schemaVersion)}`);
  const arrays = ['shrinkers', 'reclaim', 'steps', 'snapshots', 'series'] as const;
  for (const k of arrays) {
    if (!Array.isArray(v[k])) {
      const hint = k === 'series' ? ' (written by a shrinksim before 0.1 with the series; run it again with --json)' : '';
      throw new UserError(`${file}: ${k}: expected an array${hint}`);
    }
  }
  for (const k of ['scenario', 'binder', 'memory', 'skips', 'events'] as const) {
    if (!isObj(v[k])) throw new UserError(`${file}: ${k}: expected an object`);
  }
  return v as unknown as ResultDoc;
}
