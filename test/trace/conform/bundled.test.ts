/**
 * Every bundled scenario's ftrace text passes `conform`: each mm_shrink_slab_start/end pair is
 * reproduced by do_shrink_slab's arithmetic (exact, or consistent with a concurrent caller),
 * none mismatched and none left unpaired. A scenario that calls no shrinker has no pairs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../src/scenario/load.js';
import { runScenario } from '../../../src/sim/run.js';
import { analyse } from '../../../src/trace/conform/analyse.js';
import { collectLines } from '../../../src/trace/conform/collect.js';

const SCENARIOS = join(import.meta.dirname, '..', '..', '..', 'scenarios');
const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort();

describe('bundled scenarios pass conform', () => {
  it.each(files)('%s', (f) => {
    const res = runScenario(loadScenarioFile(join(SCENARIOS, f)), { collectTrace: true });
    const text = res.traceText ?? '';
    const starts = text.split('\n').filter((l) => l.includes(' mm_shrink_slab_start: ')).length;
    const t = analyse([collectLines(f, text.split('\n'))]).totals;
    expect(t.pairs).toBe(starts);
    expect(t.mismatched).toBe(0);
    expect(t.unpairedStarts + t.unpairedEnds).toBe(0);
    expect(t.exact + t.consistent).toBe(t.pairs);
  });
});
