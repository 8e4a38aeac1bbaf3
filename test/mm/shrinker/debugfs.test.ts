/**
 * /sys/kernel/debug/shrinker/<name>-<id>/{count,scan} (spec §5, §9 invariants 21–22) and
 * the kernel sscanf behind scan.
 */
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';
import { debugfsCount, debugfsScan } from '../../../src/mm/shrinker/debugfs.js';
import { kscanf } from '../../../src/mm/shrinker/kscanf.js';
import { CountObjects, ScanObjects, ShrinkControl, type CountResult, type KernelProfile, type ShrinkerFlags } from '../../../src/mm/shrinker/types.js';
import { fixture } from './helpers.js';

const enc = (s: string) => Buffer.from(s, 'utf8');

function withShrinker(profile: KernelProfile, flags: Partial<ShrinkerFlags>, count: (sc: ShrinkControl) => CountResult, nrNodeIds = 2) {
  const f = fixture(profile, { nrNodeIds });
  const counts: ShrinkControl[] = [];
  const scans: { nrToScan: number; nrScanned: number; nid: number; memcg: unknown; gfp: number }[] = [];
  const r = f.registry
    .shrinkerAlloc({ name: 'test', flags })
    .setOps({
      count: (sc) => {
        counts.push(sc);
        return count(sc);
      },
      scan: (sc) => {
        scans.push({ nrToScan: sc.nrToScan, nrScanned: sc.nrScanned, nid: sc.nid, memcg: sc.memcg, gfp: sc.gfpMask });
        return ScanObjects.freed(sc.nrToScan);
      },
    })
    .register();
  return { ...f, r, counts, scans };
}

describe('count', () => {
  it('non-memcg-aware, NUMA-unaware: one root line, count asked for node 0 only, other nodes print 0', () => {
    const f = withShrinker('6.12', {}, () => CountObjects.new(451));
    f.memcgs.create(f.memcgs.root, 'a');
    expect(debugfsCount(f.ctx, f.r)).toBe('1 451 0\n');
    expect(f.counts.map((sc) => [sc.nid, sc.memcg, sc.gfpMask])).toEqual([[0, null, GFP_KERNEL]]);
  });

  it('memcg-aware + NUMA-aware: a line per online memcg (pre-order), zero lines omitted, EMPTY prints 0', () => {
    const f = withShrinker('6.12', { memcgAware: true, numaAware: true }, (sc) => {
      const name = (sc.memcg as unknown as { name: string }).name;
      if (name === 'quiet') return CountObjects.EMPTY;
      if (name === 'half') return sc.nid === 0 ? CountObjects.EMPTY : CountObjects.new(3);
      return CountObjects.new(10 + sc.nid);
    });
    const a = f.memcgs.create(f.memcgs.root, 'a', { ino: 100 });
    f.memcgs.create(a, 'quiet', { ino: 101 });
    f.memcgs.create(a, 'half', { ino: 102 });
    const gone = f.memcgs.create(f.memcgs.root, 'gone', { ino: 103 });
    f.memcgs.offline(gone);
    expect(debugfsCount(f.ctx, f.r)).toBe('1 10 11\n100 10 11\n102 0 3\n');
    // Offline memcgs are never asked.
    expect(f.counts.some((sc) => (sc.memcg as unknown as { name: string }).name === 'gone')).toBe(false);
  });

  it('memcg disabled: the single iteration prints inode 0', () => {
    const f = withShrinker('6.1', {}, () => CountObjects.new(5));
    const d = fixture('6.1', { memcgDisabled: true, nrNodeIds: 1 });
    const r = d.registry
      .shrinkerAlloc({ name: 'x' })
      .setOps({ count: () => CountObjects.new(5), scan: () => ScanObjects.STOP })
      .register();
    expect(debugfsCount(d.ctx, r)).toBe('0 5\n');
    expect(debugfsCount(f.ctx, f.r)).toBe('1 5 0\n');
  });

  it('empty output when everything counts 0, and the unsigned sum can wrap to 0', () => {
    const f = withShrinker('6.12', {}, () => CountObjects.UNKNOWN);
    expect(debugfsCount(f.ctx, f.r)).toBe('');
    const g = fixture('6.12', { nrNodeIds: 2 });
    const r = g.registry
      .shrinkerAlloc({ name: 'raw', flags: { numaAware: true } })
      .setRawOps({ countRaw: () => 1n << 63n, scanRaw: () => 0n })
      .register();
    // 2^63 + 2^63 = 2^64 ≡ 0 (unsigned long total): the line is omitted.
    expect(debugfsCount(g.ctx, r)).toBe('');
  });

  it('calls count but never scan, and changes no deferred slot', () => {
    const f = withShrinker('6.12', {}, () => CountObjects.new(1_000_000));
    debugfsCount(f.ctx, f.r);
    expect(f.scans).toEqual([]);
    expect(f.r.view.nrDeferred(0)).toBe(0n);
  });
});

