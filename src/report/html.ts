/**
 * The HTML report (`shrinksim report RESULT.json -o report.html`, `run --html FILE`): one
 * self-contained file that opens offline. A pure function of the result document (the parsed
 * `--json` file) and the inlined assets: the same result gives the same bytes.
 *
 * Layout: the scenario (name, file, hash, seed, kernel), the time-series charts (drawn in the
 * browser by uPlot from the embedded document), reclaim passes by path and priority, Binder
 * skips, each snapshot's page map per Binder process, then the summary tables. Strings from
 * the scenario are escaped on the Node side (`esc`) and reach the client only as JSON inside
 * a `type="application/json"` block with `<`, `>`, `&`, U+2028 and U+2029 escaped, so no
 * value can end the block or become markup.
 */
import { nsToSeconds } from './csv.js';
import type { ReportAssets } from './html/assets.js';
import { REPORT_JS } from './html/client.js';
import type { ResultDoc } from './html/doc.js';
import { REPORT_CSS } from './html/style.js';
import {
  binderTable,
  esc,
  eventsTable,
  memoryBlock,
  pageMaps,
  reclaimGrid,
  reclaimTable,
  shrinkerTable,
  skipBars,
  stepsBlock,
  vmstatTable,
} from './html/tables.js';

/** JSON text that is safe inside a `<script>` element. */
export function jsonForScript(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A `</script` inside inlined library code would end the element early. */
export const scriptText = (js: string): string => js.replace(/<\/(script)/gi, '<\\/$1');
export const styleText = (css: string): string => css.replace(/<\/(style)/gi, '<\\/$1');

/**
 * The start of a report page up to `<main>`: the document head with uPlot's and the report's
 * styles inlined, then `extraCss` (the sweep page's own), each in its own `<style>`.
 */
export function pageHead(version: string, title: string, assets: ReportAssets, ...extraCss: string[]): string {
  const styles = [assets.uplotCss, REPORT_CSS, ...extraCss].map((css) => `<style>${styleText(css)}</style>\n`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="shrinksim ${esc(version)}">
<title>${esc(title)}</title>
${styles}</head>
<body>
<main>`;
}

export function renderHtml(doc: ResultDoc, assets: ReportAssets): string {
  const s = doc.scenario;
  const title = `shrinksim: ${s.name}`;
  const vm = vmstatTable(doc);
  return `${pageHead(doc.tool.version, title, assets)}
<h1>${esc(s.name)}</h1>
<p class="meta">${s.file !== undefined ? `file <code>${esc(s.file)}</code> · ` : ''}seed <code>${esc(doc.seed)}</code> · kernel <code>${esc(doc.kernel)}</code> · simulated <code>${esc(nsToSeconds(doc.simulatedNs))} s</code> · ${esc(doc.series.length)} sample${doc.series.length === 1 ? '' : 's'}</p>
<p class="meta">scenario hash <code>${esc(s.hash)}</code> · shrinksim ${esc(doc.tool.version)}</p>

<h2>Memory over time</h2>
${doc.series.length < 2 ? `<p class="note">This run has ${doc.series.length} sample${doc.series.length === 1 ? '' : 's'} (its duration is ${esc(nsToSeconds(doc.simulatedNs))} s: the script alone drives it), so the charts show single points; the tables below hold what happened.</p>
` : ''}<div class="grid" id="charts-memory"></div>

<h2>Shrinkers over time</h2>
<div class="grid" id="charts-shrinkers"></div>

<h2>Reclaim passes by path and priority</h2>
<p class="note">shrink_slab() calls per reclaim path and scan priority (12 = gentlest, 0 = most aggressive); hover a cell for the gfp masks, pages reclaimed and slab objects freed.</p>
${reclaimGrid(doc)}

<h2>Binder skips by reason</h2>
${skipBars(doc)}

<h2>Binder page maps</h2>
${pageMaps(doc)}

<h2>Summary</h2>
<h3>Shrinkers</h3>
${shrinkerTable(doc)}
<h3>Binder processes</h3>
${binderTable(doc)}
<h3>Reclaim passes</h3>
${reclaimTable(doc)}
<h3>Memory</h3>
${memoryBlock(doc)}
${vm === '' ? '' : `<h3>vmstat</h3>\n${vm}`}
<h3>Script</h3>
${stepsBlock(doc)}
<h3>Tracepoints</h3>
${eventsTable(doc)}
</main>
<script type="application/json" id="shrinksim-data">${jsonForScript(doc)}</script>
<script>${scriptText(assets.uplotJs)}</script>
<script>${scriptText(REPORT_JS)}</script>
</body>
</html>
`;
}
