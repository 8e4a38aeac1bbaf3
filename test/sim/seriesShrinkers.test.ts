/**
 * Each sample's per-shrinker `scanned` / `freed` are the cumulative counts at the sample's
 * time: checked against the do_shrink_slab calls the timeline recorder saw (another
 * recorder), bracketed by the calls strictly before and at the sample's instant, and the last
 * sample against the run's totals when no call came after it.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';
import { renderTimeline } from '../../src/report/timeline.js';
import { renderCsv } from '../../src/report/csv.js';
import { ns, parseTrace } from '../report/traceEventFormat.js';

describe.each(['near-oom', 'app-launch', 'drop-caches'])('series scanned/freed of %s', (name) => {
  const result = runScenario(loadScenarioFile(`scenarios/${name}.yaml`), { timeline: true });
  const events = parseTrace(renderTimeline(result));
  // A direct reclaim's or a script step's call happened at the instant of the piece holding it
  // (the timeline lays the calls out after that instant by their cost). A kswapd step runs in
  // simulated time, segment by segment, and its calls are counted when they end: somewhere in
  // their own slice, which the timeline lays out where the step spent that time.
  const pieces = events.filter((e) => e.ph === 'X' && ['kswapd_step', 'direct', 'script'].includes(e.cat ?? '') && e.name !== 'try_to_free_pages');
  const calls = events
    .filter((e) => e.cat === 'do_shrink_slab' && e.name.startsWith('do_shrink_slab '))
    .map((c) => {
      const at = ns(c.ts as number);
      const p = pieces.filter((x) => x.pid === c.pid && x.tid === c.tid && ns(x.ts as number) <= at && at < ns(x.ts as number) + ns(x.dur as number));
      expect(p.length).toBeGreaterThan(0);
      if (p.some((x) => x.cat === 'kswapd_step')) return { ...c, tLo: at, tHi: at + ns(c.dur as number) };
      const t = Math.max(...p.map((x) => ns(x.ts as number)));
      return { ...c, tLo: t, tHi: t };
    });

  it('are cumulative at each sample time', () => {
    let checked = 0;
    for (const s of result.series) {
      const t = s.timeNs;
      s.shrinkers.forEach((x, i) => {
        const mine = calls.filter((c) => c.args?.shrinker_index === i);
        const upTo = (pred: (c: { tLo: number; tHi: number }) => boolean, k: string): bigint =>
          mine.filter(pred).reduce((a, c) => a + BigInt(c.args?.[k] as number), 0n);
        for (const k of ['scanned', 'freed'] as const) {
          const v = x[k];
          expect(v).toBeDefined();
          expect(v as bigint).toBeGreaterThanOrEqual(upTo((c) => c.tHi < t, k));
          expect(v as bigint).toBeLessThanOrEqual(upTo((c) => c.tLo <= t, k));
        }
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(0);
    const last = result.series[result.series.length - 1];
    if (last && !calls.some((c) => c.tHi >= last.timeNs)) {
      result.shrinkers.forEach((s, i) => {
        expect(last.shrinkers[i]?.scanned).toBe(s.scanned);
        expect(last.shrinkers[i]?.freed).toBe(s.freed);
      });
    }
    // Something was actually freed over the run.
    expect(result.shrinkers.some((s) => s.freed > 0n)).toBe(true);
  });

  it('leave the wide CSV alone', () => {
    const without = { ...result, series: result.series.map((x) => ({ ...x, shrinkers: x.shrinkers.map((y) => ({ count: y.count, deferred: y.deferred })) })) };
    expect(renderCsv(result)).toBe(renderCsv(without));
  });
});
