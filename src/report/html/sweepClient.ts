/**
 * The script and styles of the sweep comparison page (inlined as text; plain ES2020). The
 * script reads `#shrinksim-sweep-data`, draws one small uPlot chart per shown metric (lazily:
 * a chart is drawn the first time the filter shows it), and records what it drew in
 * `window.shrinksimSweep` for the browser test. Text reaches the page only through
 * `textContent` and uPlot's canvas, never as HTML.
 */
export const SWEEP_CSS = `
.grid.small { grid-template-columns: repeat(auto-fill, minmax(370px, 1fr)); gap: 10px 14px; }
.sweep-chart h3 { margin: 2px 6px 0; font-size: 13px; }
.sweep-chart .cls { font-weight: 400; font-size: 11px; margin-left: 4px; }
.changes { font-size: 12px; margin: 0 6px 4px; }
.filter { margin: 6px 0 10px; display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; }
.filter input[type=search] { font: inherit; padding: 2px 6px; }
.v-moved { color: #b3261e; font-weight: 600; }
.v-noise { color: #8a6d1f; }
.v-same { color: #5d6675; }
tr[hidden], div[hidden] { display: none; }
#sweep-summary { font-size: 12px; }
#sweep-summary td, #sweep-summary th { padding: 2px 5px; }
`;

