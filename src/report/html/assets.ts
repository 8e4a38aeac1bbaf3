/**
 * The chart library the report inlines: uPlot's minified browser build and stylesheet, read
 * from its npm package (a dependency), so the HTML opens offline and never fetches anything.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ReportAssets {
  /** uPlot's IIFE build (defines the global `uPlot`). */
  readonly uplotJs: string;
  readonly uplotCss: string;
}

let cached: ReportAssets | undefined;

export function loadReportAssets(): ReportAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const js = require.resolve('uplot/dist/uPlot.iife.min.js');
  const css = require.resolve('uplot/dist/uPlot.min.css');
  cached = { uplotJs: readFileSync(js, 'utf8'), uplotCss: readFileSync(css, 'utf8') };
  return cached;
}
