#!/usr/bin/env node
/**
 * Looks at a `--timeline` file without Perfetto (no network needed):
 *
 *   node scripts/timeline-view.mjs FILE.json                       text summary per track
 *   node scripts/timeline-view.mjs FILE.json --png out.png [--from µs --to µs]
 *                                                                  + a picture (headless Chromium)
 *
 * The summary rebuilds each (process, thread) track's slice tree from the X events (nesting by
 * time) and prints, per track, the slices by name with count, total and max duration and depth,
 * then each counter's range. The picture draws every track as rows of slices (one row per
 * nesting depth, coloured by category) and every counter as a step line, over the chosen window.
 */
import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: timeline-view.mjs FILE.json [--png out.png] [--from µs] [--to µs]');
  process.exit(2);
}
const opt = (k) => {
  const i = rest.indexOf(k);
  return i >= 0 ? rest[i + 1] : undefined;
};
const doc = JSON.parse(readFileSync(file, 'utf8'));
const events = Array.isArray(doc) ? doc : doc.traceEvents;
const procName = new Map();
const threadName = new Map();
const sortIndex = new Map();
for (const e of events) {
  if (e.ph !== 'M') continue;
  if (e.name === 'process_name') procName.set(e.pid, e.args.name);
  if (e.name === 'thread_name') threadName.set(`${e.pid}/${e.tid}`, e.args.name);
  if (e.name === 'process_sort_index') sortIndex.set(e.pid, e.args.sort_index);
}

/** Tracks: slices with their depth (rebuilt from time nesting). */
const tracks = new Map();
for (const e of events) {
  if (e.ph !== 'X') continue;
  const k = `${e.pid}/${e.tid}`;
  if (!tracks.has(k)) tracks.set(k, []);
  // Whole ns, as Perfetto's importer converts µs (truncating).
  const s = Math.trunc(e.ts * 1000);
  tracks.get(k).push({ name: e.name, cat: e.cat, s: s / 1000, e: (s + Math.trunc(e.dur * 1000)) / 1000, args: e.args });
}
for (const list of tracks.values()) {
  list.sort((a, b) => a.s - b.s || b.e - a.e);
  const stack = [];
  for (const x of list) {
    while (stack.length && stack[stack.length - 1].e <= x.s) stack.pop();
    x.depth = stack.length;
    stack.push(x);
  }
}
const counters = new Map();
for (const e of events) {
  if (e.ph !== 'C') continue;
  const k = `${e.pid}\u0000${e.name}`;
  if (!counters.has(k)) counters.set(k, { pid: e.pid, name: e.name, pts: [] });
  counters.get(k).pts.push([e.ts, e.args.value]);
}
const instants = events.filter((e) => e.ph === 'i' || e.ph === 'I');

const keyOrder = (k) => {
  const [pid, tid] = k.split('/').map(Number);
  return [sortIndex.get(pid) ?? 0, pid, tid];
};
const byOrder = (a, b) => {
  const x = keyOrder(a);
  const y = keyOrder(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};
/** Math.min/max without spreading (a track can hold 10^5 slices). */
const lo = (xs) => xs.reduce((a, b) => (b < a ? b : a), Infinity);
const hi = (xs) => xs.reduce((a, b) => (b > a ? b : a), -Infinity);
const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(3)} ms` : `${us.toFixed(2)} µs`);

for (const k of [...tracks.keys()].sort(byOrder)) {
  const [pid] = k.split('/').map(Number);
  const list = tracks.get(k);
  console.log(`\n${procName.get(pid)} / ${threadName.get(k)}  (${list.length} slices, ${fmt(list[0].s)} .. ${fmt(hi(list.map((x) => x.e)))})`);
  const groups = new Map();
  for (const x of list) {
    const n = x.name.replace(/ prio \d+$/, ' prio N');
    const g = groups.get(n) ?? { n: 0, total: 0, max: 0, depth: x.depth };
    g.n++;
    g.total += x.e - x.s;
    g.max = Math.max(g.max, x.e - x.s);
    groups.set(n, g);
  }
  for (const [n, g] of [...groups].sort((a, b) => a[1].depth - b[1].depth || b[1].n - a[1].n)) {
    console.log(`  ${'  '.repeat(g.depth)}${n.padEnd(40 - 2 * g.depth)} ×${String(g.n).padStart(5)}  total ${fmt(g.total).padStart(12)}  max ${fmt(g.max).padStart(12)}`);
  }
}
if (instants.length) {
  const byName = new Map();
  for (const e of instants) byName.set(e.name.replace(/ x\d+$/, ''), (byName.get(e.name.replace(/ x\d+$/, '')) ?? 0) + 1);
  console.log(`\ninstants: ${[...byName].map(([n, c]) => `${n} ×${c}`).join(', ')}`);
}
console.log('\ncounters:');
for (const c of [...counters.values()].sort((a, b) => (sortIndex.get(a.pid) ?? 0) - (sortIndex.get(b.pid) ?? 0) || a.pid - b.pid)) {
  const vs = c.pts.map((p) => p[1]);
  console.log(`  ${procName.get(c.pid)} / ${c.name}: ${c.pts.length} points, min ${lo(vs)}, max ${hi(vs)}, last ${vs[vs.length - 1]}`);
}

const png = opt('--png');
if (png) await picture(png);

async function picture(out) {
  const { chromium } = await import('playwright-core');
  const exe = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
  if (!exe) throw new Error('no Chromium (apt-get install chromium or set CHROMIUM_PATH)');
  let t0 = Number(opt('--from') ?? Infinity);
  let t1 = Number(opt('--to') ?? -Infinity);
  if (!Number.isFinite(t0)) t0 = lo(events.filter((e) => e.ts !== undefined).map((e) => e.ts));
  if (!Number.isFinite(t1)) t1 = hi(events.filter((e) => e.ts !== undefined).map((e) => e.ts + (e.dur ?? 0)));
  const rows = [];
  for (const k of [...tracks.keys()].sort(byOrder)) {
    const [pid] = k.split('/').map(Number);
    const list = tracks.get(k).filter((x) => x.e >= t0 && x.s <= t1);
    const depth = Math.max(0, hi(tracks.get(k).map((x) => x.depth))) + 1;
    rows.push({ kind: 'slices', label: `${procName.get(pid)} / ${threadName.get(k)}`, depth, list });
  }
  for (const c of [...counters.values()].sort((a, b) => (sortIndex.get(a.pid) ?? 0) - (sortIndex.get(b.pid) ?? 0) || a.pid - b.pid)) {
    rows.push({ kind: 'counter', label: `${procName.get(c.pid)} / ${c.name}`, pts: c.pts });
  }
  const model = { t0, t1, rows, instants: instants.filter((e) => e.ts >= t0 && e.ts <= t1).map((e) => ({ ts: e.ts, pid: e.pid, tid: e.tid, key: `${e.pid}/${e.tid}` })) };
  const html = `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#fff;font:11px sans-serif">
