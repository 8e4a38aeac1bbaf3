/**
 * `sweep`, `merge` and `diff` end to end, in-process through `main(argv)` (the workers load
 * dist/), plus the shards run as separate processes by GNU parallel.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureIo } from '../captureIo.js';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { scenarioFile, tempDir } from './fixture.js';

const io = captureIo();

const ROOT = join(import.meta.dirname, '..', '..');
const file = scenarioFile();
const SWEEP = [file, '--set', 'binder.shrinker.seeks=2,0', '--set', 'workload.memory[0].rate=20MiB/s,40MiB/s', '--seeds', '1..3', '--no-progress'];

/** The unsharded outputs: JSON, CSV and the summary text. */
async function unsharded(dir: string): Promise<[string, string, string]> {
  io.out = '';
  expect(await main(['sweep', ...SWEEP, '--json', join(dir, 'all.json'), '--csv', join(dir, 'all.csv')])).toBe(0);
  return [readFileSync(join(dir, 'all.json'), 'utf8'), readFileSync(join(dir, 'all.csv'), 'utf8'), io.out];
}

async function merged(shardDir: string, dir: string): Promise<[string, string, string]> {
  io.out = '';
  expect(await main(['merge', shardDir, '--json', join(dir, 'm.json'), '--csv', join(dir, 'm.csv')])).toBe(0);
  return [readFileSync(join(dir, 'm.json'), 'utf8'), readFileSync(join(dir, 'm.csv'), 'utf8'), io.out];
}

describe('shrinksim sweep', () => {
  it('a --set of a path that does not exist: exit 2, one line, nothing run', async () => {
    expect(await main(['sweep', file, '--set', 'memory.totl=1GiB,2GiB', '--json', join(tempDir(), 'x.json')])).toBe(2);
    expect(io.out).toBe('');
    expect(io.err.trimEnd().split('\n')).toHaveLength(1);
    expect(io.err).toMatch(/^\S+tiny\.yaml: --set memory\.totl=1GiB: memory\.totl: unknown key \(expected one of: total,/);
  });

  it('--dry-run lists the points and, with --shard, the runs runIndex % N == I; nothing runs', async () => {
    expect(await main(['sweep', ...SWEEP, '--dry-run', '--shard', '1/5', '--out', join(tempDir(), 'never')])).toBe(0);
    const lines = io.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/: 4 points × 3 seeds = 12 runs; reference point 0$/);
    expect(lines[2]).toBe('shard 1/5: 3 runs (runIndex % 5 == 1)');
    // Runs 1, 6, 11: point 0 seed index 1, point 2 seed index 0, point 3 seed index 2.
    expect(lines.slice(3).map((l) => l.replace(/sha256:\w+/, 'H'))).toEqual([
      '  0  binder.shrinker.seeks=2 workload.memory[0].rate=20MiB/s  H  runs 1',
      '  1  binder.shrinker.seeks=2 workload.memory[0].rate=40MiB/s  H  runs none',
      '  2  binder.shrinker.seeks=0 workload.memory[0].rate=20MiB/s  H  runs 6',
      '  3  binder.shrinker.seeks=0 workload.memory[0].rate=40MiB/s  H  runs 11',
    ]);
  });

  it('prints the summary table, writes the tidy CSV (one row per point × seed) and the JSON', async () => {
    const dir = tempDir();
    const [json, csv, summary] = await unsharded(dir);
    expect(summary).toContain('4 points × 3 seeds = 12 runs');
    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 12);
    expect(lines[0]).toMatch(/^point,binder\.shrinker\.seeks,workload\.memory\[0\]\.rate,seed,hash,binder\.app\.refaults,/);
    expect(lines[4]).toMatch(/^1,2,40MiB\/s,1,sha256:[0-9a-f]{64},/);
    const doc = JSON.parse(json);
    expect(doc.kind).toBe('shrinksim-sweep');
    expect(doc.rows).toHaveLength(12);
    expect(doc.summary[1].metrics['binder.app.allocations'].n).toBe(3);
  });

  it('merge of all shards equals the unsharded result byte for byte', async () => {
    const dir = tempDir();
    const whole = await unsharded(dir);
    const shards = join(dir, 'shards');
    for (const i of [0, 1, 2, 3, 4]) expect(await main(['sweep', ...SWEEP, '--shard', `${i}/5`, '--out', shards, '--workers', '1'])).toBe(0);
    expect(await merged(shards, dir)).toEqual(whole);
  });

  it('merge refuses a missing shard and a shard of another sweep', async () => {
    const dir = tempDir();
    const shards = join(dir, 's');
    for (const i of [0, 2]) await main(['sweep', ...SWEEP, '--shard', `${i}/3`, '--out', shards, '-q']);
    io.err = '';
    expect(await main(['merge', shards])).toBe(2);
    expect(io.err).toBe('merge: shard 1/3 missing\n');
    const other = join(dir, 'o');
    await main(['sweep', ...SWEEP.slice(0, 3), '--shard', '1/3', '--out', other, '-q']);
    io.err = '';
    expect(await main(['merge', shards, join(other, 'shard-1-of-3.json')])).toBe(2);
    expect(io.err).toMatch(/shard-1-of-3\.json: from another sweep than .*shard-0-of-3\.json \(fingerprints differ\)\n$/);
    // A damaged shard is one line, never a stack trace.
    const damaged = join(dir, 'd');
    await main(['sweep', ...SWEEP, '--shard', '0/1', '--out', damaged, '-q']);
    const f = join(damaged, 'shard-0-of-1.json');
    const doc = JSON.parse(readFileSync(f, 'utf8'));
    doc.rows[2].metrics[0][1] = 'lots';
    writeFileSync(f, JSON.stringify(doc));
    io.err = '';
    expect(await main(['merge', damaged])).toBe(2);
    expect(io.err).toBe(`${f}: rows: binder.app.refaults: expected a count, got "lots"\n`);
  });
});

