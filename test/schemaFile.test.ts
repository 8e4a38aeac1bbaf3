/** The scenario JSON Schema shipped as a file (dist/scenario.schema.json) with an `$id`. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIO_SCHEMA_ID, scenarioJsonSchema } from '../src/scenario/schema.js';

const ROOT = join(import.meta.dirname, '..');

describe('scenario schema file', () => {
  it('has $schema then $id first', () => {
    const s = scenarioJsonSchema();
    expect(Object.keys(s).slice(0, 2)).toEqual(['$schema', '$id']);
    expect(s.$id).toBe(SCENARIO_SCHEMA_ID);
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it.runIf(existsSync(join(ROOT, 'dist', 'scenario', 'schema.js')))('the build script writes exactly what `shrinksim schema` prints, and the package exports it', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'shrinksim-schema-')), 'scenario.schema.json');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'write-schema.mjs'), out], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(scenarioJsonSchema());
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; scripts: Record<string, string> };
    expect(pkg.exports['./scenario.schema.json']).toBe('./dist/scenario.schema.json');
    expect(pkg.scripts.build).toContain('scripts/write-schema.mjs');
  });
});
