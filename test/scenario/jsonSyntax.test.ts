/**
 * A `.json` scenario must be strict JSON (YAML, which reads JSON too, would accept a trailing
 * comma or a comment that every JSON tool rejects): one line `file:line:col: JSON syntax
 * error: …`, exit code 2. A `.yaml` file with the same text is still YAML.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/scenario/load.js';
import { errorOf } from './errorOf.js';


describe('.json scenarios are strict JSON', () => {
  it('a trailing comma is rejected at its line and column', () => {
    const msg = errorOf('{\n  "seed": 1,\n}\n', 's.json');
    expect(msg).toMatch(/^s\.json:3:1: JSON syntax error: \S/);
    expect(msg).not.toContain('\n');
  });

  it('a missing comma and a comment are rejected', () => {
    expect(errorOf('{\n  "seed": 1\n  "kernel": "6.1"\n}', 'x/s.JSON')).toMatch(/^x\/s\.JSON:3:3: JSON syntax error: /);
    expect(errorOf('{"seed": 1} // note', 's.json')).toMatch(/^s\.json:1:13: JSON syntax error: /);
  });

  it('an empty .json file is not JSON', () => {
    expect(errorOf('', 's.json')).toMatch(/^s\.json: JSON syntax error: /);
  });

  it('valid JSON loads; a duplicate key is still refused (as in YAML files)', () => {
    expect(loadScenarioText('{"seed": 2}', 's.json').seed).toBe(2);
    expect(errorOf('{"seed": 1, "seed": 2}', 's.json')).toMatch(/^s\.json:1:\d+: JSON syntax error: .*[Uu]nique/);
  });

  it('the same text in a .yaml file is YAML (a trailing comma is fine in a flow mapping)', () => {
    expect(loadScenarioText('{"seed": 1,}', 's.yaml').seed).toBe(1);
  });
});
