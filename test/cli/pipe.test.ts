/**
 * The built binary behind a reader that stops early (`shrinksim run --json - | head`): the
 * closed pipe ends the process quietly, exit 0, nothing on stderr, as `cat` would.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'shrinksim.js');
const BUILT = existsSync(join(ROOT, 'dist', 'cli-bundle', 'main.js'));

/** Runs the binary, reads `bytes` of its stdout, then closes the pipe; resolves with its exit and stderr. */
function readThenClose(args: string[], bytes: number): Promise<{ code: number | null; signal: string | null; stderr: string; got: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
    let got = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.length >= bytes) child.stdout.destroy();
    });
    child.on('close', (code, signal) => resolve({ code, signal, stderr, got }));
  });
}

describe.skipIf(!BUILT)('a closed stdout pipe', () => {
  it('run --trace - (megabytes) read for 40 bytes: exit 0, no stack trace', async () => {
    const r = await readThenClose(['run', 'scenarios/near-oom.yaml', '--trace', '-'], 40);
    expect(r.got.startsWith('# tracer: nop')).toBe(true);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
