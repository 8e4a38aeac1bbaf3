/**
 * The kernel's `sscanf` (lib/vsprintf.c `vsscanf`) for the integer conversions debugfs
 * uses: `%lu` (unsigned long) and `%d` (int), and whitespace in the format. Its quirks are
 * part of the interface a user meets when writing to `/sys/kernel/debug/shrinker/…/scan`:
 * - whitespace in the format matches any amount of whitespace, including none;
 * - a conversion skips leading whitespace, then needs a digit — `%d` also takes one `-`
 *   before it, `%lu` takes no sign at all and `+` is never accepted;
 * - digits are accumulated modulo 2^64 (simple_strtoull does not stop on overflow), `%d`
 *   keeps the low 32 bits, and `-` negates the unsigned value (simple_strtol);
 * - parsing stops at the first conversion that fails; the result is how many succeeded.
 */
export type KscanfSpec = 'lu' | 'd';

export interface KscanfResult {
  /** Number of conversions that succeeded (what sscanf returns). */
  readonly count: number;
  /** Converted values: `lu` as u64 bigint, `d` as s32 bigint. */
  readonly values: bigint[];
}

/** The kernel's `isspace` (lib/ctype.c): \t \n \v \f \r, space, and 0xA0. */
const isSpace = (b: number): boolean => (b >= 9 && b <= 13) || b === 32 || b === 0xa0;
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

function skipSpaces(buf: Uint8Array, i: number): number {
  while (i < buf.length && isSpace(buf[i]!)) i++;
  return i;
}

/** simple_strtoull(…, 10): digits mod 2^64; returns [value, next index]. */
function strtoull10(buf: Uint8Array, i: number): [bigint, number] {
  let v = 0n;
  while (i < buf.length && isDigit(buf[i]!)) {
    v = BigInt.asUintN(64, v * 10n + BigInt(buf[i]! - 0x30));
    i++;
  }
  return [v, i];
}

/**
 * Runs a format made of `%lu`, `%d` and spaces (e.g. `"%lu %d %lu"`) over `buf`, which is
 * treated as a C string (it ends at the first NUL byte).
 */
export function kscanf(input: Uint8Array, format: string): KscanfResult {
  const nul = input.indexOf(0);
  const buf = nul >= 0 ? input.subarray(0, nul) : input;
  const values: bigint[] = [];
  let s = 0;
  let f = 0;
  while (f < format.length) {
    if (/\s/.test(format[f]!)) {
      while (f < format.length && /\s/.test(format[f]!)) f++;
      s = skipSpaces(buf, s);
      continue;
    }
    if (format[f] !== '%') throw new Error(`kscanf: unsupported format "${format}"`);
    let spec: KscanfSpec;
    if (format.startsWith('%lu', f)) {
      spec = 'lu';
      f += 3;
    } else if (format.startsWith('%d', f)) {
      spec = 'd';
      f += 2;
    } else {
      throw new Error(`kscanf: unsupported format "${format}"`);
    }
    if (s >= buf.length) break;
    s = skipSpaces(buf, s);
    const negative = spec === 'd' && buf[s] === 0x2d;
    const first = negative ? buf[s + 1] : buf[s];
    if (first === undefined || !isDigit(first)) break;
    const [mag, next] = strtoull10(buf, negative ? s + 1 : s);
    if (spec === 'lu') values.push(mag);
    else values.push(BigInt.asIntN(32, negative ? BigInt.asUintN(64, -mag) : mag));
    s = next;
  }
  return { count: values.length, values };
}
