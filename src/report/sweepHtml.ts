/**
 * The comparison page of a sweep (`shrinksim report SWEEP.json -o compare.html`,
 * `sweep … --html FILE`): one self-contained file that opens offline. A pure function of the
 * sweep document (the parsed `sweep --json` file) and the inlined assets.
 *
 * Layout: the scenario (name, file, hashes), the points with their parameters and verdict,
 * the seeds; small multiples, one per metric, of the mean per point with its 95 % interval,
 * min–max and a dot per seed, the reference point marked, and the change against it with
 * the verdict; then the table the terminal prints. A filter box picks metrics; the page opens
 * with the ones that moved first (src/report/html/sweepSelect.ts). Strings are escaped here
 * (`esc`) and reach the client only as JSON in a `type="application/json"` block.
 */
import { jsonForScript, pageHead, scriptText } from './html.js';
import type { ReportAssets } from './html/assets.js';
import { SWEEP_CSS, SWEEP_JS } from './html/sweepClient.js';
import type { SweepDoc, SweepDocMetric } from './html/sweepDoc.js';
import { pickMetrics, type MetricPick } from './html/sweepSelect.js';
import { esc, table, type Cell } from './html/tables.js';
import { fmt, interval, pct, signed } from '../sweep/summary.js';
import { valueText } from '../sweep/result.js';

export interface SweepHtmlOptions {
  /** `--metrics REGEX`: chart only the metrics whose name matches. */
  readonly only?: (name: string) => boolean;
}

const num = (v: number | string): number => (typeof v === 'string' ? Number(v) : v);
const count = (v: number | string): string => fmt(typeof v === 'string' ? BigInt(v) : v);

/** The label of a point on the x axis: its swept values joined by ` · ` (`#i` when nothing is swept). */
function tick(doc: SweepDoc, i: number): string {
  const p = doc.points[i]!;
  const t = doc.params.length === 0 ? `#${i}` : doc.params.map((k) => valueText(p.params[k])).join(' · ');
  return t.length > 24 ? `${t.slice(0, 23)}…` : t;
}

const pointText = (doc: SweepDoc, i: number): string =>
  doc.params.length === 0 ? '(base)' : doc.params.map((k) => `${k}=${valueText(doc.points[i]!.params[k])}`).join(' ');

function seedsText(seeds: readonly number[]): string {
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  return consecutive && seeds.length > 2 ? `${seeds[0]}..${seeds[seeds.length - 1]}` : seeds.join(',');
}

function verdictOf(doc: SweepDoc, i: number): string {
  const s = doc.summary[i]!;
  if (i === doc.reference) return 'reference';
  if (s.moved > 0) return `${s.moved} moved, ${s.noise} within seed noise`;
  if (s.noise > 0) return `within seed noise (${s.noise} changed, none beyond noise)`;
  return 'same as the reference';
}

function pointsTable(doc: SweepDoc): string {
  const head: (string | readonly [string, 'l'])[] = ['point', ...doc.params.map((p) => [p, 'l'] as const), ['scenario hash', 'l'], 'runs', ['against the reference', 'l']];
  const rows: Cell[][] = doc.points.map((p, i) => [
    i === doc.reference ? { html: `<b>${esc(i)}</b>` } : i,
    ...doc.params.map((k): Cell => ({ html: `<code>${esc(valueText(p.params[k]))}</code>`, left: true })),
    { html: `<code>${esc(p.hash)}</code>`, left: true, wrap: true },
    doc.summary[i]!.n,
    { html: i === doc.reference ? '<b>reference</b>' : esc(verdictOf(doc, i)), left: true },
  ]);
  return table(head, rows);
}

const VERDICT_CLASS: Readonly<Record<string, string>> = { moved: 'v-moved', 'moved?': 'v-moved', noise: 'v-noise', same: 'v-same' };

/** The change of each non-reference point, under a chart. */
function changes(doc: SweepDoc, name: string): string {
  const items = doc.summary.flatMap((s) => {
    const c = s.metrics[name]?.change;
    if (s.point === doc.reference || !c) return [];
    const what = c.verdict === 'same' ? 'same' : `${signed(c.abs)} (${pct(c.rel)}) ${c.verdict}`;
    return [`<span class="${VERDICT_CLASS[c.verdict] ?? ''}">${esc(tick(doc, s.point))} → ${esc(what)}</span>`];
  });
  return items.length === 0 ? '' : `<p class="changes">change against the reference (${esc(tick(doc, doc.reference))}): ${items.join(' · ')}</p>`;
}

const CLASS_TEXT: Readonly<Record<MetricPick['cls'], string>> = {
  moved: 'moved',
  'moved?': 'moved (one seed)',
  noise: 'within seed noise',
  seed: 'varies with the seed alike in every point',
  const: 'equal in every run',
};

function chartBoxes(doc: SweepDoc, picks: readonly MetricPick[]): string {
  return picks
    .map(
      (m, i) =>
        `<div class="chart sweep-chart" data-metric="${esc(m.name)}" data-index="${i}" data-shown="${m.shown ? 1 : 0}"${m.shown ? '' : ' hidden'}>` +
        `<h3><code>${esc(m.name)}</code> <span class="cls ${VERDICT_CLASS[m.cls] ?? 'v-same'}">${esc(CLASS_TEXT[m.cls])}</span></h3>` +
        `<div class="plot"></div><p class="hover note">hover a point for its values per seed</p>${changes(doc, m.name)}</div>`,
    )
    .join('\n');
}

