/** `memcgs[].max` / `.high`: optional sizes (the one units parser), in pages once resolved; absent stays absent. */
import { describe, expect, it } from 'vitest';
import { canonicalJson, scenarioHash } from '../../src/scenario/hash.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { errorOf } from './errorOf.js';

describe('memory.max / memory.high in scenarios', () => {
  it('resolves sizes to pages (32 MiB = 8192 pages, "16k pages" = 16384)', () => {
    const r = loadScenarioText('memcgs: [{name: a, max: 32MiB, high: "16k pages"}, {name: b, parent: a}]', 'x.yaml');
    expect(r.memcgs).toEqual([
      { name: 'a', parent: 'root', maxPages: 8192, highPages: 16384 },
      { name: 'b', parent: 'a' },
    ]);
  });

  it('rejects a non-size with the field path', () => {
    expect(errorOf('memcgs: [{name: a, max: lots}]')).toBe('scenarios/x.yaml: memcgs[0].max: expected a size like "4MiB", "16k pages" or 4096, got "lots"');
  });

  it('leaves the hash of a scenario without limits unchanged (absent, not max)', () => {
    const plain = loadScenarioText('memcgs: [{name: a}]', 'x.yaml');
    expect(canonicalJson(plain)).not.toContain('maxPages');
    expect(scenarioHash(plain)).not.toBe(scenarioHash(loadScenarioText('memcgs: [{name: a, max: 32MiB}]', 'x.yaml')));
  });
});
