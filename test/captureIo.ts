/**
 * What a CLI test's `main(argv)` wrote: stdout and stderr captured for every test of the file
 * that calls it (reset before each test, restored after).
 */
import { afterEach, beforeEach, vi } from 'vitest';

export interface CapturedIo {
  out: string;
  err: string;
}

export function captureIo(): CapturedIo {
  const io: CapturedIo = { out: '', err: '' };
  beforeEach(() => {
    io.out = '';
    io.err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((io.out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((io.err += String(s)), true));
  });
  afterEach(() => vi.restoreAllMocks());
  return io;
}
