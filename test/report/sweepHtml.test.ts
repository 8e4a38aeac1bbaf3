/**
 * The sweep comparison page as text: a pure function of the sweep document, escaped, charting
 * the metrics that moved first, and its table holding the sweep summary's numbers. The rows
 * are hand-made (no simulation), so every expected number below is computed from the
 * statistics' definitions (Student t / Welch) by hand.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/commands/report.js';
import { loadReportAssets } from '../../src/report/html/assets.js';
import { asSweepDoc, type SweepDoc } from '../../src/report/html/sweepDoc.js';
import { DEFAULT_SHOWN, pickMetrics } from '../../src/report/html/sweepSelect.js';
import type { MetricValue } from '../../src/report/metrics.js';
import { renderSweepHtml } from '../../src/report/sweepHtml.js';
import type { SweepRow } from '../../src/sweep/pool.js';
import { renderSweepJson, type SweepMeta } from '../../src/sweep/result.js';
import { renderSweepSummary } from '../../src/sweep/summary.js';
import { UserError } from '../../src/util/errors.js';

const BIG = 9223372036854775807n;

/** metric → [point 0 values per seed, point 1 values per seed]. */
const VALUES: Record<string, [MetricValue[], MetricValue[]]> = {
  'binder.app.refaults': [[10, 12, 14], [20, 22, 24]], // moved: +10, Welch [5.466, 14.53]
  'binder.reclaimed': [[100, 110, 120], [101, 111, 121]], // noise: +1 inside ±10 spread
  'vmstat.pgscan_kswapd': [[5, 6, 7], [5, 6, 7]], // varies with the seed alike in both points
  'shrinker.sb.scanned': [[50, 50, 50], [80, 80, 80]], // moved with no spread: +60 %
  'shrinker.other.freed': [[1, 2, 3], [2, 3, 4]], // noise, not a key metric
  'vmstat.drop_slab': [[0, 0, 0], [0, 0, 0]], // zero everywhere
  'memory.min_free': [[1000, 1000, 1000], [1000, 1000, 1000]], // constant, non-zero, key
  'shrinker.sb.deferred_max': [[BIG, BIG, BIG], [BIG, BIG, BIG]], // past 2^53
};

function sweep(over: { name?: string; param?: string; value1?: unknown; values?: typeof VALUES; seeds?: number[] } = {}): { meta: SweepMeta; rows: SweepRow[]; doc: SweepDoc } {
  const param = over.param ?? 'binder.shrinker.seeks';
  const values = over.values ?? VALUES;
  const meta: SweepMeta = {
    tool: { name: 'shrinksim', version: '0.1.0' },
    scenario: { name: over.name ?? 'unit', file: 'scenarios/unit.yaml' },
    params: [param],
    seeds: over.seeds ?? [1, 2, 3],
    reference: 0,
    points: [
      { index: 0, values: [2], hash: `sha256:${'a'.repeat(64)}` },
      { index: 1, values: [over.value1 ?? 0], hash: `sha256:${'b'.repeat(64)}` },
    ],
  };
  const rows: SweepRow[] = [];
  for (const point of [0, 1]) {
    for (const [i, seed] of meta.seeds.entries()) rows.push({ point, seed, metrics: Object.entries(values).map(([k, v]) => [k, v[point]![i]!] as const) });
  }
  return { meta, rows, doc: asSweepDoc(JSON.parse(renderSweepJson(meta, rows)), 'sweep.json') };
}

const assets = loadReportAssets();

