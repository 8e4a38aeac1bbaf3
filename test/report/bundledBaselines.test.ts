/**
 * Every bundled scenario against its committed baseline (exact counts), and the
 * determinism promise: same scenario + seed ⇒ byte-identical JSON, CSV and trace; another
 * seed ⇒ different outputs.
 *
 * When a deliberate model change moves the counts, rewrite the baselines with
 * `npx shrinksim check scenarios/<name>.yaml --baseline scenarios/baselines/<name>.json --update`
 * and say in the commit what moved and why.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithBaseline, parseBaseline, renderComparison } from '../../src/report/baseline.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderJson } from '../../src/report/json.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SCENARIOS = join(ROOT, 'scenarios');
const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort();

describe('bundled scenarios', () => {
  it('include the ones the issue asks for, each starting with a comment', () => {
    for (const n of ['default', 'app-launch', 'nofs-windup', 'mmap-contention', 'drop-caches', 'near-oom', 'whatif-seeks2', 'whatif-seeks0', 'whatif-clamp-half', 'whatif-clamp-quarter']) {
      expect(files).toContain(`${n}.yaml`);
    }
    for (const f of files) expect(readFileSync(join(SCENARIOS, f), 'utf8')).toMatch(/^# \S/);
  });

  it.each(files)('%s matches its committed baseline', (f) => {
    const name = basename(f, '.yaml');
    const bfile = join(SCENARIOS, 'baselines', `${name}.json`);
    expect(existsSync(bfile)).toBe(true);
    const resolved = loadScenarioFile(join(SCENARIOS, f));
    const result = runScenario(resolved, { file: `scenarios/${f}` });
    const cmp = compareWithBaseline(parseBaseline(readFileSync(bfile, 'utf8'), bfile), result, 0);
    // On failure, the table says what moved.
    expect(cmp.moved.length === 0 && cmp.notes.length === 0 ? 'ok' : renderComparison(cmp, 0)).toBe('ok');
  });
});

describe('the what-if pairs show what the review said', () => {
  const run = (n: string) => runScenario(loadScenarioFile(join(SCENARIOS, `${n}.yaml`)));
  it('count clamp at priority 0, seeks 2: ULONG_MAX/2 wraps (slot −2, nothing scanned); ULONG_MAX/4 does not', () => {
    const half = run('whatif-clamp-half').shrinkers.find((s) => s.name === 'huge')!;
    expect(half.scanned).toBe(0n);
    expect(half.deferredEnd).toBe(-2n);
    const quarter = run('whatif-clamp-quarter').shrinkers.find((s) => s.name === 'huge')!;
    // total_scan = 2F = 2^63 − 2; full batches of 128: ⌊(2^63 − 2) / 128⌋ × 128 scanned, 126 deferred.
    expect(quarter.scanned).toBe(((2n ** 63n - 2n) / 128n) * 128n);
    expect(quarter.deferredEnd).toBe(126n);
  });
  it('seeks 0 scans at priority 12 already; seeks 2 does not', () => {
    const first = (n: string) => run(n).reclaim.find((r) => r.priority === 12)!.slabFreed;
    expect(first('whatif-seeks0')).toBeGreaterThan(0n);
    expect(first('whatif-seeks2')).toBe(0n);
  });
});

describe('determinism', () => {
  const file = join(SCENARIOS, 'app-launch.yaml');
  const outputs = (seed?: number) => {
    const r = runScenario(loadScenarioFile(file), { collectTrace: true, file: 'scenarios/app-launch.yaml', ...(seed === undefined ? {} : { seed }) });
    return { json: renderJson(r), csv: renderCsv(r), trace: r.traceText ?? '' };
  };

  it('same scenario and seed ⇒ byte-identical JSON, CSV and trace', () => {
    const a = outputs();
    const b = outputs();
    expect(a.trace.length).toBeGreaterThan(1000);
    expect(b.json).toBe(a.json);
    expect(b.csv).toBe(a.csv);
    expect(b.trace).toBe(a.trace);
  });

  it('another seed ⇒ different outputs (and the seed, not the hash, says so)', () => {
    const a = outputs();
    const c = outputs(8);
    expect(c.json).not.toBe(a.json);
    expect(c.csv).not.toBe(a.csv);
    expect(c.trace).not.toBe(a.trace);
    expect(JSON.parse(c.json).seed).toBe(8);
    expect(JSON.parse(c.json).scenario.hash).toBe(JSON.parse(a.json).scenario.hash);
  });
});