const hasParallel = spawnSync('parallel', ['--version'], { encoding: 'utf8' }).status === 0;

describe('shards run by GNU parallel', () => {
  it.skipIf(!hasParallel)('(skipped when the Debian package "parallel" is not installed) 3 shards as 3 processes merge to the unsharded result', async () => {
    const dir = tempDir();
    const whole = await unsharded(dir);
    const shards = join(dir, 'shards');
    const cmd = ['node', join(ROOT, 'bin', 'shrinksim.js'), 'sweep', ...SWEEP, '--shard', '{}/3', '--out', shards, '--workers', '1', '-q'];
    const p = spawnSync('parallel', ['--will-cite', '--halt', 'now,fail=1', '-j', '2', cmd.join(' '), ':::', '0', '1', '2'], { encoding: 'utf8' });
    expect(p.stderr).toBe('');
    expect(p.status).toBe(0);
    expect(await merged(shards, dir)).toEqual(whole);
  });
});

describe('shrinksim diff', () => {
  it('identical results: nothing moved, exit 0', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.json');
    await main(['run', file, '--seed', '4', '--json', a, '-q']);
    io.out = '';
    expect(await main(['diff', a, a])).toBe(0);
    expect(io.out).toMatch(/\nnothing moved; 0 within seed noise; \d+ unchanged\n$/);
  });

  it('another seed: the metrics that moved with absolute and relative change, exit 1; a tolerance can absorb them', async () => {
    const dir = tempDir();
    const [a, b] = [join(dir, 'a.json'), join(dir, 'b.json')];
    await main(['run', file, '--seed', '4', '--json', a, '-q']);
    await main(['run', file, '--seed', '5', '--json', b, '-q']);
    const A = JSON.parse(readFileSync(a, 'utf8'));
    const B = JSON.parse(readFileSync(b, 'utf8'));
    const [x, y] = [A.binder.procs[0].allocations as number, B.binder.procs[0].allocations as number];
    expect(x).not.toBe(y);
    io.out = '';
    expect(await main(['diff', a, b])).toBe(1);
    const sign = y > x ? '+' : '';
    const line = io.out.split('\n').find((l) => l.startsWith('binder.app.allocations '))!;
    expect(line.trim().split(/\s+/)).toEqual(['binder.app.allocations', String(x), String(y), `${sign}${y - x}`, `${sign}${(((y - x) / x) * 100).toFixed(1)}%`]);
    io.out = '';
    expect(await main(['diff', a, b, '--tolerance', '10000%'])).toBe(0);
  });

  it('two sweep points (FILE#N): means over the seeds', async () => {
    const dir = tempDir();
    await unsharded(dir);
    const s = join(dir, 'all.json');
    io.out = '';
    expect(await main(['diff', `${s}#0`, `${s}#0`])).toBe(0);
    io.out = '';
    // Point 1 doubles the page-cache pressure of point 0.
    expect(await main(['diff', `${s}#0`, `${s}#1`])).toBe(1);
    expect(io.out).toContain('mean of 3 seeds');
  });

  it('bad input: exit 2, one line', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    expect(await main(['diff', bad, bad])).toBe(2);
    expect(io.err.trimEnd().split('\n')).toHaveLength(1);
    expect(io.err).toContain('bad.json: binder: expected an object (expected a run result written by run --json, or a sweep result)');
  });
});
