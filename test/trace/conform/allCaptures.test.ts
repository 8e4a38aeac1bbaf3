/**
 * conform over every committed real capture (test/fixtures: 6.12.95 p1, p2, p4; the v2
 * capture's p2, p4, p8; the OOM phase p7): every mm_shrink_slab pair is reproduced by
 * do_shrink_slab's arithmetic. All are exact except p7's one kswapd call that other tasks'
 * calls overlapped: its end's new scan count includes what they added back (consistent).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../src/trace/conform/analyse.js';
import { collectFile } from '../../../src/trace/conform/collect.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const captures = ['linux-6.12.95', 'linux-6.12.95-v2', 'linux-6.12.95-oom'].flatMap((d) =>
  readdirSync(join(FIXTURES, d))
    .filter((f) => f.endsWith('.txt.gz'))
    .map((f) => join(d, f)),
);

describe('conform explains every pair of every committed real capture', () => {
  it('finds the seven captured phases', () => {
    expect(captures).toHaveLength(7);
  });

  it.each(captures)('%s', async (f) => {
    const t = analyse([await collectFile(join(FIXTURES, f), f)]).totals;
    expect(t.pairs).toBeGreaterThan(0);
    expect(t.mismatched).toBe(0);
    expect(t.unpairedStarts + t.unpairedEnds).toBe(0);
    expect(t.consistent).toBe(f.includes('trace_p7') ? 1 : 0);
    expect(t.exact + t.consistent).toBe(t.pairs);
  });
});
