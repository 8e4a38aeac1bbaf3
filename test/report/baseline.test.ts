import { describe, expect, it } from 'vitest';
import { baselineOf, beyond, compareWithBaseline, metricsOf, parseBaseline, parseTolerance, renderBaseline, renderComparison } from '../../src/report/baseline.js';
import { isUserError } from '../../src/util/errors.js';
import { sampleResult } from './fixture.js';

describe('baseline', () => {
  it('flattens the counts with stable names', () => {
    const m = metricsOf(sampleResult());
    expect(m.get('shrinker.sb-ext4:vda1.freed')).toBe(4000n);
    expect(m.get('shrinker.sb-ext4:vda1.deferredEnd')).toBe(9223372036854775807n);
    expect(m.get('binder.app.allocFailures.ENOSPC')).toBe(2n);
    expect(m.get('reclaim.kswapd.p12.GFP_KERNEL.passes')).toBe(3n);
    expect(m.get('skips.mmap_lock')).toBe(61n);
    expect(m.get('events.mm_shrink_slab_start')).toBe(4n);
    expect(m.get('steps.errors')).toBe(1n);
    expect([...m.keys()]).toEqual([...m.keys()].sort());
  });

  it('duplicate shrinker names get #2 (C and Rust Binder both register android-binder)', () => {
    const r = sampleResult();
    const m = metricsOf({ ...r, shrinkers: [r.shrinkers[1]!, { ...r.shrinkers[1]!, freed: 7n }] });
    expect(m.get('shrinker.android-binder.freed')).toBe(150n);
    expect(m.get('shrinker.android-binder#2.freed')).toBe(7n);
  });

  it('round-trips through its file text (bigints beyond 2^53 as strings)', () => {
    const b = baselineOf(sampleResult());
    const text = renderBaseline(b);
    expect(text).toContain('"shrinker.sb-ext4:vda1.deferredEnd": "9223372036854775807"');
    const back = parseBaseline(text, 'b.json');
    expect(back.metrics).toEqual(b.metrics);
    expect(back.seed).toBe(42);
    const cmp = compareWithBaseline(back, sampleResult(), 0);
    expect({ moved: cmp.moved, compared: cmp.compared, notes: cmp.notes }).toEqual({ moved: [], compared: b.metrics.size, notes: [] });
    // Every compared row is there, each unmoved with now = baseline.
    expect(cmp.rows.map((r) => [r.metric, r.now, r.moved])).toEqual([...b.metrics.entries()].map(([k, v]) => [k, v, false]));
  });

  it('tolerance: relative to the baseline value, exact at 0', () => {
    expect(beyond(100n, 105n, 0.05)).toBe(false);
    expect(beyond(100n, 106n, 0.05)).toBe(true);
    expect(beyond(100n, 94n, 0.05)).toBe(true);
    expect(beyond(0n, 1n, 0.5)).toBe(true); // scale max(|0|, 1) = 1
    expect(beyond(9223372036854775807n, 9223372036854775806n, 0)).toBe(true);
    expect(parseTolerance(undefined)).toBe(0);
    expect(parseTolerance('5%')).toBe(0.05);
    expect(parseTolerance('0.1')).toBe(0.1);
    try {
      parseTolerance('lots');
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e) && e.message).toBe('--tolerance: expected a fraction like 0.05 or a percentage like 5%, got "lots"');
    }
  });

  it('a regression: what moved, in a readable table, with notes', () => {
    const base = baselineOf(sampleResult());
    const r = sampleResult({ seed: 43 });
    const now = { ...r, shrinkers: [{ ...r.shrinkers[0]!, freed: 5000n }, r.shrinkers[1]!], skips: { mmap_lock: 61 } };
    const cmp = compareWithBaseline(base, now, 0.1);
    expect(cmp.moved).toEqual([
      { metric: 'shrinker.sb-ext4:vda1.freed', base: 4000n, now: 5000n },
      { metric: 'skips.alloc_lock', base: 2n, now: 0n },
    ]);
    expect(cmp.notes).toEqual(['seed differs: baseline 42, this run 43']);
    expect(renderComparison(cmp, 0.1)).toBe(
      [
        'note: seed differs: baseline 42, this run 43',
        `2 of ${cmp.compared} counts moved beyond tolerance 10%:`,
        'metric                       baseline   now          change',
        '---------------------------  --------  ----  --------------',
        'shrinker.sb-ext4:vda1.freed      4000  5000  +1000 (+25.0%)',
        'skips.alloc_lock                    2     0    -2 (-100.0%)',
        '',
      ].join('\n'),
    );
  });

  it('malformed baseline files are one-line user errors', () => {
    const msg = (t: string) => {
      try {
        parseBaseline(t, 'b.json');
      } catch (e) {
        return isUserError(e) ? e.message : 'other';
      }
      return 'accepted';
    };
    expect(msg('{')).toBe("b.json:1:2: not JSON (Expected property name or '}')");
    // V8 quotes the text around the error, newlines included: still one line.
    expect(msg('{\n  "a": %,\n  "b": 1}')).toBe("b.json: not JSON (Unexpected token '%')");
    expect(msg('{"kind":"x"}')).toBe('b.json: kind: expected "shrinksim-baseline", got "x"');
    const head = '"kind":"shrinksim-baseline","schemaVersion":1,"tool":{"name":"shrinksim","version":"0.1.0"}';
    expect(msg(`{${head},"seed":1,"scenario":{"name":"a","hash":"h"},"metrics":{"m":1.5}}`)).toBe('b.json: metrics.m: expected an integer, got 1.5');
  });

  it('refuses a baseline of another schema, kind or tool (issue 9: tool null once printed "written by shrinksim ,")', () => {
    const msg = (t: string) => {
      try {
        parseBaseline(t, 'b.json');
      } catch (e) {
        return isUserError(e) ? e.message : 'other';
      }
      return 'accepted';
    };
    const rest = '"seed":1,"scenario":{"name":"a","hash":"h"},"metrics":{}';
    const tool = '"tool":{"name":"shrinksim","version":"0.1.0"}';
    expect(msg(`{"kind":"shrinksim-baseline","schemaVersion":2,${tool},${rest}}`)).toBe(
      'b.json: schemaVersion: expected 1 (the schema this shrinksim writes; rewrite the baseline with --update), got 2',
    );
    expect(msg(`{"kind":"shrinksim-result","schemaVersion":1,${tool},${rest}}`)).toBe('b.json: kind: expected "shrinksim-baseline", got "shrinksim-result"');
    expect(msg(`{"kind":"shrinksim-baseline","schemaVersion":1,"tool":null,${rest}}`)).toBe('b.json: tool: expected {name: "shrinksim", version: "…"}, got null');
    expect(msg('[1,2]')).toBe('b.json: expected a baseline object, got a list');
    expect(msg(`{"kind":"shrinksim-baseline","schemaVersion":1,${tool},${rest}}`)).toBe('accepted');
  });
});
