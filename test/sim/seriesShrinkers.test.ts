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
  // A call happened at the instant of the piece of work holding it (the timeline lays the
  // calls out after that instant by their cost): a kswapd step, a direct reclaim, a script step.
  const pieces = events.filter((e) => e.ph === 'X' && ['kswapd_step', 'direct', 'script'].includes(e.cat ?? '') && e.name !== 'try_to_free_pages');
  const calls = events
    .filter((e) => e.cat === 'do_shrink_slab' && e.name.startsWith('do_shrink_slab '))
    .map((c) => {
      const at = ns(c.ts as number);
      const p = pieces.filter((x) => x.pid === c.pid && x.tid === c.tid && ns(x.ts as number) <= at && at < ns(x.ts as number) + ns(x.dur as number));
      expect(p.length).toBeGreaterThan(0);
      return { ...c, tNs: Math.max(...p.map((x) => ns(x.ts as number))) };
    });

  it('are cumulative at each sample time', () => {
    let checked = 0;
    for (const s of result.series) {
      const t = s.timeNs;
      s.shrinkers.forEach((x, i) => {
        const mine = calls.filter((c) => c.args?.shrinker_index === i);
        const upTo = (pred: (tNs: number) => boolean, k: string): bigint =>
          mine.filter((c) => pred(c.tNs)).reduce((a, c) => a + BigInt(c.args?.[k] as number), 0n);
        for (const k of ['scanned', 'freed'] as const) {
          const v = x[k];
          expect(v).toBeDefined();
          expect(v as bigint).toBeGreaterThanOrEqual(upTo((x) => x < t, k));
          expect(v as bigint).toBeLessThanOrEqual(upTo((x) => x <= t, k));
        }
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(0);
    const last = result.series[result.series.length - 1];
    if (last && !calls.some((c) => c.tNs >= last.timeNs)) {
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
