/**
 * The `--csv` file: one row per time-series sample.
 *
 * Columns: `time_s` (exact decimal seconds of simulated time), `free_pages`, `page_cache`,
 * `anon`, `binder_active`, `binder_lru`, `binder_free`, then for each shrinker in
 * registration order `<label>.count` and `<label>.deferred` (labels as in the summary: the
 * name, with `#2`, `#3` … on later shrinkers of the same name), then (when the run counts them)
 * the cumulative `/proc/vmstat` counters under the kernel's names (`allocstall_dma` …
 * `oom_kill`, in /proc/vmstat order). RFC 4180 quoting where a name needs it; `\n` line
 * ends; bigints in full.
 */
import { VMSTAT_ITEMS } from '../mm/vmstat.js';
import { shrinkerLabels, type RunResult } from './result.js';

/** Nanoseconds as exact decimal seconds: 1500000 → `0.0015`, 2e9 → `2`. */
export function nsToSeconds(ns: number): string {
  const s = Math.floor(ns / 1e9);
  const frac = String(ns - s * 1e9).padStart(9, '0').replace(/0+$/, '');
  return frac === '' ? String(s) : `${s}.${frac}`;
}

const cell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function renderCsv(r: RunResult): string {
  const header = [
    'time_s',
    'free_pages',
    'page_cache',
    'anon',
    'binder_active',
    'binder_lru',
    'binder_free',
    // The summary's labels: two Binder drivers both register "android-binder"; the second is
    // `android-binder#2`, so no two columns share a name (a reader by name would drop one).
    ...shrinkerLabels(r.shrinkers).flatMap((l) => [`${l}.count`, `${l}.deferred`]),
  ];
  const vmstat = r.series.some((s) => s.vmstat !== undefined);
  if (vmstat) header.push(...VMSTAT_ITEMS);
  const lines = [header.map(cell).join(',')];
  for (const s of r.series) {
    const row = [
      nsToSeconds(s.timeNs),
      String(s.freePages),
      String(s.pageCache),
      String(s.anon),
      String(s.binder.active),
      String(s.binder.lru),
      String(s.binder.free),
      ...r.shrinkers.flatMap((_, i) => {
        const v = s.shrinkers[i];
        return [String(v?.count ?? ''), String(v?.deferred ?? '')];
      }),
    ];
    if (vmstat) for (const k of VMSTAT_ITEMS) row.push(String(s.vmstat?.[k] ?? ''));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}
