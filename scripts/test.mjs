#!/usr/bin/env node
// `npm test`: build (tsc, strict), type-check the tests, run vitest, and close with one plain
// line "tests: N passed, N failed" that CI can read. Any failing step fails the whole run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;
const bin = (name) => join('node_modules', '.bin', name);

if (run(bin('tsc'), ['-p', 'tsconfig.json']) !== 0) process.exit(1);
// The CLI the tests spawn (bin/shrinksim.js) runs the bundle of what tsc just wrote.
if (run(process.execPath, ['scripts/bundle.mjs']) !== 0) process.exit(1);
if (run(bin('tsc'), ['-p', 'tsconfig.test.json', '--noEmit']) !== 0) process.exit(1);

const dir = mkdtempSync(join(tmpdir(), 'shrinksim-test-'));
const out = join(dir, 'vitest.json');
const status = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)]);
let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(status !== 0 || failed > 0 || passed === 0 ? 1 : 0);
