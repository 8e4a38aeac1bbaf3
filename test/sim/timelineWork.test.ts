/**
 * The timeline's layout of one piece of reclaim: parts end to end, each as wide as its price
 * under the cost model (prices computed here by hand from DEFAULT_RECLAIM_COST's documented
 * figures), scaled down into a shorter known duration with whole-ns boundaries.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECLAIM_COST } from '../../src/mm/reclaim/cost.js';
import { itemsPriceNs, layout, WorkTree } from '../../src/sim/recorders/timelineWork.js';
import type { TimelineInstant, TimelineSlice } from '../../src/report/timelineData.js';

const slice = (x: TimelineSlice | TimelineInstant): TimelineSlice => {
  if ('instant' in x) throw new Error(`${x.name} is an instant`);
  return x;
};

function piece(): WorkTree {
  const w = new WorkTree(DEFAULT_RECLAIM_COST);
  w.shrinkNode(0, 12, {});
  w.lru(12, 10, 2, {}); // 12 pages × 100 + 10 × 1500 + 2 × 12000 = 40200
  w.call('do_shrink_slab a', 2, 256, {}); // 300 + 2 × 500 + 256 × 80 = 21780
  w.mark('skip: refcount-zero', {});
  w.countOnly('b', {}); // 300
  w.countOnly('c', {}); // merged with b: 600 in all
  w.passEnd(12, {});
  return w;
}

describe('WorkTree + layout', () => {
  it('prices a shrink_node pass as the machine does (2 µs + LRU + calls)', () => {
    const { items, priority } = piece().take();
    expect(priority).toBe(12);
    expect(itemsPriceNs(items)).toBe(2000 + 40200 + 21780 + 600);
  });

  it('lays parts end to end from the start, own overhead first', () => {
    const { items } = piece().take();
    const [node] = layout(items, 1000).map(slice);
    expect(node).toMatchObject({ name: 'shrink_node prio 12', startNs: 1000, durNs: 64580 });
    const [lru, pass] = (node as TimelineSlice).children.map(slice);
    expect(lru).toMatchObject({ startNs: 3000, durNs: 40200 });
    expect(pass).toMatchObject({ name: 'shrink_slab prio 12', startNs: 43200, durNs: 22380 });
    const kids = (pass as TimelineSlice).children;
    expect(kids.map((k) => ('instant' in k ? ['i', k.tNs] : [k.startNs, k.durNs]))).toEqual([
      [43200, 21780],
      ['i', 64980],
      [64980, 600],
    ]);
    expect(slice(kids[2] as TimelineSlice).args).toMatchObject({ calls: 2, shrinkers: 'b, c' });
  });

  it('scales into a shorter duration with whole-ns boundaries that nest', () => {
    const { items } = piece().take();
    const [node] = layout(items, 7, 1001).map(slice);
    expect(node).toMatchObject({ startNs: 7, durNs: 1001 });
    const check = (s: TimelineSlice): void => {
      expect(Number.isInteger(s.startNs) && Number.isInteger(s.durNs)).toBe(true);
      for (const c of s.children) {
        if ('instant' in c) continue;
        expect(c.startNs).toBeGreaterThanOrEqual(s.startNs);
        expect(c.startNs + c.durNs).toBeLessThanOrEqual(s.startNs + s.durNs);
        check(c);
      }
    };
    check(node as TimelineSlice);
  });

  it('never stretches parts into a longer duration', () => {
    const { items } = piece().take();
    expect(slice(layout(items, 0, 1e9)[0] as TimelineSlice).durNs).toBe(64580);
  });
});
