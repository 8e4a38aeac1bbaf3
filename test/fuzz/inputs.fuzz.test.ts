/**
 * Issue 9's fuzz tests of the other inputs: real 6.12 traces mutated (deleted, swapped,
 * duplicated lines, truncation, garbage, huge numbers, unicode, empty and header-only files,
 * corrupt gzip) given to `conform`, and baselines mutated (deleted keys, swapped types, huge
 * numbers, unicode, duplicate keys, truncation, garbage, other schema/kind/tool) given to
 * `check`. Outcomes: exit 0/1 with a verdict line, or exit 2 with lines naming the file.
 */
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BASELINE_CLASSES, TRACE_CLASSES, type Picks } from '../../scripts/fuzz/mutate.mjs';
import { fixtureLines, type FixtureName } from '../trace/fixtures.js';
import { baselineCase, runCli, tempDir, traceCase, removeTempDirs } from './harness.js';

const PER_CLASS = 15;
const pick = () => fc.tuple(fc.nat(), fc.nat(), fc.nat());

afterAll(removeTempDirs);

describe('trace fuzz (conform)', () => {
  it.each(TRACE_CLASSES.map((c, i) => [c, i]))('%s', async (cls, i) => {
    const dir = tempDir();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<FixtureName>('p1', 'p2'), pick(), async (base, picks) => {
        const r = await traceCase(fixtureLines(base), cls as string, picks as Picks, dir);
        expect(['ok', 'finding', 'refused'], `${base} ${r.detail}`).toContain(r.outcome);
      }),
      { seed: 9_100 + (i as number), numRuns: PER_CLASS, endOnFailure: true },
    );
  });
});

describe('baseline fuzz (check)', () => {
  const dir = tempDir();
  const scenario = join(dir, 'small.yaml');
  writeFileSync(scenario, 'name: small\nshrinkers: [{name: sb, kind: superblock, count: 5000}]\nbinder: {procs: [{name: p, mmap: 128KiB}]}\nscript:\n  - alloc: {proc: p, buffer: a, data: 40000}\n  - shrink_slab: {priority: 0}\n');
  let base = '';
  it('a fresh baseline checks clean', async () => {
    const good = join(dir, 'good.json');
    expect((await runCli(['check', scenario, '--baseline', good, '--update'])).code).toBe(0);
    base = readFileSync(good, 'utf8');
    expect((await runCli(['check', scenario, '--baseline', good])).code).toBe(0);
  });
  it.each(BASELINE_CLASSES.map((c, i) => [c, i]))('%s', async (cls, i) => {
    await fc.assert(
      fc.asyncProperty(pick(), async (picks) => {
        const r = await baselineCase(scenario, base, cls as string, picks as Picks, dir);
        expect(['ok', 'finding', 'refused'], r.detail).toContain(r.outcome);
      }),
      { seed: 9_200 + (i as number), numRuns: PER_CLASS, endOnFailure: true },
    );
  });
});
