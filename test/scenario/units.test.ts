import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseObjects, parseRate, parseSize, parseTime } from '../../src/scenario/units.js';

const v = <T>(r: { ok: true; value: T } | { ok: false; message: string }): T | string => (r.ok ? r.value : r.message);

describe('sizes', () => {
  it('bytes, binary units and pages', () => {
    expect(v(parseSize(4096))).toBe(4096);
    expect(v(parseSize('4096'))).toBe(4096);
    expect(v(parseSize('4MiB'))).toBe(4 * 1024 * 1024);
    expect(v(parseSize('1.5 GiB'))).toBe(1.5 * 2 ** 30);
    expect(v(parseSize('128KiB'))).toBe(131072);
    expect(v(parseSize('16M'))).toBe(16 * 2 ** 20); // memparse, as memory.reclaim reads it
    expect(v(parseSize('300 pages'))).toBe(300 * 4096);
    expect(v(parseSize('1 page'))).toBe(4096);
    expect(v(parseSize('16k pages'))).toBe(16384 * 4096);
  });
  it('refuses negatives, fractions of a byte and unknown units', () => {
    for (const bad of [-1, 1.5, '0.3B', '4 parsecs', '4MiB/s', '', true, null]) {
      expect(parseSize(bad).ok).toBe(false);
    }
  });
  it('unit round trip: n KiB = 1024 n bytes (property)', () => {
    fc.assert(fc.property(fc.nat(1 << 30), (n) => v(parseSize(`${n}KiB`)) === n * 1024));
  });
});

describe('times', () => {
  it('exact decimal conversion to ns', () => {
    expect(v(parseTime('250ms'))).toBe(250_000_000);
    expect(v(parseTime('30s'))).toBe(30_000_000_000);
    expect(v(parseTime('1.5us'))).toBe(1500);
    expect(v(parseTime('0.1s'))).toBe(100_000_000); // 0.1 * 1e9 in floats would not be exact
    expect(v(parseTime('2min'))).toBe(120_000_000_000);
    expect(v(parseTime('1h'))).toBe(3_600_000_000_000);
    expect(v(parseTime(0))).toBe(0);
  });
  it('refuses bare numbers and sub-ns', () => {
    expect(v(parseTime(30))).toBe('expected a time like "250ms", "30s" or "1.5us", got "30"');
    expect(v(parseTime('1.5ns'))).toBe('expected a whole number of nanoseconds, got "1.5ns"');
  });
});

describe('rates', () => {
  it('events and bytes per second', () => {
    expect(v(parseRate('200/s'))).toEqual({ unit: 'events', perSec: 200 });
    expect(v(parseRate('5/ms'))).toEqual({ unit: 'events', perSec: 5000 });
    expect(v(parseRate('12/min'))).toEqual({ unit: 'events', perSec: 0.2 });
    expect(v(parseRate('50MiB/s'))).toEqual({ unit: 'bytes', perSec: 50 * 2 ** 20 });
    expect(v(parseRate('1000 pages/s'))).toEqual({ unit: 'bytes', perSec: 1000 * 4096 });
  });
  it('negative or unit-less rates are refused with the issue text message', () => {
    expect(v(parseRate(-3))).toBe('expected a positive rate like "200/s", got "-3"');
    expect(v(parseRate('-3/s'))).toBe('expected a positive rate like "200/s", got "-3/s"');
    expect(v(parseRate('200'))).toBe('expected a positive rate like "200/s", got "200"');
  });
});

describe('object counts', () => {
  it('exact bigints and the named clamps', () => {
    const ULONG_MAX = (1n << 64n) - 1n;
    expect(v(parseObjects(100000))).toBe(100000n);
    expect(v(parseObjects('9223372036854775807'))).toBe(ULONG_MAX / 2n);
    expect(v(parseObjects('ULONG_MAX/2'))).toBe(9223372036854775807n);
    expect(v(parseObjects('LONG_MAX'))).toBe(9223372036854775807n);
    expect(v(parseObjects('ULONG_MAX/4'))).toBe(4611686018427387903n);
    expect(v(parseObjects('1e6'))).toBe(1000000n);
    expect(v(parseObjects('2.5e3'))).toBe(2500n);
  });
  it('nothing above ULONG_MAX/2 (CountObjects would clamp it anyway)', () => {
    expect(parseObjects('9223372036854775808').ok).toBe(false);
    expect(parseObjects(-1).ok).toBe(false);
  });
});