/** The summary table's cells, per row, as text. */
function tableCells(html: string): string[][] {
  const body = /<table id="sweep-summary">.*?<tbody>(.*?)<\/tbody>/s.exec(html)![1]!;
  const unesc = (s: string): string => s.replace(/<[^>]+>/g, '').replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map((r) => [...r[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => unesc(c[1]!)));
}

describe('sweep comparison page', () => {
  it('charts what moved first (largest relative change first), then key Binder/vmstat/memory metrics; the rest hidden', () => {
    const picks = pickMetrics(sweep().doc);
    expect(picks.map((p) => [p.name, p.cls, p.shown])).toEqual([
      ['binder.app.refaults', 'moved', true], // +83.3 %
      ['shrinker.sb.scanned', 'moved', true], // +60 %
      ['binder.reclaimed', 'noise', true],
      ['vmstat.pgscan_kswapd', 'seed', true],
      ['memory.min_free', 'const', true],
      ['shrinker.other.freed', 'noise', false],
      ['vmstat.drop_slab', 'const', false],
      ['shrinker.sb.deferred_max', 'const', false],
    ]);
    const html = renderSweepHtml(sweep().doc, assets);
    const boxes = [...html.matchAll(/<div class="chart sweep-chart" data-metric="([^"]*)" data-index="\d+" data-shown="(\d)"( hidden)?>/g)].map((m) => [m[1], m[2], !!m[3]]);
    expect(boxes).toEqual(picks.map((p) => [p.name, p.shown ? '1' : '0', !p.shown]));
    expect(html).toContain('5 of 8 metrics shown');
  });

  it('with --metrics every match is charted and shown; without, at most DEFAULT_SHOWN unless more moved', () => {
    const only = (n: string): boolean => /^shrinker\./.test(n);
    expect(pickMetrics(sweep().doc, only).map((p) => [p.name, p.shown])).toEqual([
      ['shrinker.sb.scanned', true],
      ['shrinker.other.freed', true],
      ['shrinker.sb.deferred_max', true],
    ]);
    // 20 metrics that all moved, 5 key ones that vary with the seed: every moved one is shown, no filler.
    const many: typeof VALUES = {};
    for (let i = 0; i < 20; i++) many[`shrinker.s${i}.scanned`] = [[1, 1, 1], [2 + i, 2 + i, 2 + i]];
    for (let i = 0; i < 5; i++) many[`binder.p${i}.refaults`] = [[1, 2, 3], [1, 2, 3]];
    const picks = pickMetrics(sweep({ values: many }).doc);
    expect(picks.filter((p) => p.shown)).toHaveLength(20);
    expect(picks[0]!.name).toBe('shrinker.s19.scanned'); // the largest relative change
    // Nothing moved: the key metrics fill up to DEFAULT_SHOWN, Binder refaults before vmstat.
    const calm: typeof VALUES = {};
    for (let i = 0; i < 10; i++) calm[`vmstat.pgscan_v${i}`] = [[1, 2, 3], [1, 2, 3]];
    for (let i = 0; i < 10; i++) calm[`binder.p${i}.refaults`] = [[1, 2, 3], [1, 2, 3]];
    const shown = pickMetrics(sweep({ values: calm }).doc).filter((p) => p.shown).map((p) => p.name);
    expect(shown).toHaveLength(DEFAULT_SHOWN);
    expect(shown.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `binder.p${i}.refaults`));
  });

  it("the table's numbers are the sweep summary's, cell for cell with the terminal table", () => {
    const { meta, rows, doc } = sweep();
    const cells = tableCells(renderSweepHtml(doc, assets));
    const row = (point: number, metric: string): string[] => cells.find((c) => c[0] === String(point) && c[1] === metric)!;
    // mean 22, t(0.975, 2) = 4.3027 → half 4.3027 × 2 / √3 = 4.968; Welch: se = √(4/3 + 4/3) = 1.633, df = 4, t = 2.7764 → ±4.534.
    expect(row(1, 'binder.app.refaults')).toEqual(['1', 'binder.app.refaults', '22', '20', '24', '[17.03, 26.97]', '+10', '+83.3%', '[5.466, 14.53]', 'moved']);
    expect(row(0, 'binder.app.refaults')).toEqual(['0', 'binder.app.refaults', '12', '10', '14', '[7.032, 16.97]', '', '', '', 'ref']);
    // No spread on either side: the change is exact and real.
    expect(row(1, 'shrinker.sb.scanned')).toEqual(['1', 'shrinker.sb.scanned', '80', '80', '80', '[80, 80]', '+30', '+60.0%', '[30, 30]', 'moved']);
    // sd 10 on both sides: se = √(100/3 + 100/3) = 8.165, df = 4 → ±2.7764 × 8.165 = ±22.67.
    expect(row(1, 'binder.reclaimed').slice(6)).toEqual(['+1', '+0.9%', '[-21.67, 23.67]', 'noise']);
    // A count past 2^53 keeps every digit.
    expect(row(0, 'shrinker.sb.deferred_max').slice(3, 5)).toEqual([String(BIG), String(BIG)]);
    // Every row of the terminal table appears, with the same cells, in the page's table.
    const terminal = renderSweepSummary(meta, rows, Object.keys(VALUES)).split('\n');
    const start = terminal.findIndex((l) => /^point\s+metric/.test(l));
    const termRows = terminal.slice(start + 1).filter((l) => l.trim() !== '');
    expect(termRows.length).toBeGreaterThan(0);
    for (const line of termRows) {
      const [point, metric] = line.trim().split(/\s+/);
      const html = row(Number(point), metric!);
      expect(html, line).toBeDefined();
      expect(line.replace(/\s+/g, ' ').trim(), metric).toBe(html.filter((c) => c !== '').join(' ').replace(/\s+/g, ' '));
    }
  });

  it("the chart data carries each seed's value per point, and no interval with one seed", () => {
    type Data = { metrics: { name: string; points: { mean: number; lo: number; hi: number; ci: boolean; min: number; max: number; seeds: number[] }[] }[] };
    const dataOf = (html: string): Data => JSON.parse(/id="shrinksim-sweep-data">(.*?)<\/script>/s.exec(html)![1]!) as Data;
    const d = dataOf(renderSweepHtml(sweep().doc, assets));
    const refaults = d.metrics.find((m) => m.name === 'binder.app.refaults')!;
    expect(refaults.points.map((p) => p.seeds)).toEqual([[10, 12, 14], [20, 22, 24]]);
    expect(refaults.points[1]).toMatchObject({ mean: 22, min: 20, max: 24, ci: true });
    expect(refaults.points[1]!.hi - refaults.points[1]!.lo).toBeCloseTo((2 * 4.302653 * 2) / Math.sqrt(3), 4);
    const one = dataOf(renderSweepHtml(sweep({ seeds: [7] }).doc, assets));
    const r1 = one.metrics.find((m) => m.name === 'binder.app.refaults')!;
    expect(r1.points).toEqual([
      { mean: 10, lo: 10, hi: 10, ci: false, min: 10, max: 10, seeds: [10] },
      { mean: 20, lo: 20, hi: 20, ci: false, min: 20, max: 20, seeds: [20] },
    ]);
    // With one seed any change is `moved?`, and it leads the page.
    expect(pickMetrics(sweep({ seeds: [7] }).doc)[0]).toMatchObject({ name: 'binder.app.refaults', cls: 'moved?', shown: true });
  });

  it('escapes every string: a <script> scenario name, parameter path, value or metric name is text', () => {
    const evil = '<script>alert(1)</script>&"\'';
    const values: typeof VALUES = { 'shrinker.<img src=x onerror=alert(1)>.scanned': [[1, 2, 3], [4, 5, 6]] };
    const { doc } = sweep({ name: evil, param: 'binder.procs[<b>x</b>].driver', value1: '</script><i>v', values });
    const html = renderSweepHtml(doc, assets);
    // Exactly the page's three script elements: data, uPlot, the page's own.
    expect(html.match(/<script/gi)).toHaveLength(3);
    expect(html).toContain('<h1>&#60;script&#62;alert(1)&#60;/script&#62;&#38;&#34;&#39;</h1>');
    expect(html).toContain('<title>shrinksim sweep: &#60;script&#62;');
    for (const bad of ['<img', '<b>x', '<i>v', 'onerror=alert(1)>']) expect(html).not.toContain(bad);
    const data = /<script type="application\/json" id="shrinksim-sweep-data">(.*?)<\/script>/s.exec(html)![1]!;
    expect(data).not.toMatch(/[<>&]/);
    const parsed = JSON.parse(data) as { labels: string[]; metrics: { name: string }[] };
    expect(parsed.labels[1]).toBe('binder.procs[<b>x</b>].driver=</script><i>v');
    expect(parsed.metrics[0]!.name).toBe('shrinker.<img src=x onerror=alert(1)>.scanned');
  });

  it('`shrinksim report` recognises a sweep result by its kind; --metrics applies to sweeps only', () => {
    const { meta, rows, doc } = sweep();
    const dir = mkdtempSync(join(tmpdir(), 'shrinksim-sweephtml-'));
    const json = join(dir, 'sweep.json');
    writeFileSync(json, renderSweepJson(meta, rows));
    reportCommand({ command: 'report', result: json, out: join(dir, 'a.html') });
    expect(readFileSync(join(dir, 'a.html'), 'utf8')).toBe(renderSweepHtml(doc, assets));
    reportCommand({ command: 'report', result: json, out: join(dir, 'b.html'), metrics: '^binder\\.' });
    const b = readFileSync(join(dir, 'b.html'), 'utf8');
    expect([...b.matchAll(/data-metric="([^"]*)" data-index/g)].map((m) => m[1])).toEqual(['binder.app.refaults', 'binder.reclaimed']);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ kind: 'shrinksim-sweep', schemaVersion: 1, scenario: { name: 'x' }, params: [], seeds: [], points: [{}], metrics: [], rows: [], summary: [{}], reference: 3 }));
    expect(() => reportCommand({ command: 'report', result: join(dir, 'bad.json'), out: join(dir, 'c.html') })).toThrow(UserError);
    expect(() => reportCommand({ command: 'report', result: join(dir, 'bad.json'), out: join(dir, 'c.html') })).toThrow(/bad\.json: reference: expected a point index below 1, got 3/);
    expect(() => reportCommand({ command: 'report', result: json, out: join(dir, 'c.html'), metrics: '(' })).toThrow(/--metrics: not a regular expression/);
  });
});
