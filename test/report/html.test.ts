/**
 * The HTML report as text: self-contained (nothing fetched), escaped, a pure function of the
 * result document. The browser test (html.browser.test.ts) checks what it draws.
 */
import { describe, expect, it } from 'vitest';
import { jsonForScript, renderHtml } from '../../src/report/html.js';
import { loadReportAssets } from '../../src/report/html/assets.js';
import { asResultDoc } from '../../src/report/html/doc.js';
import { esc } from '../../src/report/html/tables.js';
import { resultDocument } from '../../src/report/json.js';
import { sampleResult } from './fixture.js';
import { nsToSeconds } from '../../src/report/csv.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';

const docOf = (over: Parameters<typeof sampleResult>[0] = {}) => asResultDoc(resultDocument(sampleResult(over)), 'x.json');

describe('HTML report', () => {
  const assets = loadReportAssets();

  it('inlines uPlot and fetches nothing: no src=, href= or url() to anything', () => {
    const html = renderHtml(docOf(), assets);
    expect(assets.uplotJs.length).toBeGreaterThan(40_000);
    expect(html).toContain(assets.uplotJs.slice(0, 200));
    expect(html).not.toMatch(/<(script|img|link|iframe)[^>]*\s(src|href)=/i);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:|\/\/)/i);
    expect(html).not.toMatch(/@import/);
  });

  it('escapes every scenario string: a name of <script> is text, and cannot end the data block', () => {
    const evil = '<script>alert(1)</script>&"\'';
    const html = renderHtml(
      docOf({
        scenario: { name: evil, file: '</script><b>f', hash: 'sha256:00' },
        shrinkers: [{ ...sampleResult().shrinkers[0]!, name: '<img onerror=x>', symbol: '<i>s' }],
        snapshots: [{ label: '</h3><script>', binder: { procs: [{ name: '<qq>', pages: 'al.', buffers: [], counts: { active: 1, lru: 1, free: 1 } }] } }],
        skips: { '<u>': 1 },
      }),
      assets,
    );
    // Exactly the three script elements of the page: data, uPlot, the report's own.
    expect(html.match(/<script/gi)).toHaveLength(3);
    expect(html).toContain('<h1>&#60;script&#62;alert(1)&#60;/script&#62;&#38;&#34;&#39;</h1>');
    expect(html).toContain('<title>shrinksim: &#60;script&#62;');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>f');
    expect(html).not.toContain('<i>s');
    expect(html).not.toContain('<u>');
    expect(html).not.toContain('<qq>');
    const data = /<script type="application\/json" id="shrinksim-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    expect(data).not.toMatch(/[<>&]/);
    expect((JSON.parse(data) as { scenario: { name: string } }).scenario.name).toBe(evil);
  });

  it('jsonForScript keeps the value and removes every character that could end a script element', () => {
    const v = { a: '</script><!--', b: 'x\u2028y\u2029&' };
    const text = jsonForScript(v);
    expect(text).toBe('{"a":"\\u003c/script\\u003e\\u003c!--","b":"x\\u2028y\\u2029\\u0026"}');
    expect(JSON.parse(text)).toEqual(v);
    expect(esc('<a href="x">&\'')).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
  });

  it('tables carry the numbers: shrinkers, Binder, reclaim grid by path × priority, skips, page maps', () => {
    const html = renderHtml(docOf(), assets);
    // Unsafe counts print exactly (the document keeps them as decimal strings).
    expect(html).toContain('<td>9223372036854775807</td>');
    // The grid has one column per priority present, highest first, and one row per path.
    expect(html).toMatch(/<th>p12<\/th><th>p0<\/th>/);
    expect(html).toMatch(/<td class="l">direct<\/td><td><\/td><td><span title="GFP_NOFS: 1 passes, 32 pages reclaimed, 0 slab objects freed"/);
    expect(html).toMatch(/<td class="l">alloc_lock<\/td><td>2<\/td><td class="l"><span class="fill" style="width:3.3%">/);
    expect(html).toContain('<canvas class="pagemap-canvas" data-snap="0" data-proc="0">');
    expect(html).toContain('app: 1 active, 1 LRU, 1 free');
    expect(html).toContain('<span class="bad">ENOSPC 2</span>');
  });

  it('lists the OOM killer victims of near-oom, as the result has them', () => {
    const r = runScenario(loadScenarioFile('scenarios/near-oom.yaml'));
    const k = r.oomKills?.[0];
    expect(k).toBeDefined();
    const html = renderHtml(asResultDoc(resultDocument(r), 'near-oom.json'), assets);
    expect(html).toContain(`<td class="l">${k?.comm}-${k?.pid}</td><td>${nsToSeconds(k?.timeNs ?? 0)}</td><td>${k?.badness}</td>`);
    expect(renderHtml(docOf(), assets)).not.toContain('OOM kill');
  });

  it('is deterministic', () => {
    expect(renderHtml(docOf(), assets)).toBe(renderHtml(docOf(), assets));
  });

  it('asResultDoc names the file and the field of a wrong input', () => {
    expect(() => asResultDoc([], 'r.json')).toThrow('r.json: expected a JSON object');
    expect(() => asResultDoc({ tool: { name: 'x' } }, 'r.json')).toThrow('r.json: tool.name: expected "shrinksim"');
    const { series: _drop, ...old } = resultDocument(sampleResult());
    expect(() => asResultDoc(old, 'r.json')).toThrow(/^r\.json: series: expected an array/);
  });
});
