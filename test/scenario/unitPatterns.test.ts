/**
 * The scenario JSON Schema's unit patterns agree with the loader's parsers (units.ts): every
 * string a parser accepts matches its pattern, every string it refuses for its syntax does
 * not. (No JSON Schema validator is in the dependencies; the patterns are compiled with the
 * `u` flag, as ECMAScript-regex validators such as ajv compile them, and the unit fields of
 * the shipped schema are checked with a small evaluator of the keywords they use.)
 */
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src/scenario/schema.js';
import { parseRate, parseSize, parseTime, UNIT_PATTERNS } from '../../src/scenario/units.js';

const re = (p: string) => new RegExp(p, 'u');

const SIZES_OK = ['4096', '0', '4MiB', '4 MiB', ' 4mib ', '1.5GiB', '1.5 gb', '64K', '64k', '2T', '100b', '100B', '3KB', '16k pages', '16 K pages', '300 pages', '1 page', '1.5 pages', '2M pages', '0.5KiB', '4\u00a0'];
const SIZES_BAD = ['2 parsecs', '', 'MiB', '-1', '+4', '4 MiBs', '4 MB/s', '1e6', '4.MiB', '.5MiB', '16 kk pages', '16 Pages', '16 g pages', '4 Mi B', '1,000', 'pages', '4\u200b'];
// The pattern checks the syntax; these are refused for their value (a fraction of a byte,
// 2^53 bytes or more), which a pattern cannot express.
const SIZES_VALUE_ONLY = ['0.3', '1.1b', '9007199254740992', '8192 TiB'];

const TIMES_OK = ['0', '250ms', '30s', '1.5us', '1.5 µs', '10ns', '2min', '1h', ' 30 s ', '0s', '720h'];
const TIMES_BAD = ['5', '2 parsecs', '', ' 0', '00', '0.0', '250 MS', '30sec', '1.5', '-1s', 's', '1e3ms', '30 s s'];
const TIMES_VALUE_ONLY = ['0.5ns', '721h', '1.0000000001s'];

const EVENT_RATES_OK = ['200/s', '5/ms', '12/min', '0/s', '1.5 / h', ' 3/us '];
const EVENT_RATES_BAD = ['200', '200/sec', '/s', '-1/s', '50MiB/s', '1000 pages/s', 'x/s', '1/2/s', '200/S'];
const BYTE_RATES_OK = ['50MiB/s', '50 mib / s', '1000 pages/s', '16k pages/ms', '0 pages/s', '4KB/min', '100b/s'];
const BYTE_RATES_BAD = ['200/s', '50MiB', '50 parsecs/s', '50MiB/sec', 'MiB/s', '4096 /s'];
const BYTE_RATES_VALUE_ONLY = ['0.3b/s'];

describe('unit patterns match what the parsers accept', () => {
  const table = [
    { name: 'size', pattern: UNIT_PATTERNS.size, accepts: (s: string) => parseSize(s).ok, ok: SIZES_OK, bad: SIZES_BAD, valueOnly: SIZES_VALUE_ONLY },
    { name: 'time', pattern: UNIT_PATTERNS.time, accepts: (s: string) => parseTime(s).ok, ok: TIMES_OK, bad: TIMES_BAD, valueOnly: TIMES_VALUE_ONLY },
    {
      name: 'event rate',
      pattern: UNIT_PATTERNS.eventRate,
      accepts: (s: string) => {
        const r = parseRate(s);
        return r.ok && r.value.unit === 'events';
      },
      ok: EVENT_RATES_OK,
      bad: EVENT_RATES_BAD,
      valueOnly: [],
    },
    {
      name: 'byte rate',
      pattern: UNIT_PATTERNS.byteRate,
      accepts: (s: string) => {
        const r = parseRate(s);
        return r.ok && r.value.unit === 'bytes';
      },
      ok: BYTE_RATES_OK,
      bad: BYTE_RATES_BAD,
      valueOnly: BYTE_RATES_VALUE_ONLY,
    },
  ];
  for (const t of table) {
    it(`${t.name}: accepted ⇔ matches, on ${t.ok.length + t.bad.length} strings`, () => {
      const p = re(t.pattern);
      for (const s of t.ok) expect({ s, parser: t.accepts(s), pattern: p.test(s) }).toEqual({ s, parser: true, pattern: true });
      for (const s of t.bad) expect({ s, parser: t.accepts(s), pattern: p.test(s) }).toEqual({ s, parser: false, pattern: false });
      // Refused by value only: the syntax matches.
      for (const s of t.valueOnly) expect({ s, parser: t.accepts(s), pattern: p.test(s) }).toEqual({ s, parser: false, pattern: true });
    });
  }
});

