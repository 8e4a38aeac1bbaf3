/**
 * The kernel's binder_alloc selftest, ported (see selftestPort.ts): every one of the 5^5
 * alignment cases with the buffers at the front of the mapping, each freed in all 5! orders.
 * (Front and back run as two files so that they run in parallel.)
 */
import { describe, expect, it } from 'vitest';
import { runExhaustive } from './selftestPort.js';

describe('binder_alloc selftest, ported: buffers at the front', () => {
  it('passes for every alignment case and every free order', () => {
    const r = runExhaustive('front');
    expect(r.failures.slice(0, 5)).toEqual([]);
    // 3125 cases × 120 orders, each ending in a full shrink of at least one page.
    expect(r.system.shrinkers[0]?.stats.freed).toBeGreaterThanOrEqual(375_000);
  }, 600_000);
});
