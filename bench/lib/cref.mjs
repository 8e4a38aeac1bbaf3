// The C reference of `npm run bench`: compiles bench/c/kernel_bench.c with the system
// `cc -O2` (when there is one) into a temporary directory, and runs it when asked (once per
// round of the bench run). Returns its figures, or { missing: reason } so the caller can say
// why ratios are skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, '..', 'c', 'kernel_bench.c');

let built;

/** Compiles the C program once per process: { cc, exe }, or { missing: reason }. */
function build() {
  if (built) return built;
  const which = spawnSync('sh', ['-c', 'command -v cc'], { encoding: 'utf8' });
  const cc = which.status === 0 ? which.stdout.trim() : '';
  if (!cc) {
    built = { missing: 'no system `cc` found' };
    return built;
  }
  try {
    const exe = join(mkdtempSync(join(tmpdir(), 'shrinksim-cbench-')), 'kernel_bench');
    execFileSync(cc, ['-O2', '-o', exe, src], { stdio: ['ignore', 'ignore', 'pipe'] });
    built = { cc, exe };
  } catch (e) {
    built = { missing: `cc -O2 bench/c/kernel_bench.c failed: ${String(e.stderr ?? e.message).split('\n')[0]}` };
  }
  return built;
}

/**
 * Runs the C program (each figure for about `ms` ms; compiled on the first call) and returns
 * { cc, figures }, or { missing: reason } so the caller can say why ratios are skipped. Each
 * call is a new run: `npm run bench` runs it once per round.
 */
export function cReference(ms) {
  const b = build();
  if (b.missing) return b;
  try {
    return { cc: b.cc, figures: JSON.parse(execFileSync(b.exe, [String(ms)], { encoding: 'utf8' })) };
  } catch (e) {
    return { missing: `bench/c/kernel_bench.c failed to run: ${String(e.stderr ?? e.message).split('\n')[0]}` };
  }
}
