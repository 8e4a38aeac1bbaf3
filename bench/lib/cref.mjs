// The C reference of `npm run bench`: compiles bench/c/kernel_bench.c with the system
// `cc -O2` (when there is one) into a temporary directory and runs it once per bench run.
// Returns its figures, or { missing: reason } so the caller can say why ratios are skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, '..', 'c', 'kernel_bench.c');

let cached;

/** Runs the C program (each figure for about `ms` ms); cached for the process. */
export function cReference(ms) {
  if (cached) return cached;
  const which = spawnSync('sh', ['-c', 'command -v cc'], { encoding: 'utf8' });
  const cc = which.status === 0 ? which.stdout.trim() : '';
  if (!cc) {
    cached = { missing: 'no system `cc` found' };
    return cached;
  }
  try {
    const out = join(mkdtempSync(join(tmpdir(), 'shrinksim-cbench-')), 'kernel_bench');
    execFileSync(cc, ['-O2', '-o', out, src], { stdio: ['ignore', 'ignore', 'pipe'] });
    const text = execFileSync(out, [String(ms)], { encoding: 'utf8' });
    cached = { cc, figures: JSON.parse(text) };
  } catch (e) {
    cached = { missing: `cc -O2 bench/c/kernel_bench.c failed: ${String(e.stderr ?? e.message).split('\n')[0]}` };
  }
  return cached;
}