/** The keywords the unit fields use: anyOf, type, pattern, const, minimum, maximum, exclusiveMaximum. */
function valid(schema: Record<string, unknown>, v: unknown): boolean {
  if (Array.isArray(schema.anyOf) && !(schema.anyOf as Record<string, unknown>[]).some((s) => valid(s, v))) return false;
  if ('const' in schema && schema.const !== v) return false;
  const type = schema.type as string | undefined;
  if (type === 'string' && typeof v !== 'string') return false;
  if (type === 'integer' && !(typeof v === 'number' && Number.isInteger(v))) return false;
  if (typeof v === 'string' && typeof schema.pattern === 'string' && !re(schema.pattern).test(v)) return false;
  if (typeof v === 'number') {
    if (typeof schema.minimum === 'number' && v < schema.minimum) return false;
    if (typeof schema.maximum === 'number' && v > schema.maximum) return false;
    if (typeof schema.exclusiveMaximum === 'number' && v >= schema.exclusiveMaximum) return false;
  }
  return true;
}

describe('the shipped scenario JSON Schema', () => {
  const doc = scenarioJsonSchema() as { properties: Record<string, Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> }> };
  const duration = doc.properties.duration!;
  const total = doc.properties.memory!.properties!.total!;
  const rate = (doc.properties.workload!.properties!.memory as { items: { properties: Record<string, Record<string, unknown>> } }).items.properties.rate!;

  it('refuses what the loader refuses: duration 5, total "2 parsecs"', () => {
    expect(valid(duration, 5)).toBe(false);
    expect(parseTime(5).ok).toBe(false);
    expect(valid(total, '2 parsecs')).toBe(false);
    expect(parseSize('2 parsecs').ok).toBe(false);
    expect(valid(rate, 1000)).toBe(false);
    expect(parseRate(1000).ok).toBe(false);
  });

  it('accepts what the loader accepts: duration "30s" and 0, total "2GiB" and 4096, rate "50MiB/s"', () => {
    expect(valid(duration, '30s')).toBe(true);
    expect(valid(duration, 0)).toBe(true);
    expect(valid(total, '2GiB')).toBe(true);
    expect(valid(total, 4096)).toBe(true);
    expect(valid(total, -1)).toBe(false);
    expect(valid(total, 1.5)).toBe(false);
    expect(valid(rate, '50MiB/s')).toBe(true);
  });

  it('no time, size or rate field is left without a pattern', () => {
    const loose: string[] = [];
    const walk = (x: unknown, path: string): void => {
      if (Array.isArray(x)) return x.forEach((y, i) => walk(y, `${path}/${i}`));
      if (x === null || typeof x !== 'object') return;
      const o = x as Record<string, unknown>;
      const d = typeof o.description === 'string' ? o.description : '';
      if (/^(A size|A time|Events per|Memory per)/.test(d) && !JSON.stringify(o).includes('"pattern"')) loose.push(path);
      // A bare string-or-number type is what an unpatterned unit field looked like.
      if (Array.isArray(o.type) && o.type.includes('string') && o.type.includes('number') && !/objects/i.test(d)) loose.push(path);
      for (const [k, y] of Object.entries(o)) walk(y, `${path}/${k}`);
    };
    walk(doc, '');
    expect(loose).toEqual([]);
  });
});
