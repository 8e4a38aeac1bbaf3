/**
 * The `--csv-long` file: the time series in long ("tidy") form, one value per row:
 * `time_s,metric,label,value`. What data frames load without reshaping
 * (`pd.read_csv(f).pivot_table(...)`, ggplot's `aes(colour = label)`).
 *
 * Metrics, per sample: `free_pages`, `page_cache`, `anon` (label empty); `binder_pages`
 * (label `active`, `lru`, `free`); `shrinker_count`, `shrinker_deferred` and, when sampled,
 * `shrinker_scanned`, `shrinker_freed` (label: the shrinker, `#2` … on repeated names, as the
 * summary names them); `vmstat` (label: the /proc/vmstat counter, cumulative). Values are
 * exact integers (bigints in full); `time_s` as in `--csv`; RFC 4180 quoting.
 */
import { nsToSeconds } from './csv.js';
import { shrinkerLabels, type RunResult } from './result.js';

const cell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function renderCsvLong(r: RunResult): string {
  const labels = shrinkerLabels(r.shrinkers).map(cell);
  const lines = ['time_s,metric,label,value'];
  for (const s of r.series) {
    const t = nsToSeconds(s.timeNs);
    const put = (metric: string, label: string, v: number | bigint): void => void lines.push(`${t},${metric},${label},${v}`);
    put('free_pages', '', s.freePages);
    put('page_cache', '', s.pageCache);
    put('anon', '', s.anon);
    put('binder_pages', 'active', s.binder.active);
    put('binder_pages', 'lru', s.binder.lru);
    put('binder_pages', 'free', s.binder.free);
    s.shrinkers.forEach((x, i) => {
      const l = labels[i] ?? '';
      put('shrinker_count', l, x.count);
      put('shrinker_deferred', l, x.deferred);
      if (x.scanned !== undefined) put('shrinker_scanned', l, x.scanned);
      if (x.freed !== undefined) put('shrinker_freed', l, x.freed);
    });
    for (const [k, v] of Object.entries(s.vmstat ?? {})) put('vmstat', k, v);
  }
  return `${lines.join('\n')}\n`;
}