<canvas id="c"></canvas><script>
const M=${JSON.stringify(model)};
const W=1600,L=300,R=W-10,ROW=14,CH=40;
let h=30;for(const r of M.rows)h+=r.kind==='slices'?r.depth*ROW+8:CH+8;
const c=document.getElementById('c');c.width=W;c.height=h;const g=c.getContext('2d');
g.fillStyle='#fff';g.fillRect(0,0,W,h);
const X=t=>L+(t-M.t0)/(M.t1-M.t0||1)*(R-L);
const COL={kswapd_wake:'#c8e6c9',kswapd:'#81c784',kswapd_step:'#388e3c',direct:'#e57373',script:'#90caf9',shrink_slab:'#ffb74d',do_shrink_slab:'#f57c00',lru:'#9575cd',lock:'#bdbdbd',proactive:'#4dd0e1'};
g.fillStyle='#000';g.fillText('t = '+M.t0.toFixed(1)+' µs',L,12);g.textAlign='right';g.fillText(M.t1.toFixed(1)+' µs',R,12);g.textAlign='left';
let y=24;
for(const r of M.rows){
  g.fillStyle='#333';g.fillText(r.label.slice(0,48),4,y+11);
  g.strokeStyle='#eee';g.beginPath();g.moveTo(0,y-2);g.lineTo(W,y-2);g.stroke();
  if(r.kind==='slices'){
    for(const s of r.list){const x0=X(Math.max(s.s,M.t0)),x1=X(Math.min(s.e,M.t1));
      g.fillStyle=COL[s.cat]||'#aaa';g.fillRect(x0,y+s.depth*ROW,Math.max(1,x1-x0),ROW-2);
      if(x1-x0>60){g.fillStyle='#000';g.fillText(s.name.slice(0,Math.floor((x1-x0)/6)),x0+2,y+s.depth*ROW+10);}}
    y+=r.depth*ROW+8;
  }else{
    const vs=r.pts.map(p=>p[1]);const lo=Math.min(...vs),hi=Math.max(...vs);const Y=v=>y+CH-(hi===lo?CH/2:(v-lo)/(hi-lo)*CH);
    g.strokeStyle='#1565c0';g.beginPath();let first=true,last=null;
    for(const [t,v] of r.pts){if(t>M.t1)break;if(t<M.t0){last=v;continue;}
      if(first){g.moveTo(L,Y(last??v));first=false;} g.lineTo(X(t),Y(last??v));g.lineTo(X(t),Y(v));last=v;}
    if(last!==null){if(first)g.moveTo(L,Y(last));g.lineTo(R,Y(last));}
    g.stroke();g.fillStyle='#666';g.fillText(lo+' .. '+hi,L-70,y+CH);
    y+=CH+8;
  }
}
</script>`;
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setContent(html);
    await page.locator('#c').screenshot({ path: out });
    if (errors.length) throw new Error(errors.join('\n'));
    console.log(`\npicture: ${out} (${fmt(t0)} .. ${fmt(t1)})`);
  } finally {
    await browser.close();
  }
}
