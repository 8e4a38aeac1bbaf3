/**
 * The same traffic on another machine: the scenario gives memory, pressure and the driver of
 * a process named by its pid; its own script is not run; its own Binder processes stay.
 */
import { describe, expect, it } from 'vitest';
import { replayLines } from '../../src/replay/replay.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { kernelText, linesOf } from './smallTrace.js';

const MACHINE = `name: tight
kernel: "6.12"
cpus: 2
memory: {total: 64MiB}
binder:
  procs:
    - {name: other, mmap: 128KiB}
    - {name: server-on-rust, pid: 10, mmap: 1MiB, driver: rust}
script:
  - drop_caches: {mode: 2}
`;

describe('a what-if scenario', () => {
  const scenario = loadScenarioText(MACHINE, 'tight.yaml');
  const r = replayLines('small.txt', linesOf(kernelText()), { scenario, reclaimFromTrace: false });

  it("keeps the scenario's other processes and puts the trace's pid 10 on the scenario's driver and mapping", () => {
    const procs = r.replay.resolved.binder.procs.map((p) => [p.name, p.driver, p.mmapBytes]);
    expect(procs).toEqual([
      ['other', 'c', 128 * 1024],
      ['server-10', 'rust', 1024 * 1024],
    ]);
  });

  it("does not run the scenario's script: only the trace's traffic (6 allocations, 2 frees, their advances)", () => {
    const kinds = r.replay.resolved.script.map((s) => (s.kind === 'binder' ? s.op : s.kind));
    expect(kinds.filter((k) => k === 'drop_caches')).toEqual([]);
    expect(kinds.filter((k) => k === 'alloc')).toHaveLength(6);
    expect(kinds.filter((k) => k === 'free')).toHaveLength(2);
  });

  it('the Rust driver prints no Binder events, so --compare finds every page event missing', () => {
    expect(r.run.events['binder_alloc_page_end']).toBe(0);
    expect(r.compare.totals.matched).toBe(0);
    expect(r.diverged).toBe(true);
    // The pages are there all the same: 3 installed, 2 on the LRU after the frees.
    const p = r.run.binder.procs.find((x) => x.name === 'server-10');
    expect(p?.pages).toEqual({ active: 1, lru: 2, free: 256 - 3 });
  });
});
