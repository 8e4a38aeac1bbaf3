/**
 * The terminal summary of a run: what reclaim did to every shrinker and to Binder's pages.
 * A pure function of the RunResult and a colour switch; `shouldColor` decides the switch the
 * way the CLI should (a TTY, and neither NO_COLOR nor TERM=dumb; FORCE_COLOR wins).
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { shrinkerLabels, type RunResult } from './result.js';
import { nsToSeconds } from './csv.js';
import { sparkline } from './sparkline.js';

export interface SummaryOptions {
  readonly color: boolean;
  /** Add the `/proc/vmstat` counters block (`run --vmstat`). */
  readonly vmstat?: boolean;
  /** Add sparklines of free memory and Binder LRU pages (a TTY, or `run --sparklines`). */
  readonly sparklines?: boolean;
}

/** Colour on a TTY unless NO_COLOR (any non-empty value) or TERM=dumb; FORCE_COLOR=0/1… overrides. */
export function shouldColor(isTty: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTty;
}

type Align = 'l' | 'r';

function table(c: ChalkInstance, head: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]) =>
    r.map((cell, i) => (align[i] === 'l' ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [`  ${c.dim(fmt(head))}`, ...rows.map((r) => `  ${fmt(r)}`)];
}

const n = (v: number | bigint): string => v.toString();

/** A section of the summary: its lines, given the colours. */
type Section = (r: RunResult, c: ChalkInstance, opts: SummaryOptions) => string[];

const heading = (c: ChalkInstance, s: string): string[] => ['', c.bold(s)];

const headerSection: Section = (r, c) => [
  `${c.bold(`shrinksim ${r.tool.version}`)}  scenario ${c.cyan(r.scenario.name)}${r.scenario.file ? ` (${r.scenario.file})` : ''}`,
  `  seed ${r.seed}  kernel ${r.kernel}  simulated ${nsToSeconds(r.simulatedNs)} s  ${c.dim(r.scenario.hash.slice(0, 19))}`,
];

const shrinkersSection: Section = (r, c) => {
  const labels = shrinkerLabels(r.shrinkers);
  if (r.shrinkers.length === 0) return [...heading(c, 'Shrinkers'), '  (none)'];
  return [
    ...heading(c, 'Shrinkers'),
    ...table(
      c,
      ['name', 'seeks', 'batch', 'count calls', 'scan calls', 'scanned', 'freed', 'STOPs', 'deferred end', 'count end'],
      r.shrinkers.map((s, i) => [
        labels[i] ?? s.name,
        n(s.seeks),
        n(s.batch),
        n(s.countCalls),
        n(s.scanCalls),
        n(s.scanned),
        n(s.freed),
        s.stops > 0 ? c.yellow(n(s.stops)) : n(s.stops),
        n(s.deferredEnd),
        n(s.countEnd),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ];
};

const binderSection: Section = (r, c) => {
  if (r.binder.procs.length === 0) return [...heading(c, 'Binder processes'), '  (none)'];
  return [
    ...heading(c, 'Binder processes'),
    ...table(
      c,
      ['name', 'driver', 'active', 'lru', 'free', 'high', 'refaults', 'allocs', 'alloc failures'],
      r.binder.procs.map((p) => {
        const fails = Object.entries(p.allocFailures)
          .filter(([, v]) => v > 0)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
        return [
          p.dead ? `${p.name} (dead)` : p.name,
          p.driver,
          n(p.pages.active),
          n(p.pages.lru),
          n(p.pages.free),
          n(p.highWatermark),
          n(p.refaults),
          n(p.allocations),
          fails === '' ? '0' : c.red(fails),
        ];
      }),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
  ];
};

const reclaimSection: Section = (r, c) => {
  const out = heading(c, 'Reclaim passes (shrink_slab calls by path, priority, gfp)');
  if (r.reclaim.length === 0) return [...out, '  (none)'];
  return [
    ...out,
    ...table(
      c,
      ['path', 'priority', 'gfp', 'passes', 'reclaimed pages', 'slab freed'],
      r.reclaim.map((x) => [x.path, n(x.priority), x.gfp, n(x.passes), n(x.reclaimedPages), n(x.slabFreed)]),
      ['l', 'r', 'l', 'r', 'r', 'r'],
    ),
  ];
};

const skipsSection: Section = (r, c) => {
  const skips = Object.entries(r.skips).sort(([a], [b]) => (a < b ? -1 : 1));
  return ['', `${c.bold('Skips')}  ${skips.length === 0 ? 'none' : skips.map(([k, v]) => `${k} ${v}`).join(', ')}`];
};

const memorySection: Section = (r, c) => {
  const m = r.memory;
  const out = [
    ...heading(c, 'Memory (pages)'),
    `  total ${m.totalPages}  watermarks min ${m.watermarks.min} low ${m.watermarks.low} high ${m.watermarks.high}`,
    `  end: free ${m.end.free}  page cache ${m.end.pageCache}  anon ${m.end.anon}  (lowest free ${m.minFree})`,
    `  kswapd wakeups ${m.kswapdWakeups}  direct reclaims ${m.directReclaims}  allocation failures ${m.allocFailures > 0 ? c.red(n(m.allocFailures)) : '0'}`,
    `  reclaimed: page cache ${m.reclaimed.pageCache}  anon ${m.reclaimed.anon}  slab ${m.reclaimed.slab}`,
  ];
  if (m.kswapdBusyNs !== undefined) out.push(`  kswapd busy ${nsToSeconds(m.kswapdBusyNs)} s`);
  for (const d of m.directStalls ?? []) {
    out.push(
      `  direct reclaim stall ${d.comm}-${d.pid} (${d.owner}): ${d.allocations} allocations, ${d.directReclaims} reclaims, ${nsToSeconds(d.stallNs)} s total, worst ${nsToSeconds(d.maxStallNs)} s`,
    );
  }
  return out;
};

const oomSection: Section = (r, c) => {
  if (!r.oomKills || r.oomKills.length === 0) return [];
  return [
    ...heading(c, 'OOM kills'),
    ...table(
      c,
      ['time s', 'victim', 'badness', 'oom_score_adj', 'anon rss', 'file rss', 'pages freed', 'invoked by'],
      r.oomKills.map((k) => [
        nsToSeconds(k.timeNs),
        `${k.comm}-${k.pid}`,
        n(k.badness),
        n(k.oomScoreAdj),
        n(k.anonRssPages),
        n(k.fileRssPages),
        n(k.pagesFreed),
        `${k.trigger.comm}-${k.trigger.pid}`,
      ]),
      ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
  ];
};

const memcgSection: Section = (r, c) => {
  if (!r.memcgs || r.memcgs.length === 0) return [];
  return [
    ...heading(c, 'Memcgs at their limits (memory.events)'),
    ...table(
      c,
      ['memcg', 'max', 'high', 'usage', 'max events', 'high events', 'oom', 'oom_kill', 'reclaims', 'reclaimed'],
      r.memcgs.map((m) => [
        m.name,
        m.maxPages === undefined ? 'max' : n(m.maxPages),
        m.highPages === undefined ? 'max' : n(m.highPages),
        n(m.usagePages),
        n(m.events.max),
        n(m.events.high),
        n(m.events.oom),
        n(m.events.oomKill),
        n(m.events.reclaims),
        n(m.events.reclaimed),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ];
};

/** Over the run, min..max at the right (a TTY, or --sparklines). */
const sparklineSection: Section = (r, c, opts) => {
  if (!opts.sparklines || r.series.length <= 1) return [];
  const line = (label: string, v: readonly number[]) => `  ${label.padEnd(16)} ${c.cyan(sparkline(v))}  ${Math.min(...v)}..${Math.max(...v)}`;
  return [line('free pages', r.series.map((s) => s.freePages)), line('Binder LRU pages', r.series.map((s) => s.binder.lru))];
};

const scriptSection: Section = (r, c) => {
  const errors = r.steps.filter((s) => !s.ok);
  const out = heading(c, `Script: ${r.steps.length} steps, ${errors.length} with errors`);
  for (const s of errors) {
    if (!s.ok) out.push(`  ${c.red(`#${s.index} ${s.kind}`)} at ${nsToSeconds(s.timeNs)} s: ${s.error}: ${s.message}`);
  }
  if (r.snapshots.length > 0) out.push(`  snapshots: ${r.snapshots.map((s) => s.label).join(', ')}`);
  return out;
};

/** As /proc/vmstat prints them (`name value`), so a kernel's delta reads side by side. */
const vmstatSection: Section = (r, c, opts) => {
  if (!opts.vmstat || !r.vmstat) return [];
  return [...heading(c, 'vmstat (cumulative, /proc/vmstat names)'), ...Object.entries(r.vmstat).map(([k, v]) => `  ${k} ${v}`)];
};

const tracepointSection: Section = (r, c) => {
  const events = Object.entries(r.events).sort(([a], [b]) => (a < b ? -1 : 1));
  return [...heading(c, 'Tracepoints'), events.length === 0 ? '  none' : `  ${events.map(([k, v]) => `${k} ${v}`).join('\n  ')}`];
};

/** The summary's sections, in print order. */
const SECTIONS: readonly Section[] = [
  headerSection,
  shrinkersSection,
  binderSection,
  reclaimSection,
  skipsSection,
  memorySection,
  oomSection,
  memcgSection,
  sparklineSection,
  scriptSection,
  vmstatSection,
  tracepointSection,
];

export function renderSummary(r: RunResult, opts: SummaryOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  return `${SECTIONS.flatMap((section) => section(r, c, opts)).join('\n')}\n`;
}
