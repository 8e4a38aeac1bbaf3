/**
 * The report's static parts, rendered to HTML text on the Node side: the summary tables,
 * reclaim passes as a path × priority grid, Binder skips as bars, the page-map placeholders.
 * Every string that came from the scenario or the result goes through `esc`.
 */
import { nsToSeconds } from '../csv.js';
import type { DocReclaimRow, ResultDoc } from './doc.js';

/** HTML text escaping (also safe inside double-quoted attributes). */
export function esc(s: string | number | boolean): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type Cell = string | number | { readonly html: string; readonly left?: boolean; readonly wrap?: boolean };

export function table(head: readonly (string | readonly [string, 'l'])[], rows: readonly (readonly Cell[])[], cls = ''): string {
  const th = head.map((h) => (typeof h === 'string' ? `<th>${esc(h)}</th>` : `<th class="l">${esc(h[0])}</th>`)).join('');
  const leftCols = new Set(head.flatMap((h, i) => (typeof h === 'string' ? [] : [i])));
  const td = (c: Cell, i: number): string => {
    const l = leftCols.has(i) ? ' class="l"' : '';
    if (typeof c !== 'object') return `<td${l}>${esc(c)}</td>`;
    const cls = [c.left || l ? 'l' : '', c.wrap ? 'wrap' : ''].filter((x) => x).join(' ');
    return `<td${cls ? ` class="${cls}"` : ''}>${c.html}</td>`;
  };
  const body = rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function labels(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k > 1 ? `${n}#${k}` : n;
  });
}

export function shrinkerTable(d: ResultDoc): string {
  if (d.shrinkers.length === 0) return '<p>(no shrinkers)</p>';
  const names = labels(d.shrinkers.map((s) => s.name));
  return table(
    [['name', 'l'], ['symbol', 'l'], 'seeks', 'batch', 'count calls', 'count skips', 'scan calls', 'scanned', 'freed', 'STOPs', 'deferred end', 'deferred max', 'count end'],
    d.shrinkers.map((s, i) => [names[i] ?? s.name, { html: esc(s.symbol), left: true, wrap: true }, s.seeks, s.batch, s.countCalls, s.countSkips, s.scanCalls, s.scanned, s.freed, s.stops, s.deferredEnd, s.deferredMax, s.countEnd]),
  );
}

export function binderTable(d: ResultDoc): string {
  if (d.binder.procs.length === 0) return '<p>(no Binder processes)</p>';
  return table(
    [['name', 'l'], ['driver', 'l'], 'active', 'lru', 'free', 'high', 'refaults', 'allocs', ['alloc failures', 'l']],
    d.binder.procs.map((p) => {
      const fails = Object.entries(p.allocFailures).filter(([, v]) => v > 0);
      const f = fails.length === 0 ? '0' : `<span class="bad">${fails.map(([k, v]) => `${esc(k)} ${esc(v)}`).join(', ')}</span>`;
      return [p.dead ? `${p.name} (dead)` : p.name, p.driver, p.pages.active, p.pages.lru, p.pages.free, p.highWatermark, p.refaults, p.allocations, { html: f }];
    }),
  );
}

/** Reclaim passes as a grid: one row per path, one column per priority (12 … 0), shaded by passes. */
export function reclaimGrid(d: ResultDoc): string {
  if (d.reclaim.length === 0) return '<p>No shrink_slab passes.</p>';
  const paths = [...new Set(d.reclaim.map((r) => r.path))];
  const prios = [...new Set(d.reclaim.map((r) => r.priority))].sort((a, b) => b - a);
  const at = new Map<string, DocReclaimRow[]>();
  for (const r of d.reclaim) at.set(`${r.path}/${r.priority}`, [...(at.get(`${r.path}/${r.priority}`) ?? []), r]);
  const max = Math.max(1, ...d.reclaim.map((r) => r.passes));
  const rows = paths.map((p) => [
    { html: esc(p), left: true },
    ...prios.map((pr) => {
      const rs = at.get(`${p}/${pr}`) ?? [];
      const passes = rs.reduce((a, r) => a + r.passes, 0);
      if (passes === 0) return { html: '' };
      const title = rs.map((r) => `${r.gfp}: ${r.passes} passes, ${r.reclaimedPages} pages reclaimed, ${r.slabFreed} slab objects freed`).join('\n');
      const alpha = 0.12 + 0.78 * (Math.log1p(passes) / Math.log1p(max));
      return { html: `<span title="${esc(title)}" style="display:block;background:rgba(31,95,191,${alpha.toFixed(2)});color:${alpha > 0.55 ? '#fff' : '#1d2330'}">${esc(passes)}</span>` };
    }),
  ]);
  return table([['path', 'l'], ...prios.map((p) => `p${p}`)], rows, 'heat');
}

