/**
 * The script the report runs in the browser (inlined as text; it is plain ES2020 so every
 * current browser runs it unchanged). It reads the result document from the
 * `<script type="application/json" id="shrinksim-data">` block, draws the time-series charts
 * with uPlot and the Binder page maps on canvases, and records what it drew in
 * `window.shrinksimReport` (the browser test reads it). Strings reach the page only through
 * `textContent` and uPlot's own text nodes, never as HTML.
 */
export const REPORT_JS = String.raw`
(function () {
  'use strict';
  var doc = JSON.parse(document.getElementById('shrinksim-data').textContent);
  var drawn = { charts: [], maps: [] };
  window.shrinksimReport = drawn;
  var PALETTE = ['#1f5fbf', '#e8871e', '#2e9d5b', '#c23b6b', '#7a4fd0', '#8a6d1f', '#17899c', '#555f6e'];
  var SI = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z'];
  function fmt(v) {
    if (v == null) return '';
    var a = Math.abs(v);
    if (a < 10000) return String(Math.round(v * 100) / 100);
    var e = Math.min(SI.length - 1, Math.floor(Math.log10(a) / 3));
    return (v / Math.pow(1000, e)).toPrecision(3) + SI[e];
  }
  function axis(label, scale, side) {
    var a = { label: label, size: 64, values: function (u, splits) { return splits.map(fmt); } };
    if (scale) a.scale = scale;
    if (side) { a.side = side; a.grid = { show: false }; }
    return a;
  }
  var times = doc.series.map(function (s) { return s.timeNs / 1e9; });
  var sparse = times.length <= 2;
  function line(label, color, extra) {
    var s = { label: label, stroke: color, width: 2, value: function (u, v) { return v == null ? '' : fmt(v); } };
    if (sparse) s.points = { show: true, size: 7, fill: color };
    for (var k in extra || {}) s[k] = extra[k];
    return s;
  }
  function widthOf(el) { return Math.max(320, Math.floor(el.getBoundingClientRect().width) - 10); }
  function chart(parent, title, series, data, axes, note, scales) {
    var box = document.createElement('div');
    box.className = 'chart';
    parent.appendChild(box);
    var opts = {
      title: title, width: widthOf(box), height: 230,
      // One sample (a script-only run) still gets a sensible x axis: [t, t + 1 s].
      scales: Object.assign({ x: times.length < 2 ? { time: false, auto: false, range: [times[0] || 0, (times[0] || 0) + 1] } : { time: false } }, scales || {}),
      series: [{ label: 'time (s)', value: function (u, v) { return v == null ? '' : v.toFixed(3) + ' s'; } }].concat(series),
      axes: [{ label: 'simulated time (s)', size: 44 }].concat(axes),
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
    // Until the cursor moves, the legend shows the values at the end of the run.
    var showEnd = function (u) { if (u.cursor.idx == null && times.length > 0) u.setLegend({ idx: times.length - 1 }, false); };
    opts.hooks = { ready: [showEnd], setCursor: [showEnd] };
    var u = new uPlot(opts, [times].concat(data), box);
    if (note) {
      var p = document.createElement('p');
      p.className = 'note';
      p.textContent = note;
      box.appendChild(p);
    }
    drawn.charts.push({ title: title, points: times.length, series: series.length, strokes: series.map(function (s) { return s.stroke; }), canvas: u.ctx.canvas });
    return u;
  }
  var col = function (f) { return doc.series.map(f); };
  var wm = doc.memory.watermarks;
  var memEl = document.getElementById('charts-memory');
  chart(memEl, 'Free memory against the watermarks', [
    line('free', PALETTE[0]),
    line('high', '#2e9d5b', { dash: [6, 4], width: 1.5 }),
    line('low', '#e8871e', { dash: [6, 4], width: 1.5 }),
    line('min', '#b3261e', { dash: [6, 4], width: 1.5 }),
  ], [col(function (s) { return s.freePages; }), col(function () { return wm.high; }), col(function () { return wm.low; }), col(function () { return wm.min; })],
  [axis('pages')]);
  // The watermarks are a few percent of memory: a second view keeps them apart.
  var zoomTop = Math.max(2 * wm.high, 1);
  chart(memEl, 'Free memory near the watermarks (0 to 2 × high)', [
    line('free', PALETTE[0]),
    line('high', '#2e9d5b', { dash: [6, 4], width: 1.5 }),
    line('low', '#e8871e', { dash: [6, 4], width: 1.5 }),
    line('min', '#b3261e', { dash: [6, 4], width: 1.5 }),
  ], [col(function (s) { return s.freePages; }), col(function () { return wm.high; }), col(function () { return wm.low; }), col(function () { return wm.min; })],
  [axis('pages')], 'The y axis stops at twice the high watermark; free memory above it leaves the view.', { y: { range: [0, zoomTop] } });
  chart(memEl, 'Page cache and anon', [line('page cache', PALETTE[0]), line('anon', PALETTE[2])],
    [col(function (s) { return s.pageCache; }), col(function (s) { return s.anon; })], [axis('pages')]);
  if (doc.binder.procs.length > 0) {
    chart(memEl, 'Binder pages by state (all processes)', [
      line('active', PALETTE[0]), line('on LRU', PALETTE[1]), line('free (not installed)', '#8b95a5', { scale: 'free', dash: [4, 3], width: 1.5 }),
    ], [col(function (s) { return s.binder.active; }), col(function (s) { return s.binder.lru; }), col(function (s) { return s.binder.free; })],
    [axis('pages (active, LRU)'), axis('pages (free)', 'free', 1)]);
  }
  if (doc.series.length > 0 && doc.series[0].vmstat) {
    var vm = function (k) { return col(function (s) { return s.vmstat ? s.vmstat[k] : null; }); };
    chart(memEl, 'Reclaim counters (/proc/vmstat, cumulative)', [
      line('pgscan_kswapd', PALETTE[0]),
      line('pgsteal_kswapd', PALETTE[0], { dash: [5, 3] }),
      line('pgscan_direct', PALETTE[3]),
      line('pgsteal_direct', PALETTE[3], { dash: [5, 3] }),
      line('slabs_scanned', PALETTE[4], { scale: 'objects' }),
    ], [vm('pgscan_kswapd'), vm('pgsteal_kswapd'), vm('pgscan_direct'), vm('pgsteal_direct'), vm('slabs_scanned')],
    [axis('pages'), axis('slab objects', 'objects', 1)]);
  }
  var shEl = document.getElementById('charts-shrinkers');
  doc.shrinkers.forEach(function (sh, i) {
    var k = doc.shrinkers.slice(0, i).filter(function (o) { return o.name === sh.name; }).length + 1;
    var name = k > 1 ? sh.name + '#' + k : sh.name;
    var pick = function (k) { return col(function (s) { var x = s.shrinkers[i]; return x && x[k] != null ? x[k] : null; }); };
    chart(shEl, name + ': count and deferred', [
      line('count', PALETTE[0]),
      line('deferred', PALETTE[3], { scale: 'deferred' }),
    ], [pick('count'), pick('deferred')], [axis('objects (count)'), axis('deferred', 'deferred', 1)]);
    var hasTotals = doc.series.some(function (s) { var x = s.shrinkers[i]; return x && x.scanned != null; });
    if (hasTotals) {
      // freed ≤ scanned and often equal: scanned is drawn dashed on top so both stay visible.
      chart(shEl, name + ': scanned and freed (cumulative)', [line('freed', PALETTE[2]), line('scanned', PALETTE[4], { dash: [6, 4] })],
        [pick('freed'), pick('scanned')], [axis('objects')]);
    }
  });
  var COLORS = { a: '#1f5fbf', l: '#e8871e', '.': '#dfe3e8' };
  var CELL = 7, PER_ROW = 64;
  Array.prototype.forEach.call(document.querySelectorAll('canvas.pagemap-canvas'), function (cv) {
    var snap = doc.snapshots[Number(cv.dataset.snap)];
    var proc = snap.binder.procs[Number(cv.dataset.proc)];
    var pages = proc.pages;
    var rows = Math.max(1, Math.ceil(pages.length / PER_ROW));
    cv.width = Math.min(pages.length, PER_ROW) * CELL + 1;
    cv.height = rows * CELL + 1;
    var g = cv.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, cv.width, cv.height);
    for (var p = 0; p < pages.length; p++) {
      g.fillStyle = COLORS[pages[p]] || '#000000';
      g.fillRect(1 + (p % PER_ROW) * CELL, 1 + Math.floor(p / PER_ROW) * CELL, CELL - 1, CELL - 1);
    }
    drawn.maps.push({ label: snap.label, proc: proc.name, pages: pages.length, canvas: cv });
  });
  drawn.done = true;
})();
`;
