/**
 * The committed copies of the real 6.12.95 traces (test/fixtures/linux-6.12.95), read
 * synchronously for tests. Tests read only these copies, never /work/shared.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'linux-6.12.95');

export const FIXTURES = {
  p1: join(FIXTURE_DIR, 'trace_p1_drop_caches.txt.gz'),
  p2: join(FIXTURE_DIR, 'trace_p2_binder_drop_caches.txt.gz'),
  p4: join(FIXTURE_DIR, 'trace_p4_memory_reclaim.txt.gz'),
} as const;

export type FixtureName = keyof typeof FIXTURES;

const cache = new Map<string, string[]>();

/** All lines of a fixture (without the trailing empty string after the last newline). */
export function fixtureLines(name: FixtureName): string[] {
  let lines = cache.get(name);
  if (!lines) {
    lines = gunzipSync(readFileSync(FIXTURES[name])).toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    cache.set(name, lines);
  }
  return lines;
}

/** The mm_shrink_slab_start/end lines of a fixture with their 1-based line numbers. */
export function shrinkLines(name: FixtureName): Array<{ lineNo: number; text: string }> {
  return fixtureLines(name)
    .map((text, i) => ({ lineNo: i + 1, text }))
    .filter((l) => / mm_shrink_slab_(start|end): /.test(l.text));
}
