/**
 * Which metrics the sweep comparison page charts, in what order, and which it shows before
 * the reader filters. A sweep has ~40 metrics, most of them equal in every run; the page
 * leads with the ones that moved against the reference, so a reader sees the answer first.
 *
 * Shown by default, in this order: every metric that moved (a change beyond seed noise at
 * some point, or with one seed any change; largest relative change first), then the key
 * Binder, reclaim and vmstat metrics (`KEYS`, in that order; within seed noise before
 * seed-only variation before constant non-zero) until there are `DEFAULT_SHOWN`. The rest
 * follow, hidden until the filter asks: within seed noise, varying with the seed alike in
 * every point, equal in every run. With `--metrics`, every match is shown.
 */
import type { SweepDoc } from './sweepDoc.js';

/** The page opens with at least this many charts when there are that many worth showing. */
export const DEFAULT_SHOWN = 12;

export type MetricClass = 'moved' | 'moved?' | 'noise' | 'seed' | 'const';

export interface MetricPick {
  readonly name: string;
  readonly cls: MetricClass;
  /** Largest |relative change| over the points (0 when none, Infinity when the reference mean is 0). */
  readonly rel: number;
  readonly shown: boolean;
}

const RANK: Readonly<Record<MetricClass, number>> = { moved: 0, 'moved?': 1, noise: 2, seed: 3, const: 4 };

/**
 * What a reader of a Binder/reclaim comparison looks at first: Binder pages reclaimed and
 * refaulted, stalls and failures, the vmstat reclaim counters, the Binder shrinker, then the
 * rest of Binder and memory. Other metrics (other shrinkers) are charted only when they moved
 * or the filter asks for them.
 */
const KEYS: readonly RegExp[] = [
  /^binder\.reclaimed$/,
  /^binder\.[^.]+\.refaults$/,
  /^memory\.(alloc_failures|direct_reclaims)$/,
  /^stalls\./,
  /^vmstat\.(pgscan|pgsteal)_(kswapd|direct)$/,
  /^vmstat\.(slabs_scanned|allocstall_|pageoutrun)/,
  /^shrinker\.android-binder\.(scanned|freed|deferred_max)$/,
  /^memory\./,
  /^binder\./,
  /^vmstat\./,
  /^shrinker\.android-binder\./,
];

function keyRank(name: string): number {
  return KEYS.findIndex((re) => re.test(name));
}

function classOf(doc: SweepDoc, name: string): { cls: MetricClass; rel: number } {
  let cls: MetricClass | undefined;
  let rel = 0;
  for (const s of doc.summary) {
    const c = s.metrics[name]?.change;
    if (!c || c.verdict === 'same') continue;
    const r = c.rel === null ? Infinity : Math.abs(c.rel);
    if (r > rel) rel = r;
    const v: MetricClass = c.verdict;
    if (cls === undefined || RANK[v] < RANK[cls]) cls = v;
  }
  if (cls) return { cls, rel };
  const seen = new Set(doc.rows.map((r) => String(r.metrics[name] ?? 0)));
  return { cls: seen.size > 1 ? 'seed' : 'const', rel: 0 };
}

const nonZero = (doc: SweepDoc, name: string): boolean => doc.rows.some((r) => String(r.metrics[name] ?? 0) !== '0');

/** The metrics to chart (those matching `only`, or all), ordered, with the default-shown flag. */
export function pickMetrics(doc: SweepDoc, only?: (name: string) => boolean): MetricPick[] {
  const names = only ? doc.metrics.filter(only) : [...doc.metrics];
  const order = new Map(names.map((n, i) => [n, i]));
  const classed = names.map((name) => ({ name, ...classOf(doc, name) }));
  classed.sort((a, b) => RANK[a.cls] - RANK[b.cls] || (a.cls === 'seed' || a.cls === 'const' ? 0 : b.rel - a.rel) || order.get(a.name)! - order.get(b.name)!);
  if (only) return classed.map((m) => ({ ...m, shown: true }));
  const moved = classed.filter((m) => m.cls === 'moved' || m.cls === 'moved?');
  const fill = classed
    .filter((m) => m.cls !== 'moved' && m.cls !== 'moved?' && keyRank(m.name) >= 0 && (m.cls !== 'const' || nonZero(doc, m.name)))
    .sort((a, b) => keyRank(a.name) - keyRank(b.name) || RANK[a.cls] - RANK[b.cls] || order.get(a.name)! - order.get(b.name)!)
    .slice(0, Math.max(0, DEFAULT_SHOWN - moved.length));
  const shown = [...moved, ...fill];
  const picked = new Set(shown.map((m) => m.name));
  return [...shown.map((m) => ({ ...m, shown: true })), ...classed.filter((m) => !picked.has(m.name)).map((m) => ({ ...m, shown: false }))];
}
