/**
 * The compile-time half of the typestate and of the result types: each `@ts-expect-error`
 * below fails `tsc -p tsconfig.test.json` if the line ever becomes legal.
 */
import { describe, expect, it } from 'vitest';
import {
  CountObjects,
  ScanObjects,
  debugfsCount,
  shrinkSlab,
  type AllocatedShrinker,
  type CountResult,
  type RegisteredShrinker,
  type ScanResult,
} from '../../../src/mm/shrinker/index.js';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';
import { fixture } from './helpers.js';

describe('typestate', () => {
  it('allocated and registered shrinkers offer different operations', () => {
    const { registry, ctx } = fixture('6.12');
    const a: AllocatedShrinker<{ n: number }> = registry.shrinkerAlloc({ name: 'a', priv: { n: 300 } });
    a.setSeeks(0).setBatch(64).setOps({
      count: (_sc, priv) => CountObjects.new(priv.n),
      scan: () => ScanObjects.freed(1),
    });
    // @ts-expect-error an allocated shrinker has no debugfs directory yet
    expect(() => debugfsCount(ctx, a)).toThrow();
    const r: RegisteredShrinker<{ n: number }> = a.register();
    // @ts-expect-error a registered shrinker cannot be reconfigured
    r.setSeeks?.(1);
    // @ts-expect-error nor registered again
    r.register?.();
    // @ts-expect-error handles never expose the callbacks
    r.scan?.();
    expect(debugfsCount(ctx, r)).toBe('1 300\n');
    // seeks 0: delta = 300/2 = 150 ≥ batch 64: two calls of 64, each freeing 1; 22 left.
    expect(shrinkSlab(ctx, GFP_KERNEL, 0, null, 0)).toBe(2n);
    expect(r.view.seeks).toBe(0);
    expect(r.view.batch).toBe(64);
  });

  it('count cannot say STOP and scan cannot say EMPTY', () => {
    // @ts-expect-error 'stop' is not a CountResult
    const c: CountResult = { kind: 'stop' };
    // @ts-expect-error 'empty' is not a ScanResult
    const s: ScanResult = { kind: 'empty' };
    expect([c, s].length).toBe(2);
  });
});