/** The terminal's summary table: per metric, one row per point. */
function summaryTable(doc: SweepDoc, picks: readonly MetricPick[]): string {
  const head: (string | readonly [string, 'l'])[] = ['point', ['metric', 'l'], 'mean', 'min', 'max', '95% interval', 'change', 'rel', '95% interval of change', ['verdict', 'l']];
  const rows: string[] = [];
  for (const m of picks) {
    for (const s of doc.summary) {
      const x: SweepDocMetric | undefined = s.metrics[m.name];
      if (!x) continue;
      const c = x.change;
      const cells = [
        esc(s.point),
        `<code>${esc(m.name)}</code>`,
        esc(fmt(x.mean)),
        esc(count(x.min)),
        esc(count(x.max)),
        esc(interval(x.ci95)),
        c ? esc(signed(c.abs)) : '',
        c ? esc(pct(c.rel)) : '',
        c ? esc(interval(c.ci95)) : '',
        c ? `<span class="${VERDICT_CLASS[c.verdict] ?? ''}">${esc(c.verdict)}</span>` : 'ref',
      ];
      const td = cells.map((h, i) => `<td${i === 1 || i === 9 ? ' class="l"' : ''}>${h}</td>`).join('');
      rows.push(`<tr data-metric="${esc(m.name)}" data-shown="${m.shown ? 1 : 0}"${m.shown ? '' : ' hidden'}>${td}</tr>`);
    }
  }
  const th = head.map((h) => (typeof h === 'string' ? `<th>${esc(h)}</th>` : `<th class="l">${esc(h[0])}</th>`)).join('');
  return `<div class="scroll"><table id="sweep-summary"><thead><tr>${th}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

/** What the client draws: per charted metric and point, the statistics and each seed's value. */
function chartData(doc: SweepDoc, picks: readonly MetricPick[]): unknown {
  const bySeed = new Map(doc.rows.map((r) => [`${r.point}/${r.seed}`, r.metrics]));
  return {
    reference: doc.reference,
    ticks: doc.points.map((_, i) => tick(doc, i)),
    xLabel: doc.params.length === 0 ? 'point' : doc.params.join(' · '),
    labels: doc.points.map((_, i) => pointText(doc, i)),
    seeds: doc.seeds,
    metrics: picks.map((m) => ({
      name: m.name,
      points: doc.summary.map((s) => {
        const x = s.metrics[m.name];
        if (!x) return null;
        const seeds = doc.seeds.map((seed) => {
          const r = bySeed.get(`${s.point}/${seed}`);
          return r === undefined ? null : num(r[m.name] ?? 0);
        });
        // With one seed there is no interval (ci: false): the page draws no box.
        return { mean: x.mean, lo: x.ci95?.[0] ?? x.mean, hi: x.ci95?.[1] ?? x.mean, ci: x.ci95 !== null, min: num(x.min), max: num(x.max), seeds };
      }),
    })),
  };
}

export function renderSweepHtml(doc: SweepDoc, assets: ReportAssets, opts: SweepHtmlOptions = {}): string {
  const picks = pickMetrics(doc, opts.only);
  const shown = picks.filter((m) => m.shown).length;
  const P = doc.points.length;
  const S = doc.seeds.length;
  const title = `shrinksim sweep: ${doc.scenario.name}`;
  return `${pageHead(doc.tool.version, title, assets, SWEEP_CSS)}
<h1>${esc(doc.scenario.name)}</h1>
<p class="meta">sweep of <code>${esc(doc.scenario.file)}</code> · ${esc(P)} point${P === 1 ? '' : 's'} × ${esc(S)} seed${S === 1 ? '' : 's'} = ${esc(doc.rows.length)} runs · seeds <code>${esc(seedsText(doc.seeds))}</code> · reference point <code>${esc(doc.reference)}</code> · shrinksim ${esc(doc.tool.version)}</p>

<h2>Points</h2>
${pointsTable(doc)}

<h2>Metrics per point</h2>
<p class="note">Per point: the mean (blue), its 95 % interval across the seeds (orange box; none with one seed), min–max (grey whisker) and each seed's value (purple dots); the reference point has a pink band. The x axis names each point by its values of the swept parameters. Under each chart, the change of every point against the reference and its verdict: <span class="v-moved">moved</span> = the Welch 95 % interval of the change excludes 0, <span class="v-noise">noise</span> = it contains 0 (the seeds alone could explain it).</p>
<div class="filter"><label>filter metrics <input type="search" id="metric-filter" placeholder="regular expression, e.g. ^binder\\.|pgscan" size="40"></label>
<label><input type="checkbox" id="metric-all"> show all ${esc(picks.length)}</label>
<span id="metric-count" class="note">${esc(shown)} of ${esc(picks.length)} metrics shown${opts.only ? ' (--metrics)' : ': those that moved first, then Binder, reclaim and vmstat ones'}</span></div>
<div class="grid small" id="sweep-charts">
${chartBoxes(doc, picks)}
</div>

<h2>Summary across seeds</h2>
<p class="note">As <code>shrinksim sweep</code> prints it, for the metrics shown above; change is against point ${esc(doc.reference)}.</p>
${summaryTable(doc, picks)}
</main>
<script type="application/json" id="shrinksim-sweep-data">${jsonForScript(chartData(doc, picks))}</script>
<script>${scriptText(assets.uplotJs)}</script>
<script>${scriptText(SWEEP_JS)}</script>
</body>
</html>
`;
}
