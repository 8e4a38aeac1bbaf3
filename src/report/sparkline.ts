/**
 * Terminal sparklines (`▁▂▃▄▅▆▇█`) for the summary: a series squeezed into a fixed width,
 * each character the mean of its bucket of samples, scaled between the series' min and max.
 */
const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[], width = 48): string {
  if (values.length === 0) return '';
  const n = Math.min(width, values.length);
  const means: number[] = [];
  for (let b = 0; b < n; b++) {
    const from = Math.floor((b * values.length) / n);
    const to = Math.max(from + 1, Math.floor(((b + 1) * values.length) / n));
    let sum = 0;
    for (let i = from; i < to; i++) sum += values[i] ?? 0;
    means.push(sum / (to - from));
  }
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (hi === lo) return BARS[0]!.repeat(n);
  return means.map((m) => BARS[Math.min(BARS.length - 1, Math.floor(((m - lo) / (hi - lo)) * BARS.length))]!).join('');
}
