/**
 * `shrinksim conform` end to end: through main() (argument parsing, dispatch, exit codes,
 * stderr for user errors), conformCommand's output, and the built binary when present.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { conformCommand } from '../../../src/cli/commands/conform.js';
import { FIXTURES, fixtureLines } from '../fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ALL = [FIXTURES.p1, FIXTURES.p2, FIXTURES.p4];
const dir = mkdtempSync(join(tmpdir(), 'shrinksim-conform-'));

async function runMain(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

function mutatedP4(): string {
  const lines = [...fixtureLines('p4')];
  const i = lines.findIndex((l) => l.includes('binder_shrink_scan') && l.includes('unused scan count 6 new scan count 22'));
  lines[i] = lines[i]!.replace('new scan count 22', 'new scan count 23');
  const p = join(dir, 'p4-mutated.txt');
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

describe('shrinksim conform via main()', () => {
  it('prints the per-function table and exits 0 on the real traces', async () => {
    const { code, out, err } = await runMain(['conform', ...ALL]);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/^function\s+instances\s+pairs\s+exact\s+consistent\s+mismatched\s+seeks\s+batch$/m);
    expect(out).toMatch(/^binder_shrink_scan\s+1\s+12\s+12\s+0\s+0\s+2\s+128$/m);
    expect(out).toMatch(/^super_cache_scan\s+4\s+108\s+108\s+0\s+0\s+0,2\s+128\?,1024$/m);
    expect(out).toMatch(/^total\s+7\s+158\s+158\s+0\s+0$/m);
    expect(out).toContain('OK: all 158 pairs reproduced (158 exact, 0 consistent)');
    // Not a TTY here: no colour codes.
    expect(out).not.toMatch(/\x1b\[/);
  });

  it('--json prints one object with numeric totals beside the per-shrinker rows', async () => {
    const { code, out } = await runMain(['conform', '--json', ...ALL]);
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.totals).toMatchObject({ pairs: 158, exact: 158, consistent: 0, mismatched: 0 });
    for (const k of ['pairs', 'exact', 'consistent', 'mismatched']) expect(typeof j.totals[k]).toBe('number');
    expect(j.shrinkers).toContainEqual({
      function: 'binder_shrink_scan',
      instances: 1,
      pairs: 12,
      exact: 12,
      consistent: 0,
      mismatched: 0,
      seeks: [2],
      batch: [128],
    });
    expect(j.files.map((f: { pairs: number }) => f.pairs)).toEqual([27, 10, 121]);
    expect(j.instances).toHaveLength(7);
    expect(j.mismatches).toEqual([]);
  });

  it('exits 1 on a mismatch and shows file:line, the line and expected vs got', async () => {
    const p = mutatedP4();
    const { code, out } = await runMain(['conform', p]);
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`${p}:\\d+: +init-1 +\\[001\\] \\.{5} +24\\.\\d+: mm_shrink_slab_end: binder_shrink_scan`));
    expect(out).toContain('new scan count: expected 22, got 23');
    const j = JSON.parse((await runMain(['conform', '--json', p])).out);
    expect(j.totals.mismatched).toBe(1);
    expect(j.mismatches[0]).toMatchObject({ file: p, function: 'binder_shrink_scan', issues: [{ field: 'new_scan', expected: '22', got: '23' }] });
  });

  it('--seeks/--batch reach the analysis', async () => {
    expect((await runMain(['conform', '--seeks', 'binder_shrink_scan=4', ...ALL])).code).toBe(1);
    expect((await runMain(['conform', '--seeks', 'binder_shrink_scan=2', '--batch', 'super_cache_scan=1024', ...ALL])).code).toBe(0);
  });

  it('bad input: one line on stderr naming the file (and line), exit 2', async () => {
    const missing = join(dir, 'missing.txt');
    const a = await runMain(['conform', missing]);
    expect(a).toEqual({ code: 2, out: '', err: `${missing}: no such file\n` });

    const lines = [...fixtureLines('p1')];
    lines[16] = lines[16]!.replace('delta 30', 'delta thirty');
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, lines.join('\n'));
    const b = await runMain(['conform', bad]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(new RegExp(`^${bad}:17: mm_shrink_slab_start body: expected .*\\n$`));
    expect(b.err.split('\n').length).toBe(2);

    const c = await runMain(['conform', '--seeks', 'binder_shrink_scan', ...ALL]);
    expect(c.code).toBe(2);
  });
});

describe('conformCommand output', () => {
  it('colours only when asked (TTY and NO_COLOR unset)', async () => {
    let plain = '';
    let coloured = '';
    const args = { command: 'conform' as const, traces: [FIXTURES.p2], json: false, seeks: new Map(), batch: new Map() };
    expect(await conformCommand(args, { write: (s) => (plain += s), color: false })).toBe(0);
    expect(await conformCommand(args, { write: (s) => (coloured += s), color: true })).toBe(0);
    expect(plain).not.toMatch(/\x1b\[/);
    expect(coloured).toMatch(/\x1b\[/);
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });
});

const BIN = join(ROOT, 'bin', 'shrinksim.js');
const BUILT = existsSync(join(ROOT, 'dist', 'cli', 'commands', 'conform.js'));

describe.skipIf(!BUILT)('the built binary (after `npm run build`)', () => {
  it('node bin/shrinksim.js conform <fixtures> exits 0 with 158 exact', () => {
    const out = execFileSync(process.execPath, [BIN, 'conform', '--json', ...ALL], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(out).totals).toMatchObject({ pairs: 158, exact: 158, mismatched: 0 });
  });

  it('exit codes 1 and 2 from the process', () => {
    expect(spawnSync(process.execPath, [BIN, 'conform', mutatedP4()], { cwd: ROOT }).status).toBe(1);
    const r = spawnSync(process.execPath, [BIN, 'conform', join(dir, 'none.gz')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${join(dir, 'none.gz')}: no such file\n`);
  });
});
