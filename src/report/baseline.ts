/**
 * Baselines for `shrinksim check`: the reclaim counts of a run, flattened to named metrics,
 * and the comparison of a new run against them.
 *
 * A baseline file is small, sorted JSON:
 * `{kind: "shrinksim-baseline", schemaVersion, tool, scenario: {name, hash}, seed, metrics}`
 * where `metrics` maps a metric name (`shrinker.sb-f2fs:dm-48.freed`,
 * `binder.app.refaults`, `reclaim.kswapd.p12.GFP_KERNEL.passes`, `events.mm_shrink_slab_start`)
 * to a count (bigint rule of json.ts). Only counts are pinned, not snapshots or time series.
 *
 * Tolerance: a metric moved when |now − base| > tolerance × max(|base|, 1). 0 means exact.
 * A metric only in one side counts as 0 on the other, except `vmstat.<counter>` (the
 * /proc/vmstat counters): a baseline without any pins none of them.
 */
import { UserError } from '../util/errors.js';
import { bigintToJson } from './json.js';
import { RESULT_SCHEMA_VERSION, shrinkerLabels, type RunResult } from './result.js';

export const BASELINE_KIND = 'shrinksim-baseline';

export interface Baseline {
  readonly kind: typeof BASELINE_KIND;
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly scenario: { readonly name: string; readonly hash: string };
  readonly seed: number;
  readonly metrics: ReadonlyMap<string, bigint>;
}

