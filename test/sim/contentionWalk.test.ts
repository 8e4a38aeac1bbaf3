/**
 * Lock contention as the real p8 capture shows it (../shared/traces/linux-6.12.95-v2/
 * trace_p8_contention.txt.gz, kretprobe on binder_alloc_free_page: 1 = LRU_REMOVED_RETRY,
 * 3 = LRU_SKIP): only the contended process's pages are skipped, and because every successful
 * isolate returns LRU_REMOVED_RETRY the walk restarts from the head and meets the skipped
 * pages again, spending nr_to_walk on them. The numbers below come from the kernel's rules:
 *
 * - binder_shrink_scan is `list_lru_walk(&binder_freelist, binder_alloc_free_page, NULL,
 *   sc->nr_to_scan)`; __list_lru_walk_one charges one unit of nr_to_walk per item visited
 *   (skips included) and restarts from the head after LRU_REMOVED_RETRY.
 * - With S skipped pages at the head, each freed page costs S + 1 units: a walk of budget W
 *   frees ⌊W / (S + 1)⌋ pages (while freeable pages remain) and skips S per freed page.
 * - do_shrink_slab at priority 0 for DEFAULT_SEEKS (2): delta = 4 × freeable / 2 = 2 × freeable,
 *   total_scan capped at 2 × freeable, scanned in batches of SHRINK_BATCH (128) while
 *   total_scan ≥ 128: ⌊2 × freeable / 128⌋ scan calls of 128.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';

/** `client` frees its buffer first (its pages at the LRU head), then `server`; `client`'s mmap lock is held throughout. */
const scenario = (clientKiB: number, serverKiB: number, contended: boolean, reclaim: string) => `
name: contention-walk
kernel: "6.12"
seed: 1
memory: { total: 512MiB, page_cache: 0, anon: 0 }
shrinkers: []
binder:
  procs:
    - { name: client, mmap: 4MiB }
    - { name: server, mmap: 4MiB }
script:
  - alloc: { proc: client, buffer: c, data: ${clientKiB}KiB }
  - alloc: { proc: server, buffer: s, data: ${serverKiB}KiB }
  - free: { proc: client, buffer: c }
  - free: { proc: server, buffer: s }
${contended ? '  - lock: { proc: client, lock: mmap, hold: 10s, task: contender }\n' : ''}  - ${reclaim}
`;

const run = (clientKiB: number, serverKiB: number, contended: boolean, reclaim: string) => {
  const r = runScenario(loadScenarioText(scenario(clientKiB, serverKiB, contended, reclaim), 'walk.yaml'));
  const lru = Object.fromEntries(r.binder.procs.map((p) => [p.name, p.pages.lru]));
  const binder = r.shrinkers.find((s) => s.name === 'android-binder')!;
  return { lru, freed: binder.freed, scanned: binder.scanned, skips: r.skips['mmap_lock'] ?? 0 };
};

describe('Binder LRU walk under mmap-lock contention (p8 behaviour)', () => {
  it('15 contended pages at the head (p7/p8 client size): each batch of 128 frees ⌊128 / 16⌋ = 8 pages', () => {
    // 60 KiB → 15 client pages, 1744 KiB → 436 server pages; freeable 451.
    // One shrink_slab at priority 0: total_scan = 902 → 7 scan calls of 128 → 7 × 8 = 56 freed,
    // each freed page preceded by the 15 client pages again: 56 × 15 = 840 skips.
    const c = run(60, 1744, true, 'shrink_slab: { priority: 0, gfp: GFP_KERNEL }');
    expect(c.lru).toEqual({ client: 15, server: 436 - 56 });
    expect(c.freed).toBe(56n);
    expect(c.skips).toBe(840);
    expect(c.scanned).toBe(7n * 128n);
    // Without contention the same call frees every page: 896 units of walk ≥ 451 pages.
    const u = run(60, 1744, false, 'shrink_slab: { priority: 0, gfp: GFP_KERNEL }');
    expect(u.lru).toEqual({ client: 0, server: 0 });
    expect(u.freed).toBe(451n);
    expect(u.skips).toBe(0);
  });

  it('≥ 128 contended pages at the head: drop_caches frees nothing, not even the uncontended process’s pages', () => {
    // 800 KiB → 200 client pages, 1200 KiB → 300 server pages; freeable 500: total_scan 1000 →
    // 7 calls of 128, each spending its whole budget on the first 128 client pages (7 × 128 =
    // 896 skips), freeing 0 — so drop_slab's loop (`while (freed >> shift++) > 1`) stops after
    // one round. Only the client's pages are ever skipped.
    const c = run(800, 1200, true, 'drop_caches: {}');
    expect(c.lru).toEqual({ client: 200, server: 300 });
    expect(c.freed).toBe(0n);
    expect(c.skips).toBe(7 * 128);
    // Without contention drop_caches leaves none.
    const u = run(800, 1200, false, 'drop_caches: {}');
    expect(u.lru).toEqual({ client: 0, server: 0 });
    expect(u.freed).toBe(500n);
  });

  it('p8’s drop_caches calls at 95, 87, 79 items: 8 freed and 120 skipped each, and drop_slab stops by its shift rule', () => {
    // The real capture's calls after the first: cache items 95 → 87 → 79, each "ret=1 ×8,
    // ret=3 ×120": 15 client pages skipped before each of 8 frees (8 × 16 = 128). Mirror:
    // 15 contended client pages at the head, 80 server pages behind them.
    // drop_slab rounds (priority 0, nr_deferred carried, capped at 2 × freeable):
    //   95 items: total_scan 190 → 1 call, 8 freed; deferred 190 − 128 = 62
    //   87 items: 62 + 174 → 174 → 1 call, 8 freed; deferred 62 + 174 − 128 = 108   (8 >> 1 = 4 > 1)
    //   79 items: 108 + 158 → 158 → 1 call, 8 freed; deferred 138                  (8 >> 2 = 2 > 1)
    //   71 items: 138 + 142 → 142 → 1 call, 8 freed; deferred 142                  (8 >> 3 = 1: stop)
    const c = run(60, 320, true, 'drop_caches: {}');
    expect(c.lru).toEqual({ client: 15, server: 80 - 32 });
    expect(c.freed).toBe(32n);
    expect(c.skips).toBe(4 * 120);
    expect(c.scanned).toBe(4n * 128n);
  });
});
