/**
 * Determinism is structural: the model (src/ outside src/cli/) must not read the wall clock
 * or unseeded randomness. This scans the sources, so a new offender fails CI.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const FORBIDDEN = /\bMath\.random\b|\bDate\.now\b|\bperformance\.now\b|\bnew Date\(|\bprocess\.hrtime\b|\bcrypto\.randomUUID\b|\bgetRandomValues\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Lines that use a forbidden API, outside comments. */
export function offenders(text: string): number[] {
  const lines: number[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
    if (FORBIDDEN.test(code)) lines.push(i + 1);
  });
  return lines;
}

describe('determinism lint', () => {
  it('detects each forbidden call (the scanner itself can fail)', () => {
    expect(offenders('const x = Math.random();')).toEqual([1]);
    expect(offenders('a\nconst t = Date.now()')).toEqual([2]);
    expect(offenders('performance.now()')).toEqual([1]);
    expect(offenders('const d = new Date();')).toEqual([1]);
    expect(offenders('// Math.random is banned here')).toEqual([]);
  });

  it('finds no wall-clock or unseeded randomness in src/ outside src/cli/', () => {
    const src = join(ROOT, 'src');
    const hits = sourceFiles(src)
      .filter((f) => !relative(src, f).startsWith('cli'))
      .flatMap((f) => offenders(readFileSync(f, 'utf8')).map((l) => `${relative(ROOT, f)}:${l}`));
    expect(hits).toEqual([]);
  });
});
