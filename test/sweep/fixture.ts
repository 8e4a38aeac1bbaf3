/** A small seeded scenario for sweep tests: random Binder traffic under memory pressure. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TINY = `# tiny: seeded Binder traffic and page-cache growth on a 64 MiB machine
name: tiny
seed: 3
duration: 1500ms
memory: {total: 64MiB, page_cache: 40MiB, anon: 12MiB, watermarks: {min_free_kbytes: 1024}}
shrinkers: [{name: sb, kind: superblock, count: 6000}]
binder:
  procs: [{name: app, mmap: 256KiB}, {name: svc, mmap: 256KiB}]
workload:
  binder:
    - {proc: app, rate: 300/s, data: {dist: log-uniform, min: 64B, max: 32KiB}, hold: 4ms}
    - {proc: svc, rate: 100/s, data: {dist: uniform, min: 1KiB, max: 8KiB}}
  memory:
    - {pool: pagecache, rate: 20MiB/s}
`;

export function tempDir(prefix = 'shrinksim-sweep-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `text` as `name` in a fresh temporary directory; returns the path. */
export function scenarioFile(text = TINY, name = 'tiny.yaml'): string {
  const f = join(tempDir(), name);
  writeFileSync(f, text);
  return f;
}
