/**
 * The comparison page end to end through `main(argv)` (the workers load dist/): `sweep --html`,
 * `merge --html` of the shards and `report SWEEP.json` write the same bytes; a run result with
 * `--metrics` and a bad sweep file are one line and exit 2.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { scenarioFile, tempDir } from '../sweep/fixture.js';

let err = '';
beforeEach(() => {
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const SWEEP = [scenarioFile(), '--set', 'binder.shrinker.seeks=2,0', '--seeds', '1..3', '--no-progress', '--workers', '2'];

describe('sweep comparison page from the CLI', () => {
  it('sweep --html, merge --html and report SWEEP.json give the same page', async () => {
    const dir = tempDir();
    const f = (n: string): string => join(dir, n);
    expect(await main(['sweep', ...SWEEP, '--json', f('s.json'), '--html', f('a.html')])).toBe(0);
    expect(await main(['report', f('s.json'), '-o', f('b.html')])).toBe(0);
    for (const i of [0, 1]) expect(await main(['sweep', ...SWEEP, '--shard', `${i}/2`, '--out', f('shards'), '-q'])).toBe(0);
    expect(await main(['merge', f('shards'), '--html', f('c.html'), '-q'])).toBe(0);
    const a = readFileSync(f('a.html'), 'utf8');
    expect(a).toContain('id="shrinksim-sweep-data"');
    expect(readFileSync(f('b.html'), 'utf8')).toBe(a);
    expect(readFileSync(f('c.html'), 'utf8')).toBe(a);
    // --metrics narrows the charts the same way on both paths.
    expect(await main(['sweep', ...SWEEP, '--metrics', '^binder\\.', '--html', f('d.html'), '-q'])).toBe(0);
    expect(await main(['report', f('s.json'), '--metrics', '^binder\\.', '-o', f('e.html')])).toBe(0);
    const d = readFileSync(f('d.html'), 'utf8');
    expect(readFileSync(f('e.html'), 'utf8')).toBe(d);
    const charted = [...d.matchAll(/data-metric="([^"]*)" data-index/g)].map((m) => m[1]!);
    expect(charted.length).toBeGreaterThan(0);
    expect(charted.every((m) => m.startsWith('binder.'))).toBe(true);
    expect(err).toBe('');
  }, 60_000);

  it('bad input is one line and exit 2', async () => {
    const dir = tempDir();
    const run = join(dir, 'run.json');
    expect(await main(['run', scenarioFile(), '--json', run])).toBe(0);
    err = '';
    expect(await main(['report', run, '--metrics', 'x', '-o', join(dir, 'x.html')])).toBe(2);
    expect(err).toBe(`--metrics: applies to a sweep result; ${run} is a run result\n`);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ kind: 'shrinksim-sweep', schemaVersion: 1, scenario: { name: 'x' }, params: [], seeds: [1] }));
    err = '';
    expect(await main(['report', bad, '-o', join(dir, 'x.html')])).toBe(2);
    expect(err).toBe(`${bad}: points: expected an array\n`);
  });
});
