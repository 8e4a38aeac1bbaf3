/**
 * The scenario hash written into every output: sha256 of the canonical JSON of the resolved
 * scenario, seed left out (the seed is reported beside it, so reruns with `--seed` keep the
 * hash and differ only in `seed`).
 *
 * Canonical JSON: object keys sorted, no whitespace, bigints as decimal strings. Two
 * scenario files that resolve to the same thing (a default written out, YAML vs JSON, `4MiB`
 * vs `1024 pages`) hash the same.
 */
import { createHash } from 'node:crypto';
import type { ResolvedScenario } from './types.js';

/** JSON text with sorted keys and bigints as decimal strings; `undefined` fields are dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError(`canonicalJson: ${value} is not finite`);
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
}

/** `sha256:<64 hex>` of the resolved scenario without its seed and run limits. */
export function scenarioHash(resolved: ResolvedScenario): string {
  const { seed: _seed, limits: _limits, ...rest } = resolved;
  return `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}
