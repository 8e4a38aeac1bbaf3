/** `shrinksim report` and `run --html`, in-process through `main(argv)`. */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

let err = '';
beforeEach(() => {
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const dir = mkdtempSync(join(tmpdir(), 'shrinksim-report-'));

describe('shrinksim report', () => {
  it('run --html and report of the run --json give the same bytes', async () => {
    const json = join(dir, 'r.json');
    const html1 = join(dir, 'a.html');
    const html2 = join(dir, 'b.html');
    expect(await main(['run', 'scenarios/drop-caches.yaml', '-q', '--no-progress', '--json', json, '--html', html1])).toBe(0);
    expect(await main(['report', json, '-o', html2])).toBe(0);
    const a = readFileSync(html1, 'utf8');
    expect(a).toBe(readFileSync(html2, 'utf8'));
    expect(a.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(a).toContain('<h1>drop-caches</h1>');
  });

  it('bad input: one line naming the file, exit 2, nothing written', async () => {
    const out = join(dir, 'never.html');
    expect(await main(['report', join(dir, 'missing.json'), '-o', out])).toBe(2);
    expect(err).toBe(`${join(dir, 'missing.json')}: no such file\n`);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"tool": {"name": "shrinksim"}, "schemaVersion": 1}');
    err = '';
    expect(await main(['report', bad, '-o', out])).toBe(2);
    expect(err).toBe(`${bad}: shrinkers: expected an array\n`);
    writeFileSync(bad, 'nope');
    err = '';
    expect(await main(['report', bad, '-o', out])).toBe(2);
    expect(err).toMatch(new RegExp(`^${bad.replace(/[.]/g, '\\.')}: not JSON \\(.*\\)\\n$`));
    expect(existsSync(out)).toBe(false);
    err = '';
    expect(await main(['report', bad])).toBe(2);
    expect(err).toMatch(/--out/);
  });
});