describe('scan', () => {
  it('exactly one scan_objects call with nr_to_scan = nr_scanned = N; no count, no deferred, no trace', () => {
    const f = withShrinker('6.12', {}, () => CountObjects.new(5));
    expect(debugfsScan(f.ctx, f.r, '0 1 500\n')).toEqual({ ok: true, bytes: 8 });
    expect(f.scans).toEqual([{ nrToScan: 500, nrScanned: 500, nid: 1, memcg: null, gfp: GFP_KERNEL }]);
    expect(f.counts).toEqual([]);
    expect(f.r.view.nrDeferred(0)).toBe(0n);
    expect(f.starts).toEqual([]);
    expect(f.outcomes).toEqual([]);
  });

  it('memcg-aware: the memcg is looked up by cgroup inode', () => {
    const f = withShrinker('6.1', { memcgAware: true }, () => CountObjects.new(5));
    const a = f.memcgs.create(f.memcgs.root, 'a', { ino: 4242 });
    expect(debugfsScan(f.ctx, f.r, '4242 0 7')).toEqual({ ok: true, bytes: 8 });
    expect(f.scans[0]!.memcg).toBe(a);
    expect(debugfsScan(f.ctx, f.r, '1 0 7')).toEqual({ ok: true, bytes: 5 });
    expect(f.scans[1]!.memcg).toBe(f.memcgs.root);
  });

  it('every error case', () => {
    const plain = withShrinker('6.12', {}, () => CountObjects.new(5));
    const aware = withShrinker('6.12', { memcgAware: true }, () => CountObjects.new(5));
    const off = aware.memcgs.create(aware.memcgs.root, 'off', { ino: 77 });
    aware.memcgs.offline(off);
    const cases: [typeof plain, string, unknown][] = [
      [plain, '', { ok: false, errno: 'EINVAL' }], // no fields
      [plain, '0 0', { ok: false, errno: 'EINVAL' }], // two fields
      [plain, 'x 0 5', { ok: false, errno: 'EINVAL' }],
      [plain, '-1 0 5', { ok: false, errno: 'EINVAL' }], // %lu takes no sign
      [plain, '+0 0 5', { ok: false, errno: 'EINVAL' }], // nor '+'
      [plain, '0 0 -5', { ok: false, errno: 'EINVAL' }],
      [plain, '0x0 0 5', { ok: false, errno: 'EINVAL' }], // base 10: reads 0, then 'x' fails %d
      [plain, '0 -1 5', { ok: false, errno: 'EINVAL' }], // nid < 0
      [plain, '0 2 5', { ok: false, errno: 'EINVAL' }], // nid ≥ nr_node_ids
      [plain, '1 0 5', { ok: false, errno: 'EINVAL' }], // not memcg-aware, ino ≠ 0
      [aware, '999 0 5', { ok: false, errno: 'ENOENT' }], // unknown inode
      [aware, '77 0 5', { ok: false, errno: 'ENOENT' }], // offline memcg
      [plain, `${' '.repeat(71)}0 0 5`, { ok: false, errno: 'EINVAL' }], // only 71 bytes are read
    ];
    for (const [f, input, want] of cases) expect(debugfsScan(f.ctx, f.r, input), JSON.stringify(input)).toEqual(want);
    expect(plain.scans).toEqual([]);
    expect(aware.scans).toEqual([]);
  });

  it('nr_to_scan 0 is accepted as a no-op (even with an ino that would be invalid later)', () => {
    const f = withShrinker('6.12', {}, () => CountObjects.new(5));
    expect(debugfsScan(f.ctx, f.r, '5 0 0')).toEqual({ ok: true, bytes: 5 });
    // 2^64 wraps to 0 in simple_strtoull: also a no-op.
    expect(debugfsScan(f.ctx, f.r, '0 0 18446744073709551616')).toEqual({ ok: true, bytes: 24 });
    expect(f.scans).toEqual([]);
  });

  it('sscanf quirks: %d keeps the low 32 bits; bytes past 71 are ignored but counted', () => {
    const f = withShrinker('6.12', {}, () => CountObjects.new(5));
    // 4294967296 = 2^32 → (int) 0: node 0.
    expect(debugfsScan(f.ctx, f.r, '0 4294967296 3')).toEqual({ ok: true, bytes: 14 });
    expect(f.scans[0]!.nid).toBe(0);
    const long = `0 0 12${'x'.repeat(100)}`;
    expect(debugfsScan(f.ctx, f.r, long)).toEqual({ ok: true, bytes: 106 });
    expect(f.scans[1]!.nrToScan).toBe(12);
  });

  it('a shrinker without a debugfs directory (freed) cannot be read', () => {
    const f = withShrinker('6.12', {}, () => CountObjects.new(5));
    const core = f.r.core;
    f.r.free();
    expect(() => debugfsCount(f.ctx, core)).toThrow(/no debugfs directory/);
    expect(f.registry.debugfsLookup('test-0')).toBeUndefined();
  });
});

describe('kscanf (lib/vsprintf.c vsscanf subset)', () => {
  it('counts successful conversions and stops at the first failure', () => {
    expect(kscanf(enc('1 2 3'), '%lu %d %lu')).toEqual({ count: 3, values: [1n, 2n, 3n] });
    expect(kscanf(enc('  1\t-2\n3 trailing'), '%lu %d %lu')).toEqual({ count: 3, values: [1n, -2n, 3n] });
    expect(kscanf(enc('1-2 3'), '%lu %d %lu')).toEqual({ count: 3, values: [1n, -2n, 3n] });
    expect(kscanf(enc('12'), '%lu %d %lu')).toEqual({ count: 1, values: [12n] });
    expect(kscanf(enc('1 - 3'), '%lu %d %lu')).toEqual({ count: 1, values: [1n] });
    expect(kscanf(enc('1 2\u00003'), '%lu %d %lu')).toEqual({ count: 2, values: [1n, 2n] });
  });

  it('wraps %lu modulo 2^64 and truncates %d to int', () => {
    expect(kscanf(enc('18446744073709551617 0 0'), '%lu %d %lu').values[0]).toBe(1n);
    expect(kscanf(enc('0 2147483648 0'), '%lu %d %lu').values[1]).toBe(-2147483648n);
    expect(kscanf(enc('0 -2147483649 0'), '%lu %d %lu').values[1]).toBe(2147483647n);
  });
});
