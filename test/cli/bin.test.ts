/**
 * The built binary: bin/shrinksim.js runs the CLI as scripts/bundle.mjs bundles it
 * (dist/cli-bundle/). Its chunks sit at another depth than the modules tsc writes, so what the
 * CLI finds relative to the package (the default scenario, the sweep worker) is found from the
 * package root; and the bundle must compute what the modules compute.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../captureIo.js';
import { main } from '../../src/cli/main.js';
import { planSweepFile } from '../../src/sweep/plan.js';
import { runSweep } from '../../src/sweep/pool.js';
import { parseSeeds, parseSetFlag } from '../../src/sweep/spec.js';

const io = captureIo();
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'shrinksim.js');
const BUNDLED = existsSync(join(ROOT, 'dist', 'cli-bundle', 'main.js'));
const elsewhere = mkdtempSync(join(tmpdir(), 'shrinksim-bin-'));

const bin = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: elsewhere, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

describe.skipIf(!BUNDLED)('the bundled binary, run from another directory', () => {
  it('finds the bundled default scenario and writes the same JSON as the modules in-process', async () => {
    const out = join(elsewhere, 'bundle.json');
    const r = bin(['run', '--no-progress', '-q', '--json', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const inProcess = join(elsewhere, 'modules.json');
    expect(await main(['run', '--no-progress', '-q', '--json', inProcess])).toBe(0);
    expect(io.err).toBe('');
    const bundled = readFileSync(out, 'utf8');
    expect(bundled).toBe(readFileSync(inProcess, 'utf8'));
    expect(JSON.parse(bundled).scenario.name).toBe('default');
  });

  it('finds the sweep worker (dist/sweep/worker.js) for a sweep on a worker pool', () => {
    const r = bin(['sweep', join(ROOT, 'scenarios', 'sweeps', 'whatif-seeks.yaml'), '--seeds', '1..2', '--workers', '2', '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/2 points × 2 seeds = 4 runs/);
  });

  it('the bundled sweep worker answers what the modules tsc wrote answer, run for run', async () => {
    const plan = planSweepFile(join(ROOT, 'scenarios', 'drop-caches.yaml'), {
      sets: [parseSetFlag('binder.shrinker.seeks=2,0')],
      seeds: parseSeeds('1..2', 'test'),
      reference: undefined,
    });
    const bundled = await runSweep(plan, { workers: 2, workerFile: join(ROOT, 'dist', 'cli-bundle', 'sweep-worker.js') });
    const modules = await runSweep(plan, { workers: 2 });
    expect(bundled.length).toBe(4);
    expect(bundled).toEqual(modules);
  });

  it('a user error is still one line and exit 2', () => {
    const r = bin(['run', 'no-such.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('no-such.yaml: no such file\n');
  });
});