/** Every pinned count of a run, by metric name, sorted. */
export function metricsOf(r: RunResult): Map<string, bigint> {
  const m = new Map<string, bigint>();
  const put = (k: string, v: number | bigint) => m.set(k, BigInt(v));
  const labels = shrinkerLabels(r.shrinkers);
  for (const [i, s] of r.shrinkers.entries()) {
    const p = `shrinker.${labels[i]}`;
    put(`${p}.countCalls`, s.countCalls);
    put(`${p}.countSkips`, s.countSkips);
    put(`${p}.scanCalls`, s.scanCalls);
    put(`${p}.scanned`, s.scanned);
    put(`${p}.freed`, s.freed);
    put(`${p}.stops`, s.stops);
    put(`${p}.deferredEnd`, s.deferredEnd);
    put(`${p}.deferredMax`, s.deferredMax);
  }
  for (const b of r.binder.procs) {
    const p = `binder.${b.name}`;
    put(`${p}.pages.active`, b.pages.active);
    put(`${p}.pages.lru`, b.pages.lru);
    put(`${p}.pages.free`, b.pages.free);
    put(`${p}.highWatermark`, b.highWatermark);
    put(`${p}.refaults`, b.refaults);
    put(`${p}.allocations`, b.allocations);
    for (const [reason, n] of Object.entries(b.allocFailures)) put(`${p}.allocFailures.${reason}`, n);
  }
  for (const row of r.reclaim) {
    const p = `reclaim.${row.path}.p${row.priority}.${row.gfp}`;
    put(`${p}.passes`, row.passes);
    put(`${p}.reclaimedPages`, row.reclaimedPages);
    put(`${p}.slabFreed`, row.slabFreed);
  }
  const mem = r.memory;
  put('memory.kswapdWakeups', mem.kswapdWakeups);
  put('memory.directReclaims', mem.directReclaims);
  put('memory.allocFailures', mem.allocFailures);
  put('memory.minFree', mem.minFree);
  put('memory.reclaimed.pageCache', mem.reclaimed.pageCache);
  put('memory.reclaimed.anon', mem.reclaimed.anon);
  put('memory.reclaimed.slab', mem.reclaimed.slab);
  for (const [k, n] of Object.entries(r.skips)) put(`skips.${k}`, n);
  for (const [k, n] of Object.entries(r.events)) put(`events.${k}`, n);
  put('steps.errors', r.steps.filter((s) => !s.ok).length);
  for (const [k, n] of Object.entries(r.vmstat ?? {})) put(`vmstat.${k}`, n);
  return new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function baselineOf(r: RunResult): Baseline {
  return {
    kind: BASELINE_KIND,
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: r.tool,
    scenario: { name: r.scenario.name, hash: r.scenario.hash },
    seed: r.seed,
    metrics: metricsOf(r),
  };
}

/** The baseline file text (sorted metrics, bigint rule, trailing newline). */
export function renderBaseline(b: Baseline): string {
  const doc = {
    kind: b.kind,
    schemaVersion: b.schemaVersion,
    tool: { name: b.tool.name, version: b.tool.version },
    scenario: { name: b.scenario.name, hash: b.scenario.hash },
    seed: b.seed,
    metrics: Object.fromEntries([...b.metrics.entries()].map(([k, v]) => [k, bigintToJson(v)])),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Parses a baseline file's text; malformed content is a UserError naming the file. */
export function parseBaseline(text: string, label: string): Baseline {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // One line: V8's message can quote the text around the error, newlines included.
    const msg = (e as Error).message.split('\n')[0]!.replace(/\s*(in JSON )?at position \d+.*$/, '');
    const pos = /position (\d+)/.exec((e as Error).message);
    let where = label;
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      where = `${label}:${before.split('\n').length}:${Number(pos[1]) - before.lastIndexOf('\n')}`;
    }
    throw new UserError(`${where}: not JSON (${msg.replace(/, ".*$/, '')})`);
  }
  const bad = (what: string): never => {
    throw new UserError(`${label}: ${what}`);
  };
  const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const got = (v: unknown): string => (v === undefined ? 'nothing' : Array.isArray(v) ? 'a list' : JSON.stringify(v));
  if (!isMapping(doc)) return bad(`expected a baseline object, got ${got(doc)}`);
  const d = doc;
  if (d.kind !== BASELINE_KIND) bad(`kind: expected "${BASELINE_KIND}", got ${got(d.kind)}`);
  // A baseline of another schema may mean other counts under the same names: refuse it.
  if (d.schemaVersion !== RESULT_SCHEMA_VERSION) {
    bad(`schemaVersion: expected ${RESULT_SCHEMA_VERSION} (the schema this shrinksim writes; rewrite the baseline with --update), got ${got(d.schemaVersion)}`);
  }
  const tool = d.tool;
  if (!isMapping(tool) || tool.name !== 'shrinksim' || typeof tool.version !== 'string' || tool.version === '') {
    bad(`tool: expected {name: "shrinksim", version: "…"}, got ${got(tool)}`);
  }
  if (typeof d.seed !== 'number' || !Number.isSafeInteger(d.seed) || d.seed < 0) bad(`seed: expected an integer ≥ 0, got ${got(d.seed)}`);
  const sc = d.scenario;
  if (!isMapping(sc) || typeof sc.name !== 'string' || typeof sc.hash !== 'string') bad(`scenario: expected {name, hash}, got ${got(sc)}`);
  if (!isMapping(d.metrics)) bad(`metrics: expected a mapping, got ${got(d.metrics)}`);
  const metrics = new Map<string, bigint>();
  for (const [k, v] of Object.entries(d.metrics as Record<string, unknown>)) {
    if (typeof v === 'number' && Number.isSafeInteger(v)) metrics.set(k, BigInt(v));
    else if (typeof v === 'string' && /^-?\d+$/.test(v)) metrics.set(k, BigInt(v));
    else bad(`metrics.${k}: expected an integer, got ${JSON.stringify(v)}`);
  }
  return {
    kind: BASELINE_KIND,
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'shrinksim', version: (tool as Record<string, string>).version! },
    scenario: { name: (sc as Record<string, string>).name!, hash: (sc as Record<string, string>).hash! },
    seed: d.seed as number,
    metrics,
  };
}

/** `5%` → 0.05, `0.05` → 0.05; anything else is a UserError. */
export function parseTolerance(text: string | undefined): number {
  if (text === undefined) return 0;
  const t = text.trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(t);
  const v = pct ? Number(pct[1]) / 100 : /^\d+(?:\.\d+)?$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(v)) throw new UserError(`--tolerance: expected a fraction like 0.05 or a percentage like 5%, got "${text}"`);
  return v;
}

