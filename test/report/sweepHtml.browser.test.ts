/**
 * The sweep comparison page in headless Chromium (the harness of html.browser.test.ts): a
 * real sweep (4 points × 4 seeds of a small seeded scenario, on the worker pool, which loads
 * dist/) renders with no console error; every shown chart draws its mean, its interval boxes
 * and one dot per seed per point; the filter box draws the hidden charts on demand; a
 * screenshot is saved under the test's temporary directory; a `<script>` name is text.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportAssets } from '../../src/report/html/assets.js';
import { asSweepDoc, type SweepDoc } from '../../src/report/html/sweepDoc.js';
import { renderSweepHtml } from '../../src/report/sweepHtml.js';
import { planSweepFile } from '../../src/sweep/plan.js';
import { runSweep } from '../../src/sweep/pool.js';
import { metaOf, renderSweepJson } from '../../src/sweep/result.js';
import { parseSeeds, parseSetFlag } from '../../src/sweep/spec.js';
import { scenarioFile } from '../sweep/fixture.js';
import { launchChromium, watchErrors } from './browser.js';

const dir = mkdtempSync(join(tmpdir(), 'shrinksim-sweep-browser-'));
let browser: Browser;
let doc: SweepDoc;

beforeAll(async () => {
  browser = await launchChromium();
  const plan = planSweepFile(scenarioFile(), {
    sets: [parseSetFlag('binder.shrinker.seeks=2,0'), parseSetFlag('workload.memory[0].rate=20MiB/s,40MiB/s')],
    seeds: parseSeeds('1..4', 's'),
    reference: undefined,
  });
  const rows = await runSweep(plan, { workers: 2 });
  doc = asSweepDoc(JSON.parse(renderSweepJson(metaOf(plan), rows)), 'sweep.json');
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

interface Drawn {
  name: string;
  points: number;
  seedDots: number;
  /** Opaque pixels of the mean, interval-box and seed colours. */
  pixels: number[];
}

async function open(page: Page, file: string, errors: string[]): Promise<void> {
  watchErrors(page, errors);
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (globalThis as unknown as { shrinksimSweep?: { done?: boolean } }).shrinksimSweep?.done === true, null, { timeout: 20_000 });
}

function drawn(page: Page): Promise<Drawn[]> {
  return page.evaluate(() => {
    type Canvas = { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const rgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const count = (cv: Canvas, hex: string): number => {
      const px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      const w = rgb(hex);
      let n = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3] === 255 && Math.abs(px[i]! - w[0]!) <= 2 && Math.abs(px[i + 1]! - w[1]!) <= 2 && Math.abs(px[i + 2]! - w[2]!) <= 2) n++;
      }
      return n;
    };
    const rep = (globalThis as unknown as { shrinksimSweep: { charts: { name: string; points: number; seedDots: number; strokes: string[]; canvas: Canvas }[] } }).shrinksimSweep;
    return rep.charts.map((c) => ({ name: c.name, points: c.points, seedDots: c.seedDots, pixels: c.strokes.map((s) => count(c.canvas, s)) }));
  });
}

function writePage(name: string, d: SweepDoc): string {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, renderSweepHtml(d, loadReportAssets()));
  return file;
}

describe('sweep comparison page in headless Chromium', () => {
  it('no console errors; every shown chart draws mean, boxes and a dot per seed; the filter draws the rest; screenshot saved', async () => {
    const file = writePage('sweep', doc);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    await open(page, file, errors);
    const shownNames = await page.locator('.sweep-chart:not([hidden])').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { metric: string } }).dataset.metric));
    const first = await drawn(page);
    expect(shownNames.length).toBeGreaterThan(0);
    expect(first.map((c) => c.name)).toEqual(shownNames);
    const P = doc.points.length;
    const S = doc.seeds.length;
    for (const c of first) {
      expect(c.points, c.name).toBe(P);
      expect(c.seedDots, c.name).toBe(P * S);
      expect(c.pixels.every((n) => n > 0), `${c.name}: pixels of mean/box/seed colours ${c.pixels.join('/')}`).toBe(true);
    }
    // The summary rows follow the charts.
    expect(await page.locator('#sweep-summary tbody tr:not([hidden])').count()).toBe(shownNames.length * P);
    const png = join(dir, 'sweep.png');
    await page.screenshot({ path: png, fullPage: true });
    expect(existsSync(png)).toBe(true);

    // A filter matching every metric draws every chart, each with its data.
    await page.fill('#metric-filter', '.');
    const all = await drawn(page);
    expect(all.map((c) => c.name).sort()).toEqual([...doc.metrics].sort());
    for (const c of all) expect(c.pixels[0], c.name).toBeGreaterThan(0);
    expect(await page.locator('#metric-count').textContent()).toBe(`${doc.metrics.length} of ${doc.metrics.length} metrics shown`);
    await page.fill('#metric-filter', '^binder\\.app\\.');
    const app = doc.metrics.filter((m) => m.startsWith('binder.app.'));
    expect(await page.locator('.sweep-chart:not([hidden])').count()).toBe(app.length);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('a <script> scenario name, parameter value and metric name render as text and run nothing', async () => {
    const name = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const evil: SweepDoc = {
      ...doc,
      scenario: { ...doc.scenario, name },
      points: doc.points.map((p) => ({ ...p, params: { ...p.params, 'binder.shrinker.seeks': `<img src=x onerror=alert(${p.index})>` } })),
    };
    const page = await browser.newPage();
    const errors: string[] = [];
    await open(page, writePage('evil', evil), errors);
    expect(await page.locator('h1').textContent()).toBe(name);
    expect(await page.title()).toBe(`shrinksim sweep: ${name}`);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('table code').first().textContent()).toBe('<img src=x onerror=alert(0)>');
    await page.close();
    expect(errors).toEqual([]);
  });
});
