/**
 * Quantities with units, as scenario files write them.
 *
 * - sizes: `4096` (bytes), `4MiB`, `1.5 GiB`, `16k pages`, `300 pages`, `64K` (memparse-style
 *   K/M/G/T are binary, as `memory.reclaim` reads them). `k`/`M` before `pages` multiply by
 *   1024 / 1024²: `16k pages` = 16384 pages.
 * - times: `250ms`, `30s`, `1.5us`, `10ns`, `2min`, `1h`, or `0`. A bare non-zero number is
 *   refused (seconds or milliseconds? nobody can tell).
 * - rates: `200/s`, `5/ms`, `12/min` (events), `50MiB/s`, `1000 pages/s` (memory).
 *
 * Decimal text is converted exactly (no float rounding): `0.1s` is 100000000 ns. Parsers
 * return a value or a `UnitError` with the message the loader prints.
 *
 * Integers beyond 2^53 written in a file reach the parsers as bigints (load.ts keeps them
 * exact), so a message quotes exactly what was written.
 */

export const PAGE_SIZE = 4096;

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

/** How an offending value is quoted in a message: `"-3"`, `"4 parsecs"`, `true`, `a list`. */
export function describeGot(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'bigint') return `"${String(v)}"`;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'an object';
}

/**
 * `text` (decimal, optional fraction) × `scale` as an exact bigint, or undefined if the result
 * is not an integer. Scale is a bigint so large units stay exact.
 */
function scaleDecimal(text: string, scale: bigint): bigint | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  const num = BigInt(m[1]! + frac) * scale;
  const den = 10n ** BigInt(frac.length);
  if (num % den !== 0n) return undefined;
  return num / den;
}

const SIZE_UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  k: 1024n,
  kb: 1024n,
  kib: 1024n,
  m: 1024n ** 2n,
  mb: 1024n ** 2n,
  mib: 1024n ** 2n,
  g: 1024n ** 3n,
  gb: 1024n ** 3n,
  gib: 1024n ** 3n,
  t: 1024n ** 4n,
  tb: 1024n ** 4n,
  tib: 1024n ** 4n,
};

const COUNT_MULT: Record<string, bigint> = { '': 1n, k: 1024n, m: 1024n ** 2n };

// --- the syntax, in one place ------------------------------------------------------------
// The parsers below match these regexes, and the scenario JSON Schema (schema.ts) ships the
// same text as `pattern`s, so editors and the loader cannot drift apart. Built from the unit
// tables; case-insensitive units spelled as character classes (JSON Schema patterns have no
// flags). `\s` in a pattern is the set String.prototype.trim removes.

const DECIMAL = String.raw`\d+(?:\.\d+)?`;
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** `kib` → `[kK][iI][bB]` (ASCII letters only; units are ASCII). */
const anyCase = (s: string): string =>
  [...s].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRe(c))).join('');
/** Longest first, so a prefix (`m` of `mib`) never wins an unanchored race. */
const alternation = (keys: readonly string[], spell: (k: string) => string): string =>
  [...keys].filter((k) => k !== '').sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map(spell).join('|');

const SIZE_UNIT_RE = alternation(Object.keys(SIZE_UNITS), anyCase);
const COUNT_MULT_RE = `(?:${alternation(Object.keys(COUNT_MULT), anyCase)})?`;
const PAGES_RE_SRC = `(${DECIMAL})\\s*(${COUNT_MULT_RE})\\s*pages?`;
const SIZE_RE_SRC = `(${DECIMAL})\\s*(${SIZE_UNIT_RE})?`;
const PAGES_RE = new RegExp(`^${PAGES_RE_SRC}$`);
const SIZE_RE = new RegExp(`^${SIZE_RE_SRC}$`);

const SIZE_EXAMPLE = 'a size like "4MiB", "16k pages" or 4096';

