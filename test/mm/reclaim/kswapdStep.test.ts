import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kswapd, kswapdTask } from '../../../src/mm/reclaim/index.js';
import { model, node, range, recorder } from './harness.js';

const WM = { min: 724, low: 905, high: 1086 };

describe('kswapd stepped one balance_pgdat iteration at a time', () => {
  it('one shrink_node per step; the wake stays pending (no new wakeup) until it sleeps', () => {
    // Nothing reclaimable: priorities 12 → 1 (12 steps with a pass), then the run ends and
    // counts a failure; MAX_RECLAIM_RETRIES such runs before kswapd sleeps.
    const n = node(0, { free: 500, wmark: WM });
    const r = recorder({ profile: '6.12' });
    const k = new Kswapd(n, kswapdTask(0, 41));
    expect(k.wake()).toBe(true);
    const mem = model([n]);
    expect(k.step(mem, r.deps)).toBe('continue');
    expect(r.priorities()).toEqual([12]);
    expect(k.wake()).toBe(false);
    for (let i = 0; i < 10; i++) k.step(mem, r.deps);
    expect(r.priorities()).toEqual(range(12, 2));
    let steps = 11;
    while (k.step(mem, r.deps) === 'continue') steps++;
    steps++;
    // 16 runs (MAX_RECLAIM_RETRIES) of 12 passes; each run's last pass ends it in the same step.
    expect(r.calls.length).toBe(16 * 12);
    expect(steps).toBe(16 * 12);
    expect(k.running).toBe(false);
    expect(k.wake()).toBe(false); // hopeless now: kswapd_failures ≥ MAX_RECLAIM_RETRIES
  });

  it('property: stepping makes exactly the passes of the all-at-once run', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1085 }), (file, free) => {
        const mk = () => node(0, { managed: 2_000_000, file, free, wmark: WM });
        const a = mk();
        const ra = recorder({ profile: '6.1' });
        const ka = new Kswapd(a, kswapdTask(0, 41));
        const whole = ka.run(model([a]), ra.deps);
        const b = mk();
        const rb = recorder({ profile: '6.1' });
        const kb = new Kswapd(b, kswapdTask(0, 41));
        kb.wake();
        while (kb.step(model([b]), rb.deps) === 'continue') {
          /* step */
        }
        expect(rb.priorities()).toEqual(ra.priorities());
        expect(kb.lastWake).toEqual(whole);
        expect(b.free).toBe(a.free);
      }),
      { numRuns: 60 },
    );
  });
});