export function reclaimTable(d: ResultDoc): string {
  if (d.reclaim.length === 0) return '';
  return table(
    [['path', 'l'], 'priority', ['gfp', 'l'], 'passes', 'reclaimed pages', 'slab freed'],
    d.reclaim.map((r) => [r.path, r.priority, r.gfp, r.passes, r.reclaimedPages, r.slabFreed]),
  );
}

export function skipBars(d: ResultDoc): string {
  const skips = Object.entries(d.skips).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (skips.length === 0) return '<p>No skips.</p>';
  const max = Math.max(1, ...skips.map(([, v]) => v));
  return table(
    [['reason', 'l'], 'count', ['', 'l']],
    skips.map(([k, v]) => [k, v, { html: `<span class="fill" style="width:${((100 * v) / max).toFixed(1)}%"></span>`, left: true }]),
    'bars',
  );
}

export function memoryBlock(d: ResultDoc): string {
  const m = d.memory;
  const rows: [string, Cell][] = [
    ['total pages', m.totalPages],
    ['watermarks min / low / high', `${m.watermarks.min} / ${m.watermarks.low} / ${m.watermarks.high}`],
    ['end: free / page cache / anon', `${m.end.free} / ${m.end.pageCache} / ${m.end.anon}`],
    ['lowest free', m.minFree],
    ['kswapd wakeups', m.kswapdWakeups],
    ['direct reclaims (try_to_free_pages)', m.directReclaims],
    ['allocation failures', m.allocFailures],
    ['reclaimed: page cache / anon / slab', `${m.reclaimed.pageCache} / ${m.reclaimed.anon} / ${m.reclaimed.slab}`],
  ];
  if (m.kswapdBusyNs !== undefined) rows.push(['kswapd busy', `${nsToSeconds(m.kswapdBusyNs)} s`]);
  let html = table([['memory (pages)', 'l'], 'value'], rows.map(([k, v]) => [{ html: esc(k), left: true }, v]));
  const stalls = m.directStalls ?? [];
  if (stalls.length > 0) {
    html += table(
      [['task', 'l'], ['owner', 'l'], 'allocations', 'reclaims', 'stall total (s)', 'worst (s)'],
      stalls.map((s) => [`${s.comm}-${s.pid}`, s.owner, s.allocations, s.directReclaims, nsToSeconds(s.stallNs), nsToSeconds(s.maxStallNs)]),
    );
  }
  const kills = d.oomKills ?? [];
  if (kills.length > 0) {
    html += table(
      [['OOM kill: victim', 'l'], 'time (s)', 'badness', 'oom_score_adj', 'pages freed', ['invoked by', 'l']],
      kills.map((k) => [`${k.comm}-${k.pid}`, nsToSeconds(k.timeNs), k.badness, k.oomScoreAdj, k.pagesFreed, `${k.trigger.comm}-${k.trigger.pid}`]),
    );
  }
  return html;
}

export function vmstatTable(d: ResultDoc): string {
  if (!d.vmstat) return '';
  return table([['counter (/proc/vmstat)', 'l'], 'value'], Object.entries(d.vmstat).map(([k, v]) => [{ html: `<code>${esc(k)}</code>`, left: true }, v]));
}

export function stepsBlock(d: ResultDoc): string {
  const errors = d.steps.flatMap((s) => (s.ok ? [] : [s]));
  let html = `<p>${d.steps.length} steps, ${errors.length} with errors.</p>`;
  if (errors.length > 0) {
    html += table(
      ['#', ['step', 'l'], 'time (s)', ['error', 'l'], ['message', 'l']],
      errors.map((s) => [s.index, s.kind, nsToSeconds(s.timeNs), s.error, s.message]),
    );
  }
  return html;
}

export function eventsTable(d: ResultDoc): string {
  const ev = Object.entries(d.events);
  if (ev.length === 0) return '<p>No tracepoint events.</p>';
  return table([['tracepoint', 'l'], 'events'], ev.map(([k, v]) => [k, v]));
}

/** One canvas per (snapshot, Binder process); the client draws one cell per page. */
export function pageMaps(d: ResultDoc): string {
  if (d.snapshots.length === 0) return '<p>No snapshots in this scenario (add a <code>snapshot</code> step to the script).</p>';
  const legend =
    '<p class="legend"><span><i style="background:#1f5fbf"></i>active</span><span><i style="background:#e8871e"></i>on the Binder LRU</span><span><i style="background:#dfe3e8"></i>free (not installed)</span></p>';
  const snaps = d.snapshots.map((s, si) => {
    const procs = s.binder.procs.map(
      (p, pi) =>
        `<div class="pagemap"><div>${esc(p.name)}: ${esc(p.counts.active)} active, ${esc(p.counts.lru)} LRU, ${esc(p.counts.free)} free</div><canvas class="pagemap-canvas" data-snap="${si}" data-proc="${pi}"></canvas></div>`,
    );
    return `<h3>snapshot “${esc(s.label)}”</h3>\n${procs.length === 0 ? '<p>(no Binder processes)</p>' : procs.join('\n')}`;
  });
  return `${legend}\n${snaps.join('\n')}`;
}
