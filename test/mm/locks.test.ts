/**
 * Simulated locks: holds cover [from, until); trylocks fail only against a conflicting hold
 * active at that instant; blocking waits last until the conflicting holds end.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, SimLock } from '../../src/mm/locks.js';

describe('SimLock', () => {
  it('a spinlock hold blocks trylock exactly during [from, until)', () => {
    const l = new SimLock('alloc->lock', 'spinlock');
    l.hold('txn', 'exclusive', 100, 50);
    expect(l.tryLock(99).ok).toBe(true);
    const r = l.tryLock(100);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.heldBy.task).toBe('txn');
    expect(l.tryLock(149).ok).toBe(false);
    expect(l.tryLock(150).ok).toBe(true);
    expect(l.contended).toBe(2);
  });

  it('an rwsem: readers share, a writer excludes readers and writers', () => {
    const l = new SimLock('mmap_lock', 'rwsem');
    l.hold('fault', 'read', 0, 10);
    expect(l.tryRead(5).ok).toBe(true);
    expect(l.tryLock(5).ok).toBe(false);
    l.hold('munmap', 'write', 20, 10);
    expect(l.tryRead(25).ok).toBe(false);
    expect(l.tryRead(30).ok).toBe(true);
  });

  it('blocking waits end with the last conflicting hold; modes are checked', () => {
    const l = new SimLock('mmap_lock', 'rwsem');
    l.hold('a', 'write', 0, 10);
    l.hold('b', 'read', 0, 30);
    expect(l.waitNs(5, 'read')).toBe(5);
    expect(l.waitNs(5, 'write')).toBe(25);
    expect(() => l.hold('x', 'exclusive', 0, 1)).toThrow(RangeError);
    expect(() => new SimLock('s', 'spinlock').tryRead(0)).toThrow(RangeError);
  });

  it('the manual clock only moves forward', () => {
    const c = new ManualClock();
    c.advance(5);
    expect(c.nowNs()).toBe(5);
    expect(() => c.advance(-1)).toThrow(RangeError);
    expect(() => c.set(4)).toThrow(RangeError);
  });
});