export interface Moved {
  readonly metric: string;
  readonly base: bigint;
  readonly now: bigint;
}

/** One compared count (a metric only on one side is 0 on the other). */
export interface Compared extends Moved {
  readonly moved: boolean;
}

export interface Comparison {
  readonly moved: readonly Moved[];
  /** Every compared count, sorted by metric (for the `--json` and `--junit` reports). */
  readonly rows: readonly Compared[];
  readonly compared: number;
  /** Differences that matter for reading the table but are not regressions by themselves. */
  readonly notes: readonly string[];
}

/** Is the change from `base` to `now` beyond `tolerance`? Exact in bigint for tolerance 0. */
export function beyond(base: bigint, now: bigint, tolerance: number): boolean {
  if (base === now) return false;
  if (tolerance === 0) return true;
  const diff = Number(now > base ? now - base : base - now);
  const scale = Math.max(Math.abs(Number(base)), 1);
  return diff > tolerance * scale;
}

export function compareWithBaseline(b: Baseline, r: RunResult, tolerance: number): Comparison {
  const now = metricsOf(r);
  // vmstat counters are pinned only by baselines that have them (written since they exist).
  if (![...b.metrics.keys()].some((k) => k.startsWith('vmstat.'))) {
    for (const k of [...now.keys()]) if (k.startsWith('vmstat.')) now.delete(k);
  }
  const keys = [...new Set([...b.metrics.keys(), ...now.keys()])].sort();
  const rows: Compared[] = [];
  for (const k of keys) {
    const x = b.metrics.get(k) ?? 0n;
    const y = now.get(k) ?? 0n;
    rows.push({ metric: k, base: x, now: y, moved: beyond(x, y, tolerance) });
  }
  const moved: Moved[] = rows.filter((r) => r.moved).map(({ metric, base, now }) => ({ metric, base, now }));
  const notes: string[] = [];
  if (b.scenario.hash !== r.scenario.hash) notes.push(`scenario changed since the baseline (hash ${short(b.scenario.hash)} → ${short(r.scenario.hash)})`);
  if (b.seed !== r.seed) notes.push(`seed differs: baseline ${b.seed}, this run ${r.seed}`);
  if (b.tool.version !== r.tool.version) notes.push(`baseline written by shrinksim ${b.tool.version}, this is ${r.tool.version}`);
  return { moved, rows, compared: keys.length, notes };
}

const short = (h: string): string => h.replace(/^sha256:/, '').slice(0, 12);

/** The table `check` prints when something moved. */
export function renderComparison(c: Comparison, tolerance: number): string {
  const lines: string[] = [];
  for (const n of c.notes) lines.push(`note: ${n}`);
  if (c.moved.length === 0) {
    lines.push(`ok: ${c.compared} counts within tolerance ${formatTolerance(tolerance)}`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(`${c.moved.length} of ${c.compared} counts moved beyond tolerance ${formatTolerance(tolerance)}:`);
  const rows = c.moved.map((m) => [m.metric, m.base.toString(), m.now.toString(), change(m.base, m.now)]);
  const head = ['metric', 'baseline', 'now', 'change'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: readonly string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  lines.push(fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt));
  return `${lines.join('\n')}\n`;
}

function change(base: bigint, now: bigint): string {
  const d = now - base;
  const sign = d > 0n ? '+' : '';
  return `${sign}${d} (${percentChange(base, now)})`;
}

/** `+12.5%`, `-3.0%`, `new` (baseline 0), `0.0%` (unchanged): the change column's percentage. */
export function percentChange(base: bigint, now: bigint): string {
  const d = now - base;
  const sign = d > 0n ? '+' : '';
  if (base === 0n) return d === 0n ? '0.0%' : 'new';
  const pct = (Number(d) / Math.abs(Number(base))) * 100;
  return `${sign}${pct.toFixed(1)}%`;
}

export const formatTolerance = (t: number): string => (t === 0 ? '0 (exact)' : `${+(t * 100).toFixed(4)}%`);
