/**
 * `shrinksim replay` end to end through main(argv): exit 0 on a match, 1 when --compare finds
 * a divergence, 2 (one line on stderr) on a file without Binder events; the kernel profile
 * from --kernel, else the scenario's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../captureIo.js';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const io = captureIo();

const FIX = join(import.meta.dirname, '..', 'fixtures');
const T61 = join(FIX, 'linux-6.1', 'trace_binder_handmade.txt');
const P1 = join(FIX, 'linux-6.12.95', 'trace_p1_drop_caches.txt.gz');
const dir = mkdtempSync(join(tmpdir(), 'shrinksim-replay-'));
const SCENARIO_61 = join(dir, 'k61.yaml');
writeFileSync(SCENARIO_61, 'name: k61\nkernel: "6.1"\ncpus: 2\nmemory: {total: 512MiB}\n');

describe('shrinksim replay', () => {
  it('--compare --reclaim-from-trace --kernel 6.1: MATCH, exit 0', async () => {
    expect(await main(['replay', '--compare', '--reclaim-from-trace', '--kernel', '6.1', T61])).toBe(0);
    expect(io.out).toContain('page events in order: 15 of 15 (100.00%)');
    expect(io.out).toContain('MATCH');
  });

  it('takes the kernel from the scenario when --kernel is absent', async () => {
    expect(await main(['replay', '--compare', '--reclaim-from-trace', '--scenario', SCENARIO_61, T61])).toBe(0);
    expect(io.out).toContain('(kernel 6.1, frees by debug id, printed by a 6.1 allocator)');
  });

  it('exits 1 when the replay diverges (a 6.1 trace on the 6.12 allocator)', async () => {
    expect(await main(['replay', '--compare', '--reclaim-from-trace', T61])).toBe(1);
    expect(io.out).toContain('DIVERGED');
    expect(io.out).toMatch(/diverges: line \d+ \(free of t1, server-20\): event 1 of 2: trace lru-add proc=20 page=1, replay lru-add proc=20 page=0/);
  });

  it('without --compare, exit 0 and no comparison', async () => {
    expect(await main(['replay', T61])).toBe(0);
    expect(io.out).not.toContain('page events in order');
  });

  it('a trace without Binder events: one line on stderr, exit 2', async () => {
    expect(await main(['replay', P1])).toBe(2);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(io.err).toMatch(/trace_p1_drop_caches\.txt\.gz: no Binder events/);
  });

  it('rejects an unknown kernel profile', async () => {
    expect(await main(['replay', '--kernel', '5.10', T61])).toBe(2);
    expect(io.err).toContain('5.10');
  });
});
