/**
 * The HTML report in a real browser: headless Chromium (Debian's `chromium` package, driven by
 * playwright-core; `.ci/run` installs the package when it is missing; CHROMIUM_PATH overrides
 * the executable). For several bundled scenarios: no console errors, every chart drew its
 * data, every page map has exactly one cell of the right colour per page, and a screenshot
 * is saved under the test's temporary directory.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { loadReportAssets } from '../../src/report/html/assets.js';
import { asResultDoc, type ResultDoc } from '../../src/report/html/doc.js';
import { resultDocument } from '../../src/report/json.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';
import { launchChromium, watchErrors } from './browser.js';

const dir = mkdtempSync(join(tmpdir(), 'shrinksim-browser-'));
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

function reportOf(scenario: string, rename?: string): { doc: ResultDoc; file: string } {
  const resolved = loadScenarioFile(`scenarios/${scenario}.yaml`);
  const r = runScenario(rename === undefined ? resolved : { ...resolved, name: rename }, { file: `scenarios/${scenario}.yaml` });
  const doc = asResultDoc(JSON.parse(JSON.stringify(resultDocument(r))), scenario);
  const file = join(dir, `${scenario}.html`);
  writeFileSync(file, renderHtml(doc, loadReportAssets()));
  return { doc, file };
}

interface Drawn {
  charts: { title: string; points: number; series: number; strokePixels: number }[];
  maps: { label: string; proc: string; pages: number; active: number; lru: number; free: number }[];
}

/** Opens a report and reads back what it drew, counting canvas pixels of each colour. */
async function open(page: Page, file: string, errors: string[]): Promise<Drawn> {
  watchErrors(page, errors);
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (globalThis as unknown as { shrinksimReport?: { done?: boolean } }).shrinksimReport?.done === true, null, { timeout: 20_000 });
  return page.evaluate(() => {
    type Canvas = { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const rgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const count = (cv: Canvas, hexes: string[]): number => {
      const px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      const want = hexes.map(rgb);
      let n = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3] !== 255) continue;
        if (want.some((w) => Math.abs(px[i]! - w[0]!) <= 2 && Math.abs(px[i + 1]! - w[1]!) <= 2 && Math.abs(px[i + 2]! - w[2]!) <= 2)) n++;
      }
      return n;
    };
    const rep = (globalThis as unknown as { shrinksimReport: { charts: { title: string; points: number; series: number; strokes: string[]; canvas: Canvas }[]; maps: { label: string; proc: string; pages: number; canvas: Canvas }[] } }).shrinksimReport;
    return {
      charts: rep.charts.map((c) => ({ title: c.title, points: c.points, series: c.series, strokePixels: count(c.canvas, c.strokes) })),
      maps: rep.maps.map((m) => ({ label: m.label, proc: m.proc, pages: m.pages, active: count(m.canvas, ['#1f5fbf']), lru: count(m.canvas, ['#e8871e']), free: count(m.canvas, ['#dfe3e8']) })),
    };
  });
}

/** Each page is a 6 × 6 pixel cell of its state's colour. */
const CELL_PIXELS = 36;

describe('HTML report in headless Chromium', () => {
  for (const scenario of ['default', 'near-oom', 'mmap-contention', 'drop-caches', 'whatif-seeks0']) {
    it(`${scenario}: no console errors, every chart and page map drawn, screenshot saved`, async () => {
      const { doc, file } = reportOf(scenario);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const drawn = await open(page, file, errors);
      const png = join(dir, `${scenario}.png`);
      await page.screenshot({ path: png, fullPage: true });
      await page.close();
      expect(errors).toEqual([]);

      const withTotals = doc.shrinkers.filter((_, i) => doc.series.some((s) => s.shrinkers[i]?.scanned !== undefined)).length;
      const vmstatChart = doc.series[0]?.vmstat !== undefined ? 1 : 0;
      expect(vmstatChart).toBe(1);
      const expected = 3 + (doc.binder.procs.length > 0 ? 1 : 0) + vmstatChart + doc.shrinkers.length + withTotals;
      expect(drawn.charts).toHaveLength(expected);
      for (const c of drawn.charts) {
        expect(c.points, c.title).toBe(doc.series.length);
        expect(c.strokePixels, `${c.title}: no pixel of any series colour`).toBeGreaterThan(0);
      }

      const maps = doc.snapshots.flatMap((s) => s.binder.procs.map((p) => ({ label: s.label, proc: p.name, pages: p.pages.length, counts: p.counts })));
      expect(drawn.maps.map((m) => [m.label, m.proc, m.pages])).toEqual(maps.map((m) => [m.label, m.proc, m.pages]));
      drawn.maps.forEach((m, i) => {
        const c = maps[i]!.counts;
        expect([m.active, m.lru, m.free], `${m.label}/${m.proc}`).toEqual([c.active * CELL_PIXELS, c.lru * CELL_PIXELS, c.free * CELL_PIXELS]);
      });
      expect(existsSync(png)).toBe(true);
    });
  }

  it('a scenario named <script> renders as text and runs nothing', async () => {
    const name = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const { file } = reportOf('mmap-contention', name);
    const page = await browser.newPage();
    const errors: string[] = [];
    await open(page, file, errors);
    expect(await page.locator('h1').textContent()).toBe(name);
    expect(await page.title()).toBe(`shrinksim: ${name}`);
    expect(await page.locator('img').count()).toBe(0);
    await page.close();
    expect(errors).toEqual([]);
  });
});
