/**
 * GFP bit values (include/linux/gfp_types.h as the 6.12.95 tracefs format file prints them),
 * show_gfp_flags rendering, the parser, and the reclaim predicates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GFP_ATOMIC,
  GFP_DMA,
  GFP_HIGHUSER,
  GFP_HIGHUSER_MOVABLE,
  GFP_KERNEL,
  GFP_KERNEL_ACCOUNT,
  GFP_NOFS,
  GFP_NOIO,
  GFP_NOWAIT,
  GFP_RECLAIM_MASK,
  GFP_TRANSHUGE,
  GFP_TRANSHUGE_LIGHT,
  GFP_USER,
  __GFP_ATOMIC_61,
  __GFP_COMP,
  __GFP_FS,
  __GFP_IO,
  __GFP_KSWAPD_RECLAIM,
  __GFP_ZERO,
  currentGfpContext,
  formatGfp,
  gfp,
  gfpNames,
  parseGfp,
  reclaimFsAllowed,
  reclaimIoAllowed,
  type GfpProfile,
} from '../../src/mm/gfp.js';

describe('bit values', () => {
  it('single flags', () => {
    expect(__GFP_IO).toBe(0x40);
    expect(__GFP_FS).toBe(0x80);
    expect(__GFP_ZERO).toBe(0x100);
    expect(__GFP_ATOMIC_61).toBe(0x200);
    expect(__GFP_KSWAPD_RECLAIM).toBe(0x800);
    expect(__GFP_COMP).toBe(0x40000);
  });

  it('composites (0x100cca is what the p4 trace’s kprobe printed for memory.reclaim)', () => {
    expect(GFP_KERNEL).toBe(0xcc0);
    expect(GFP_NOFS).toBe(0xc40);
    expect(GFP_NOIO).toBe(0xc00);
    expect(GFP_ATOMIC).toBe(0x820);
    expect(GFP_NOWAIT).toBe(0x2800);
    expect(GFP_KERNEL_ACCOUNT).toBe(0x400cc0);
    expect(GFP_USER).toBe(0x100cc0);
    expect(GFP_HIGHUSER).toBe(0x100cc2);
    expect(GFP_HIGHUSER_MOVABLE).toBe(0x100cca);
    expect(GFP_TRANSHUGE_LIGHT).toBe(0x1c20ca);
    expect(GFP_TRANSHUGE).toBe(0x1c24ca);
    expect(GFP_RECLAIM_MASK & GFP_KERNEL).toBe(GFP_KERNEL);
  });
});

describe('formatGfp (show_gfp_flags)', () => {
  it('composites first, leftovers by name, unknown bits as one hex value, 0 as none', () => {
    expect(formatGfp(0xcc0)).toBe('GFP_KERNEL');
    expect(formatGfp(0)).toBe('none');
    expect(formatGfp(GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_ZERO)).toBe('GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO');
    expect(formatGfp(GFP_USER)).toBe('GFP_USER');
    expect(formatGfp(GFP_KERNEL | (1 << 24))).toBe('GFP_KERNEL|0x1000000');
    expect(formatGfp(1 << 25)).toBe('0x2000000');
    expect(formatGfp(GFP_ATOMIC | GFP_DMA)).toBe('GFP_ATOMIC|GFP_DMA');
    expect(formatGfp(GFP_TRANSHUGE)).toBe('GFP_TRANSHUGE');
    expect(formatGfp(GFP_NOFS)).toBe('GFP_NOFS');
    expect(formatGfp(GFP_NOIO)).toBe('GFP_NOIO');
    expect(formatGfp(GFP_KERNEL_ACCOUNT)).toBe('GFP_KERNEL_ACCOUNT');
  });

  it('6.12 vs 6.1: __GFP_ATOMIC and the two GFP_NOWAIT definitions', () => {
    expect(formatGfp(0x800, '6.12')).toBe('__GFP_KSWAPD_RECLAIM');
    expect(formatGfp(0x800, '6.1')).toBe('GFP_NOWAIT');
    expect(formatGfp(0x2800, '6.12')).toBe('GFP_NOWAIT');
    expect(formatGfp(0x2800, '6.1')).toBe('GFP_NOWAIT|__GFP_NOWARN');
    expect(formatGfp(0xa20, '6.1')).toBe('GFP_ATOMIC');
    expect(formatGfp(0x200, '6.1')).toBe('__GFP_ATOMIC');
    expect(formatGfp(0x200, '6.12')).toBe('0x200');
    expect(formatGfp(0xa20, '6.12')).toBe('GFP_ATOMIC|0x200');
  });
});

describe('parseGfp', () => {
  it('names, hex and none', () => {
    expect(parseGfp('GFP_KERNEL|__GFP_ZERO')).toBe(0xdc0);
    expect(parseGfp('none')).toBe(0);
    expect(parseGfp(' GFP_NOFS ')).toBe(0xc40);
    expect(parseGfp('0x10')).toBe(0x10);
    expect(parseGfp('GFP_KERNEL|0x1000000')).toBe(0x1000cc0);
    expect(parseGfp('__GFP_ATOMIC', '6.1')).toBe(0x200);
    expect(parseGfp('__GFP_ATOMIC', '6.12')).toBeUndefined();
    expect(parseGfp('GFP_BOGUS')).toBeUndefined();
    expect(parseGfp('')).toBeUndefined();
    expect(gfpNames()).toContain('GFP_HIGHUSER_MOVABLE');
  });

  it('round trip: parse(format(m)) = m for every 26-bit mask, both profiles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: (1 << 26) - 1 }), fc.constantFrom<GfpProfile>('6.1', '6.12'), (m, p) => {
        expect(parseGfp(formatGfp(m, p), p)).toBe(m);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('reclaim predicates', () => {
  it('__GFP_FS and __GFP_IO', () => {
    expect(reclaimFsAllowed(GFP_KERNEL)).toBe(true);
    expect(reclaimFsAllowed(GFP_NOFS)).toBe(false);
    expect(reclaimFsAllowed(GFP_NOIO)).toBe(false);
    expect(reclaimIoAllowed(GFP_NOFS)).toBe(true);
    expect(reclaimIoAllowed(GFP_NOIO)).toBe(false);
    expect(reclaimIoAllowed(GFP_ATOMIC)).toBe(false);
  });

  it('current_gfp_context strips FS (nofs) or IO and FS (noio)', () => {
    expect(currentGfpContext(GFP_KERNEL, 'nofs')).toBe(GFP_NOFS);
    expect(currentGfpContext(GFP_KERNEL, 'noio')).toBe(GFP_NOIO);
    expect(currentGfpContext(GFP_KERNEL, 'none')).toBe(GFP_KERNEL);
    expect(gfp(-1)).toBe(0xffffffff);
  });
});