export const SWEEP_JS = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('shrinksim-sweep-data').textContent);
  var drawn = { charts: [] };
  window.shrinksimSweep = drawn;
  var C = { mean: '#1f5fbf', box: '#f5d3a8', boxLine: '#e8871e', whisker: '#8b95a5', seed: '#7a4fd0', ref: '#c23b6b', refBand: '#fbe9ef' };
  var SI = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z'];
  function fmt(v) {
    if (v == null) return '';
    var a = Math.abs(v);
    if (a < 10000) return String(Math.round(v * 1000) / 1000);
    var e = Math.min(SI.length - 1, Math.floor(Math.log10(a) / 3));
    return (v / Math.pow(1000, e)).toPrecision(3) + SI[e];
  }
  var P = data.ticks.length;
  var xs = data.ticks.map(function (_, i) { return i; });
  var px = function (n) { return Math.round(n * uPlot.pxRatio); };
  // Boxes (95 % interval), whiskers (min–max) and the reference marker, under the mean line.
  function under(m) {
    return function (u) {
      var g = u.ctx, half = Math.max(4, Math.min(18, (u.bbox.width / P) * 0.12));
      g.save();
      var rx = u.valToPos(data.reference, 'x', true), w = u.valToPos(0.5, 'x', true) - u.valToPos(0, 'x', true);
      g.fillStyle = C.refBand; g.fillRect(rx - w, u.bbox.top, 2 * w, u.bbox.height);
      g.fillStyle = C.ref; g.font = px(11) + 'px system-ui, sans-serif'; g.textBaseline = 'top'; g.textAlign = 'center';
      g.fillText('reference', rx, u.bbox.top + px(2));
      m.points.forEach(function (p, i) {
        if (!p) return;
        var x = u.valToPos(i, 'x', true);
        g.strokeStyle = C.whisker; g.lineWidth = px(1.5);
        g.beginPath(); g.moveTo(x, u.valToPos(p.min, 'y', true)); g.lineTo(x, u.valToPos(p.max, 'y', true)); g.stroke();
        [p.min, p.max].forEach(function (v) { var y = u.valToPos(v, 'y', true); g.beginPath(); g.moveTo(x - half / 2, y); g.lineTo(x + half / 2, y); g.stroke(); });
        if (!p.ci) return;
        var top = u.valToPos(p.hi, 'y', true), bot = u.valToPos(p.lo, 'y', true);
        var h = Math.max(px(3), bot - top);
        g.fillStyle = C.box; g.fillRect(x - half, top - (h - (bot - top)) / 2, 2 * half, h);
        g.strokeStyle = C.boxLine; g.lineWidth = px(1);
        g.strokeRect(x - half, top - (h - (bot - top)) / 2, 2 * half, h);
      });
      g.restore();
    };
  }
  // One dot per seed right of the box, seed j in column j % 10, so equal values stay countable.
  function seeds(m, rec) {
    return function (u) {
      var g = u.ctx, half = Math.max(4, Math.min(18, (u.bbox.width / P) * 0.12));
      g.save();
      g.fillStyle = C.seed;
      var n = 0, cols = Math.min(10, Math.max(1, data.seeds.length));
      m.points.forEach(function (p, i) {
        if (!p) return;
        var x0 = u.valToPos(i, 'x', true) + half + px(6);
        p.seeds.forEach(function (v, j) {
          if (v == null) return;
          var x = x0 + (j % cols) * px(3.5);
          g.beginPath(); g.arc(x, u.valToPos(v, 'y', true), px(2.5), 0, 2 * Math.PI); g.fill();
          n++;
        });
      });
      g.restore();
      rec.seedDots = n;
    };
  }
  // The values of the point under the cursor, per seed, as text.
  function hover(m, el) {
    return function (u) {
      var i = u.cursor.idx;
      if (i == null || !m.points[i]) return;
      var p = m.points[i];
      el.textContent = data.labels[i] + (i === data.reference ? ' (reference)' : '') + ': mean ' + fmt(p.mean) + ', 95% [' + fmt(p.lo) + ', ' + fmt(p.hi) + '], min–max ' + fmt(p.min) + '–' + fmt(p.max) +
        '; per seed: ' + p.seeds.map(function (v, j) { return data.seeds[j] + '→' + fmt(v); }).join(' ');
    };
  }
  function draw(box) {
    var m = data.metrics[Number(box.dataset.index)];
    var el = box.querySelector('.plot');
    var rec = { name: m.name, points: P, strokes: [C.mean, C.boxLine, C.seed], seedDots: 0 };
    var col = function (k) { return m.points.map(function (p) { return p ? p[k] : null; }); };
    var opts = {
      width: Math.max(320, Math.floor(el.getBoundingClientRect().width) - 4), height: 200,
      scales: { x: { time: false, auto: false, range: [-0.5, P - 0.5] } },
      series: [
        { label: 'point', value: function (u, v) { return v == null ? '' : data.ticks[v] + (v === data.reference ? ' (ref)' : ''); } },
        { label: 'mean', stroke: C.mean, width: 2, points: { show: true, size: 8, fill: C.mean }, value: function (u, v) { return fmt(v); } },
        { label: '95% lo', stroke: C.boxLine, paths: function () { return null; }, points: { show: false }, value: function (u, v) { return fmt(v); } },
        { label: '95% hi', stroke: C.boxLine, paths: function () { return null; }, points: { show: false }, value: function (u, v) { return fmt(v); } },
        { label: 'min', stroke: C.whisker, paths: function () { return null; }, points: { show: false }, value: function (u, v) { return fmt(v); } },
        { label: 'max', stroke: C.whisker, paths: function () { return null; }, points: { show: false }, value: function (u, v) { return fmt(v); } },
      ],
      axes: [
        { label: data.xLabel, size: 30, labelSize: 18, splits: function () { return xs; }, values: function (u, splits) { return splits.map(function (v) { return data.ticks[v] === undefined ? '' : data.ticks[v]; }); } },
        { size: 56, values: function (u, splits) { return splits.map(fmt); } },
      ],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      hooks: { drawClear: [under(m)], draw: [seeds(m, rec)], setCursor: [hover(m, box.querySelector('.hover'))] },
    };
    var u = new uPlot(opts, [xs, col('mean'), col('lo'), col('hi'), col('min'), col('max')], el);
    rec.canvas = u.ctx.canvas;
    drawn.charts.push(rec);
  }
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.sweep-chart'));
  var rows = Array.prototype.slice.call(document.querySelectorAll('#sweep-summary tbody tr'));
  var filter = document.getElementById('metric-filter');
  var all = document.getElementById('metric-all');
  var countEl = document.getElementById('metric-count');
  var defaultCount = countEl.textContent;
  function matcher() {
    var q = filter.value.trim();
    if (q === '') return all.checked ? function () { return true; } : null;
    var re;
    try { re = new RegExp(q, 'i'); } catch (e) { re = null; }
    return function (name) { return re ? re.test(name) : name.toLowerCase().indexOf(q.toLowerCase()) >= 0; };
  }
  function apply() {
    var f = matcher();
    var visible = function (el) { return f ? f(el.dataset.metric) : el.dataset.shown === '1'; };
    var n = 0;
    boxes.forEach(function (b) { b.hidden = !visible(b); if (!b.hidden) n++; });
    rows.forEach(function (r) { r.hidden = !visible(r); });
    boxes.forEach(function (b) { if (!b.hidden && !b.dataset.drawn) { b.dataset.drawn = '1'; draw(b); } });
    countEl.textContent = f ? n + ' of ' + boxes.length + ' metrics shown' : defaultCount;
  }
  filter.addEventListener('input', apply);
  all.addEventListener('change', apply);
  apply();
  drawn.apply = apply;
  drawn.done = true;
})();
`;
