/**
 * What a library user gets: `import` and `require('shrinksim')` (Node ≥ 20.19 loads ESM from
 * require through the `default` export condition), and the licence package.json names.
 * Runs the built dist/ (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string; exports: Record<string, Record<string, string>> };

function node(code: string, type: 'commonjs' | 'module'): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('packaging', () => {
  it.runIf(existsSync(join(ROOT, 'dist', 'index.js')))('require("shrinksim") and import give the same API', () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    const code = "const s = require('shrinksim'); console.log(typeof s.runScenario, typeof s.renderHtml, typeof s.VmStat)";
    if (major > 20 || (major === 20 && minor >= 19)) {
      const r = node(code, 'commonjs');
      expect(r.status).toBe(0);
      expect(r.out).toContain('function function function');
    }
    const m = node("const s = await import('shrinksim'); console.log(typeof s.runScenario)", 'module');
    expect(m.out.trim()).toBe('function');
  });

  it('exports map: types first, import, then default (what require resolves to)', () => {
    expect(Object.keys(pkg.exports['.']!)).toEqual(['types', 'import', 'default']);
    expect(pkg.exports['.']!.default).toBe('./dist/index.js');
  });

  it('ships the MIT licence package.json names', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
  });
});
