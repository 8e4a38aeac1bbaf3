// Start-up cost of the CLI: CPU seconds (user + system, every thread) of
// `node bin/shrinksim.js run scenarios/drop-caches.yaml` (a 1-second scenario), measured by
// the child itself at exit (process.cpuUsage), so node's own boot is included, as a user
// would pay it. Runs a few times and reports the least and the median.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const RUNS = 7;

const HOOK =
  'data:text/javascript,' +
  encodeURIComponent(
    "import{writeFileSync}from'node:fs';process.on('exit',()=>{const u=process.cpuUsage();writeFileSync(process.env.SHRINKSIM_CPU_OUT,String((u.user+u.system)/1e6))})",
  );

export default async function startupBench() {
  const dir = mkdtempSync(join(tmpdir(), 'shrinksim-startup-'));
  const secs = [];
  for (let i = 0; i < RUNS; i++) {
    const out = join(dir, `cpu${i}`);
    const r = spawnSync(
      process.execPath,
      ['--import', HOOK, join(root, 'bin', 'shrinksim.js'), 'run', join(root, 'scenarios', 'drop-caches.yaml'), '--no-progress'],
      { cwd: root, env: { ...process.env, NO_COLOR: '1', SHRINKSIM_CPU_OUT: out }, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`startup bench: run exited ${r.status}: ${r.stderr}`);
    secs.push(Number(readFileSync(out, 'utf8')));
  }
  secs.sort((a, b) => a - b);
  return {
    'run of a 1-second scenario, CPU-s (least)': secs[0],
    'run of a 1-second scenario, CPU-s (median)': secs[Math.floor(RUNS / 2)],
  };
}
