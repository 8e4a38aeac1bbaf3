/**
 * The memcg tree: ids, inodes, kmem ids, shrinker_info bitmaps and growth,
 * set_shrinker_bit's no-op cases, pre-order iteration, offline ordering, the boot switches.
 */
import { describe, expect, it } from 'vitest';
import { MemcgTree, ShrinkerInfo, shrinkerMapSizeFor } from '../../src/mm/memcg.js';
import { UserError } from '../../src/util/errors.js';

describe('MemcgTree', () => {
  it('root: id 1, ino 1, kmem id −1; children: lowest free id from 1, kmem id = id', () => {
    const t = new MemcgTree({ nrNodeIds: 1 });
    expect(t.root).toMatchObject({ id: 1, ino: 1, kmemId: -1, isRoot: true, online: true });
    const a = t.create(t.root, 'a');
    const b = t.create(a, 'b', { ino: 500 });
    const c = t.create(t.root, 'c');
    expect([a.id, b.id, c.id]).toEqual([2, 3, 4]);
    expect([a.ino, b.ino, c.ino]).toEqual([2, 500, 501]);
    expect([a.kmemId, b.kmemId]).toEqual([2, 3]);
    expect(b.path).toBe('/a/b');
    expect(t.byIno(500)).toBe(b);
    expect(t.byKmemId(3)).toBe(b);
    expect(t.byKmemId(-1)).toBe(t.root);
  });

  it('ids are reused after release of an offline memcg', () => {
    const t = new MemcgTree({ nrNodeIds: 1 });
    const a = t.create(t.root, 'a');
    t.create(t.root, 'b');
    expect(t.release(a)).toBe(false); // still online
    t.offline(a);
    expect(t.release(a)).toBe(true);
    expect(t.create(t.root, 'c').id).toBe(2);
  });

  it('iter is pre-order from the given memcg, offline (dying) ones included', () => {
    const t = new MemcgTree({ nrNodeIds: 1 });
    const a = t.create(t.root, 'a');
    const a1 = t.create(a, 'a1');
    const b = t.create(t.root, 'b');
    const a2 = t.create(a, 'a2');
    t.offline(a2);
    expect(t.iter().map((m) => m?.name)).toEqual(['', 'a', 'a1', 'a2', 'b']);
    expect(t.iter(a)).toEqual([a, a1, a2]);
    expect(b.online).toBe(true);
  });

  it('memcg disabled: iter yields just null and children cannot be created', () => {
    const t = new MemcgTree({ nrNodeIds: 2, memcgDisabled: true });
    expect(t.iter()).toEqual([null]);
    expect(() => t.create(t.root, 'x')).toThrow(UserError);
    expect(t.isOnline(null)).toBe(true);
  });

  it('kmem offline (nokmem): every kmem id is −1', () => {
    const t = new MemcgTree({ nrNodeIds: 1, kmemOnline: false });
    expect(t.create(t.root, 'a').kmemId).toBe(-1);
  });

  it('offline: refuses the root, an offline memcg, and one with online children (EBUSY)', () => {
    const t = new MemcgTree({ nrNodeIds: 1 });
    const a = t.create(t.root, 'a');
    const a1 = t.create(a, 'a1');
    expect(t.offline(t.root)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(t.offline(a)).toEqual({ ok: false, errno: 'EBUSY' });
    expect(t.offline(a1)).toEqual({ ok: true });
    expect(t.offline(a1)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(t.offline(a)).toEqual({ ok: true });
  });

  it('offline runs the list_lru hooks before moving deferred counts, then marks it offline', () => {
    const t = new MemcgTree({ nrNodeIds: 1 });
    t.expandShrinkerInfo(0);
    const a = t.create(t.root, 'a');
    a.info(0).addDeferred(0, 7n);
    const log: string[] = [];
    const off = t.onOffline((child, parent) => log.push(`${child.name}->${parent.name || '/'} deferred ${parent.info(0).getDeferred(0)} online ${child.online}`));
    t.offline(a);
    expect(log).toEqual(['a->/ deferred 0 online true']);
    expect(t.root.info(0).getDeferred(0)).toBe(7n);
    off();
    const b = t.create(t.root, 'b');
    t.offline(b);
    expect(log).toHaveLength(1);
  });

  it('set_shrinker_bit: no-op for null, the root, and id < 0; WARN (no-op) beyond the map', () => {
    const t = new MemcgTree({ nrNodeIds: 2 });
    t.expandShrinkerInfo(3);
    const a = t.create(t.root, 'a');
    expect(t.setShrinkerBit(null, 0, 1)).toBe(false);
    expect(t.setShrinkerBit(t.root, 0, 1)).toBe(false);
    expect(t.root.info(0).testBit(1)).toBe(false);
    expect(t.setShrinkerBit(a, 0, -1)).toBe(false);
    expect(t.setShrinkerBit(a, 0, 64)).toBe(false);
    expect(t.setShrinkerBit(a, 1, 3)).toBe(true);
    expect(a.info(1).testBit(3)).toBe(true);
    expect(a.info(0).testBit(3)).toBe(false);
    expect(t.setShrinkerBitByKmemId(a.kmemId, 0, 2)).toBe(true);
    expect(a.info(0).setBits()).toEqual([2]);
  });

  it('map growth keeps bits and deferred counts; sizes are round_up(id+1, 64)', () => {
    expect([0, 63, 64, 127, 128].map(shrinkerMapSizeFor)).toEqual([64, 64, 128, 128, 192]);
    const info = new ShrinkerInfo();
    info.expandTo(64);
    info.setBit(63);
    info.addDeferred(63, -5n);
    info.expandTo(192);
    info.setBit(130);
    info.setBit(0);
    expect(info.mapNrMax).toBe(192);
    expect(info.units).toHaveLength(3);
    expect(info.setBits()).toEqual([0, 63, 130]);
    expect(info.getDeferred(63)).toBe(-5n);
    expect(info.xchgDeferred(63)).toBe(-5n);
    expect(info.getDeferred(63)).toBe(0n);
    info.clearBit(63);
    expect(info.setBits()).toEqual([0, 130]);
  });

  it('deferred slots wrap like atomic_long_t', () => {
    const info = new ShrinkerInfo();
    info.expandTo(64);
    info.addDeferred(1, (1n << 63n) - 1n);
    expect(info.addDeferred(1, 1n)).toBe(-(1n << 63n));
  });
});
