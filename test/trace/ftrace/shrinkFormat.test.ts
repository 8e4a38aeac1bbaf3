import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_NOFS, __GFP_ZERO, gfp } from '../../../src/mm/gfp.js';
import { LONG_MAX, ULONG_MAX, s32 } from '../../../src/mm/kint.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../../../src/trace/shrinkEvents.js';
import { formatFtraceLine, ftraceHeader } from '../../../src/trace/ftrace/line.js';
import { parseFtraceLine } from '../../../src/trace/ftrace/parse.js';
import {
  formatShrinkEndBody,
  formatShrinkStartBody,
  parseShrinkEndBody,
  parseShrinkStartBody,
  pointerKey,
  shrinkerFunction,
} from '../../../src/trace/ftrace/shrinkFormat.js';
import { fixtureLines, shrinkLines, type FixtureName } from '../fixtures.js';

const NAMES: FixtureName[] = ['p1', 'p2', 'p4'];

describe('real 6.12.95 lines re-render byte-identically', () => {
  for (const name of NAMES) {
    it(`every mm_shrink_slab_start/end line of ${name} (body and whole line)`, () => {
      const lines = shrinkLines(name);
      expect(lines.length).toBe({ p1: 54, p2: 20, p4: 242 }[name]);
      for (const { text } of lines) {
        const rec = parseFtraceLine(text)!;
        expect(rec).toBeDefined();
        let body: string;
        if (rec.event === 'mm_shrink_slab_start') {
          const p = parseShrinkStartBody(rec.body)!;
          expect(p.gfpKnown).toBe(true);
          body = formatShrinkStartBody(p.event);
        } else {
          body = formatShrinkEndBody(parseShrinkEndBody(rec.body)!);
        }
        expect(body).toBe(rec.body);
        const line = formatFtraceLine({ comm: rec.comm, pid: rec.pid, cpu: rec.cpu, flags: rec.flags, tsNs: rec.tsNs }, rec.event, body);
        expect(line).toBe(text);
      }
    });

    it(`the header of ${name} is ftraceHeader()`, () => {
      const lines = fixtureLines(name);
      const entries = Number(/entries-written: (\d+)\//.exec(lines[2]!)![1]);
      const cpus = Number(/#P:(\d+)/.exec(lines[2]!)![1]);
      expect(lines.slice(0, 12).join('\n')).toBe(ftraceHeader(entries, cpus));
    });
  }

  it('every other event line of the fixtures re-renders through formatFtraceLine too', () => {
    for (const name of NAMES) {
      for (const text of fixtureLines(name)) {
        const rec = parseFtraceLine(text);
        if (!rec) {
          expect(text.startsWith('#')).toBe(true);
          continue;
        }
        expect(formatFtraceLine(rec, rec.event, rec.body)).toBe(text);
      }
    }
  });
});

const REF = { symbol: 'binder_shrink_scan+0x0/0xd0 [binder_linux]', ptr: 'ffff8f35c1dd5780' };

describe('formatShrinkStartBody / formatShrinkEndBody', () => {
  it('prints the p4 binder pair at priority 6 exactly', () => {
    const start: MmShrinkSlabStart = {
      type: 'mm_shrink_slab_start',
      shr: REF,
      nid: 0,
      nrObjectsToShrink: 6n,
      gfpFlags: GFP_HIGHUSER_MOVABLE,
      cacheItems: 539n,
      delta: 16n,
      totalScan: 16n,
      priority: 6,
    };
    const end: MmShrinkSlabEnd = { type: 'mm_shrink_slab_end', shr: REF, nid: 0, unusedScan: 6n, newScan: 22n, retval: 0, totalScan: 16n };
    expect(formatShrinkStartBody(start)).toBe(
      'binder_shrink_scan+0x0/0xd0 [binder_linux] ffff8f35c1dd5780: nid: 0 objects to shrink 6 gfp_flags GFP_HIGHUSER_MOVABLE cache items 539 delta 16 total_scan 16 priority 6',
    );
    // Note the order: total_scan is printed before the return value.
    expect(formatShrinkEndBody(end)).toBe(
      'binder_shrink_scan+0x0/0xd0 [binder_linux] ffff8f35c1dd5780: nid: 0 unused scan count 6 new scan count 22 total_scan 16 last shrinker return val 0',
    );
  });

  it('prints unsigned fields ≥ 2^63 as negative (%ld / %lld) and reads them back unsigned', () => {
    const start: MmShrinkSlabStart = {
      type: 'mm_shrink_slab_start',
      shr: REF,
      nid: 1,
      nrObjectsToShrink: LONG_MAX,
      gfpFlags: gfp(GFP_KERNEL | __GFP_ZERO),
      cacheItems: ULONG_MAX - 1n,
      delta: 1n << 63n,
      totalScan: ULONG_MAX,
      priority: 0,
    };
    const body = formatShrinkStartBody(start);
    expect(body).toContain('objects to shrink 9223372036854775807 gfp_flags GFP_KERNEL|__GFP_ZERO cache items -2 delta -9223372036854775808 total_scan -1 ');
    expect(parseShrinkStartBody(body)!.event).toEqual(start);
  });

  it('retval is the int truncation of freed', () => {
    const end: MmShrinkSlabEnd = { type: 'mm_shrink_slab_end', shr: REF, nid: 0, unusedScan: 0n, newScan: 0n, retval: s32(1n << 32n | 5n), totalScan: -3n };
    expect(formatShrinkEndBody(end)).toMatch(/ total_scan -3 last shrinker return val 5$/);
  });

  it('format → parse → format is the identity (property)', () => {
    const long = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    const ulong = fc.bigInt({ min: 0n, max: ULONG_MAX });
    const int = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    const ref = fc.record({
      symbol: fc.constantFrom('super_cache_scan+0x0/0x1c0', 'binder_shrink_scan+0x0/0xd0 [binder_linux]', '0xffffffffc0a1b2c0'),
      ptr: fc.constantFrom('ffff8f35c1874180', '0000000024acf00c', '0xffff8f35c1dd5780'),
    });
    fc.assert(
      fc.property(ref, int, long, fc.constantFrom(GFP_KERNEL, GFP_NOFS, GFP_HIGHUSER_MOVABLE, gfp(0), gfp(0x10)), ulong, ulong, ulong, int, (shr, nid, nr, g, items, delta, total, prio) => {
        const e: MmShrinkSlabStart = { type: 'mm_shrink_slab_start', shr, nid, nrObjectsToShrink: nr, gfpFlags: g, cacheItems: items, delta, totalScan: total, priority: prio };
        const body = formatShrinkStartBody(e);
        const p = parseShrinkStartBody(body)!;
        expect(p.event).toEqual(e);
        expect(formatShrinkStartBody(p.event)).toBe(body);
      }),
    );
    fc.assert(
      fc.property(ref, int, long, long, long, int, (shr, nid, unused, nw, total, ret) => {
        const e: MmShrinkSlabEnd = { type: 'mm_shrink_slab_end', shr, nid, unusedScan: unused, newScan: nw, retval: ret, totalScan: total };
        expect(parseShrinkEndBody(formatShrinkEndBody(e))).toEqual(e);
      }),
    );
  });
});

describe('parseShrinkStartBody / parseShrinkEndBody', () => {
  it('keeps gfp text it does not know, and says so', () => {
    const p = parseShrinkStartBody(
      'x_scan+0x0/0x10 ffff000000000001: nid: 0 objects to shrink 0 gfp_flags GFP_FUTURE|__GFP_NEW cache items 1 delta 0 total_scan 0 priority 12',
    )!;
    expect(p.gfpText).toBe('GFP_FUTURE|__GFP_NEW');
    expect(p.gfpKnown).toBe(false);
  });

  it('reads 6.1 gfp names (__GFP_ATOMIC) as well', () => {
    const p = parseShrinkStartBody(
      'x_scan+0x0/0x10 ffff000000000001: nid: 0 objects to shrink 0 gfp_flags GFP_ATOMIC|__GFP_NOWARN cache items 1 delta 0 total_scan 0 priority 12',
    )!;
    expect(p.gfpKnown).toBe(true);
  });

  it('rejects bodies that are not the kernel format', () => {
    expect(parseShrinkStartBody('super_cache_scan+0x0/0x1c0 ffff8f35c1874180: nid: 0 objects to shrink 0')).toBeUndefined();
    expect(parseShrinkStartBody('super_cache_scan+0x0/0x1c0 ffff8f35c1874180: nid: 0 objects to shrink x gfp_flags GFP_KERNEL cache items 1 delta 0 total_scan 0 priority 0')).toBeUndefined();
    // Beyond 64 bits cannot come from %ld.
    expect(parseShrinkEndBody('s+0x0/0x1 ffff: nid: 0 unused scan count 9223372036854775808 new scan count 0 total_scan 0 last shrinker return val 0')).toBeUndefined();
    // retval is %d.
    expect(parseShrinkEndBody('s+0x0/0x1 ffff: nid: 0 unused scan count 0 new scan count 0 total_scan 0 last shrinker return val 2147483648')).toBeUndefined();
  });
});

describe('shrinkerFunction / pointerKey', () => {
  it('strips offset and module from %pS; keeps unresolved addresses', () => {
    expect(shrinkerFunction('binder_shrink_scan+0x0/0xd0 [binder_linux]')).toBe('binder_shrink_scan');
    expect(shrinkerFunction('super_cache_scan+0x0/0x1c0')).toBe('super_cache_scan');
    expect(shrinkerFunction('0xffffffffc0a1b2c0')).toBe('0xffffffffc0a1b2c0');
  });

  it('normalises %p with or without 0x and leading zeros', () => {
    expect(pointerKey('0xFFFF8F35C1DD5780')).toBe('ffff8f35c1dd5780');
    expect(pointerKey('0000000024acf00c')).toBe('24acf00c');
    expect(pointerKey('0x24acf00c')).toBe('24acf00c');
  });
});
