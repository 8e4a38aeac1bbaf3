/**
 * A memory-pressure allocation's slowpath on the virtual clock (src/sim/allocTask.ts): its
 * direct reclaim runs segment by segment, each after the previous one's cost, so the
 * allocation completes when the reclaim's priced work has elapsed; the stall the result
 * reports is that elapsed time; the timeline draws the stall where it happened.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';
import { renderTimeline } from '../../src/report/timeline.js';
import { isInstant, type TimelineSlice } from '../../src/report/timelineData.js';
import { checkTraceEventFormat } from '../report/traceEventFormat.js';

const TEXT = readFileSync(join(import.meta.dirname, '..', '..', 'scenarios', 'oom-concurrent.yaml'), 'utf8');
const tsNs = (line: string): number => Math.round(Number(/ (\d+\.\d+): /.exec(line)?.[1]) * 1e9);

describe('timed direct reclaim of a memory-pressure task', () => {
  const r = runScenario(loadScenarioText(TEXT, 'oom-concurrent.yaml'), { collectTrace: true, timeline: true, seed: 7 });
  const lines = (r.traceText ?? '').split('\n');
  const begins = lines.filter((l) => l.includes('memhog-289 ') && l.includes(' mm_vmscan_direct_reclaim_begin: ')).map(tsNs);
  const ends = lines.filter((l) => l.includes('memhog-289 ') && l.includes(' mm_vmscan_direct_reclaim_end: ')).map(tsNs);

  it('each try_to_free_pages spans simulated time, and the next retry starts after it', () => {
    expect(begins.length).toBe(18);
    expect(ends.length).toBe(18);
    // The first call holds priorities 12..0 of shrink_node at 700 µs each (the scenario's
    // shrink_node_ns) and more: it cannot end at the instant it began.
    expect(ends[0]! - begins[0]!).toBeGreaterThanOrEqual(13 * 700_000);
    for (let i = 1; i < begins.length; i++) expect(begins[i]!).toBeGreaterThanOrEqual(ends[i - 1]!);
    // kswapd's lines fall between the hog's begin and end: other tasks run meanwhile.
    const first = lines.findIndex((l) => l.includes('memhog-289 ') && l.includes('direct_reclaim_begin'));
    const firstEnd = lines.findIndex((l) => l.includes('memhog-289 ') && l.includes('direct_reclaim_end'));
    expect(lines.slice(first, firstEnd).some((l) => l.includes('kswapd0-51 '))).toBe(true);
  });

  it('the stall reported is the elapsed time of the slowpath', () => {
    const stalls = r.memory.directStalls ?? [];
    expect(stalls.map((s) => s.comm)).toEqual(['memhog']);
    const s = stalls[0]!;
    expect(s.directReclaims).toBe(18);
    // The OOM kill ends the last allocation: its stall runs from its first begin to the kill.
    const kill = r.oomKills?.[0];
    expect(kill).toBeDefined();
    // Every reclaim lies inside some stall: the total covers the span of each call.
    const inCalls = begins.reduce((a, b, i) => a + (ends[i]! - b), 0);
    expect(s.stallNs).toBeGreaterThanOrEqual(inCalls - 18 * 1000);
    expect(s.maxStallNs).toBeLessThanOrEqual(kill!.timeNs - begins[0]! + 1000);
  });

  it('the timeline draws the stall from where it began, its work inside, on a valid trace', () => {
    const tl = r.timeline;
    expect(tl).toBeDefined();
    const hog = tl!.slices.filter((x) => x.group.kind === 'task' && x.group.comm === 'memhog' && x.slice.name === 'direct reclaim').map((x) => x.slice);
    expect(hog.length).toBe(r.memory.directStalls?.[0]?.allocations);
    const within = (s: TimelineSlice, inner: TimelineSlice): void => {
      expect(inner.startNs).toBeGreaterThanOrEqual(s.startNs);
      expect(inner.startNs + inner.durNs).toBeLessThanOrEqual(s.startNs + s.durNs);
      for (const c of inner.children) if (!isInstant(c)) within(inner, c);
    };
    // The first stall starts at the first begin (µs precision of the trace) and holds its
    // try_to_free_pages calls.
    expect(Math.abs(hog[0]!.startNs - begins[0]!)).toBeLessThan(1000);
    const calls = hog.flatMap((h) => h.children.filter((c): c is TimelineSlice => !isInstant(c) && c.name === 'try_to_free_pages'));
    expect(calls.length).toBe(18);
    for (const h of hog) for (const c of h.children) if (!isInstant(c)) within(h, c);
    expect(checkTraceEventFormat(renderTimeline(r))).toEqual([]);
  });
});