function toSafe(v: bigint): number | undefined {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

/** A size in bytes. */
export function parseSize(v: unknown): Parsed<number> {
  const bad = fail<number>(`expected ${SIZE_EXAMPLE}, got ${describeGot(v)}`);
  if (typeof v === 'number') {
    return Number.isSafeInteger(v) && v >= 0 ? ok(v) : bad;
  }
  if (typeof v !== 'string') return bad;
  const t = v.trim();
  const pages = PAGES_RE.exec(t);
  if (pages) {
    const mult = COUNT_MULT[pages[2]!.toLowerCase()]!;
    const n = scaleDecimal(pages[1]!, mult * BigInt(PAGE_SIZE));
    const safe = n === undefined ? undefined : toSafe(n);
    // A fraction of a page is allowed only if it lands on whole bytes; whole pages are checked where needed.
    return safe === undefined ? bad : ok(safe);
  }
  const m = SIZE_RE.exec(t);
  if (!m) return bad;
  const unit = SIZE_UNITS[(m[2] ?? '').toLowerCase()];
  if (unit === undefined) return bad;
  const n = scaleDecimal(m[1]!, unit);
  const safe = n === undefined ? undefined : toSafe(n);
  return safe === undefined ? bad : ok(safe);
}

const TIME_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  min: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const TIME_UNIT_RE = alternation(Object.keys(TIME_UNITS), escapeRe);
const TIME_RE = new RegExp(`^(${DECIMAL})\\s*(${TIME_UNIT_RE})$`);

const TIME_EXAMPLE = 'a time like "250ms", "30s" or "1.5us"';

/**
 * The longest simulated time a scenario may ask for: 30 days (720h), for any one time field
 * and for the run as a whole (duration, or the script's advances added up). It keeps every
 * time and every time plus a reclaim cost (mm/reclaim/cost.ts saturates at 2^50 ns) an
 * exact integer of nanoseconds below 2^53; runs that long are in practice bounded much
 * earlier by the run limits (src/util/limits.ts).
 */
export const MAX_SIM_TIME_NS = 720 * 3_600_000_000_000;
export const MAX_SIM_TIME_TEXT = '720h';
export const timeLimitMessage = (got: string): string =>
  `expected a time ≤ ${MAX_SIM_TIME_TEXT} (the simulator's limit on simulated time), got ${got}`;

/** A time in integer nanoseconds, at most `MAX_SIM_TIME_NS`. */
export function parseTime(v: unknown): Parsed<number> {
  const bad = fail<number>(`expected ${TIME_EXAMPLE}, got ${describeGot(v)}`);
  if (v === 0 || v === '0') return ok(0);
  if (typeof v !== 'string') return bad;
  const m = TIME_RE.exec(v.trim());
  if (!m) return bad;
  const n = scaleDecimal(m[1]!, TIME_UNITS[m[2]!]!);
  if (n === undefined) return fail(`expected a whole number of nanoseconds, got ${describeGot(v)}`);
  if (n > BigInt(MAX_SIM_TIME_NS)) return fail(timeLimitMessage(describeGot(v)));
  return ok(Number(n));
}

/** A rate: events per second, or bytes per second for memory rates. */
export type Rate = { readonly unit: 'events'; readonly perSec: number } | { readonly unit: 'bytes'; readonly perSec: number };

const RATE_PER: Record<string, number> = { ns: 1e9, us: 1e6, µs: 1e6, ms: 1e3, s: 1, min: 1 / 60, h: 1 / 3600 };

const RATE_RE = new RegExp(`^(.+?)\\s*\\/\\s*(${TIME_UNIT_RE})$`);

const RATE_EXAMPLE = 'a positive rate like "200/s"';

/**
 * `N/unit` (events) or `<size>/unit` (bytes). Zero is allowed (a generator switched off);
 * negative or unit-less values are not.
 */
export function parseRate(v: unknown, example: string = RATE_EXAMPLE): Parsed<Rate> {
  const bad = fail<Rate>(`expected ${example}, got ${describeGot(v)}`);
  if (typeof v !== 'string') return bad;
  const m = RATE_RE.exec(v.trim());
  if (!m) return bad;
  const per = RATE_PER[m[2]!]!;
  const amount = m[1]!;
  if (/^\d+(?:\.\d+)?$/.test(amount)) return ok({ unit: 'events', perSec: Number(amount) * per });
  const size = parseSize(amount);
  if (!size.ok) return bad;
  return ok({ unit: 'bytes', perSec: size.value * per });
}

/**
 * The JSON Schema `pattern`s of the unit strings, from the regexes the parsers use (the
 * string forms; a bare number is a size in bytes, and a time only as 0). They check the
 * syntax; the loader also checks the value: a fraction must land on whole bytes or
 * nanoseconds, a size must stay below 2^53 bytes and a time at most 720h.
 */
export const UNIT_PATTERNS = {
  size: `^\\s*${SIZE_RE_SRC}\\s*$|^\\s*${PAGES_RE_SRC}\\s*$`,
  time: `^(?:0|\\s*${DECIMAL}\\s*(?:${TIME_UNIT_RE})\\s*)$`,
  eventRate: `^\\s*${DECIMAL}\\s*/\\s*(?:${TIME_UNIT_RE})\\s*$`,
  byteRate: `^\\s*${DECIMAL}\\s*(?:${COUNT_MULT_RE}\\s*pages?|${SIZE_UNIT_RE})\\s*/\\s*(?:${TIME_UNIT_RE})\\s*$`,
} as const;

/**
 * An object count for a shrinker: a non-negative integer (number or decimal string, exact as
 * bigint), or a named limit: `LONG_MAX`, `ULONG_MAX/2`, `ULONG_MAX/4`.
 */
export function parseObjects(v: unknown): Parsed<bigint> {
  const bad = fail<bigint>(`expected an object count like 100000, "1e6" or "ULONG_MAX/4", got ${describeGot(v)}`);
  const ULONG_MAX = (1n << 64n) - 1n;
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? ok(BigInt(v)) : bad;
  if (typeof v === 'bigint') return v >= 0n && v <= ULONG_MAX / 2n ? ok(v) : bad;
  if (typeof v !== 'string') return bad;
  const t = v.trim();
  if (t === 'LONG_MAX' || t === 'ULONG_MAX/2') return ok(ULONG_MAX / 2n);
  if (t === 'ULONG_MAX/4') return ok(ULONG_MAX / 4n);
  if (/^\d+$/.test(t)) {
    const n = BigInt(t);
    return n <= ULONG_MAX / 2n ? ok(n) : bad;
  }
  const e = /^(\d+(?:\.\d+)?)e(\d+)$/.exec(t);
  if (e) {
    const n = scaleDecimal(e[1]!, 10n ** BigInt(e[2]!));
    return n !== undefined && n <= ULONG_MAX / 2n ? ok(n) : bad;
  }
  return bad;
}
