// The trace viewer: one self-contained HTML page (styles, data, script and SVG inline; nothing
// fetched), an offline visualizer with time travel. A step slider (and ← → Home End) moves
// through the deliveries; the page shows each actor's state, each object's counts and lifetime
// at that step, and lights the active state in every actor's statechart.
import type { ReportData } from './report-model.ts';
import { esc, sequenceSvg } from './sequence-svg.ts';
import { uplotTags } from './uplot.ts';

export const CSS = `
:root { --bg:#fafafa; --fg:#1f2328; --muted:#667085; --line:#d0d7de; --cur:#fff3c4; --curline:#e0a800; --bad:#fde2e1; --badfg:#b42318; --ok:#e6f4ea; --okfg:#1e7b34; --lit:#ffd54f; --litline:#e65100; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; gap:16px; align-items:baseline; flex-wrap:wrap; padding:12px 20px 8px; background:#fff; border-bottom:1px solid var(--line); }
header h1 { font-size:18px; margin:0; }
header .meta { color:var(--muted); font-size:13px; }
header .meta b { color:var(--fg); font-weight:600; }
.verdict { margin-left:auto; padding:3px 10px; border-radius:12px; font-weight:600; font-size:13px; }
.verdict.ok { background:var(--ok); color:var(--okfg); } .verdict.bad { background:var(--bad); color:var(--badfg); }
#controls { position:sticky; top:0; z-index:5; display:flex; gap:10px; align-items:center; padding:8px 20px; background:#fff; border-bottom:1px solid var(--line); }
#controls input[type=range] { flex:1; max-width:620px; accent-color:var(--curline); }
#controls button { font-size:14px; padding:2px 10px; border:1px solid var(--line); background:#fff; border-radius:6px; cursor:pointer; }
#stepinfo { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:13px; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
#controls .hint { color:var(--muted); font-size:12px; margin-left:auto; white-space:nowrap; }
main { display:flex; gap:0; height:calc(100vh - 100px); min-height:420px; }
#seqpane { flex:1 1 auto; overflow:auto; background:#fff; border-right:1px solid var(--line); }
#seqpane .seqhead { position:sticky; top:0; z-index:2; background:#fff; display:block; border-bottom:1px solid var(--line); }
#seqpane .seq { display:block; }
aside { flex:0 0 450px; overflow:auto; padding:8px 14px 20px; }
aside h2, #charts h2 { font-size:13px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:14px 0 6px; }
table { border-collapse:collapse; width:100%; font-size:12.5px; background:#fff; }
th, td { text-align:left; padding:3px 6px; border-bottom:1px solid #eef0f2; vertical-align:top; }
th { color:var(--muted); font-weight:600; }
td.state { word-break:break-word; }
td.life { white-space:nowrap; }
tr.freed td.life { white-space:normal; }
td.mono, #line, #args { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
tr.changed td { background:var(--cur); }
tr.freed td { color:#98a2b3; } tr.freed td.life { color:var(--badfg); }
tr.recv td { background:var(--cur); font-weight:600; }
#line { white-space:pre-wrap; background:#fff; border:1px solid var(--line); border-radius:6px; padding:6px 8px; margin:0; font-size:12px; }
#args { font-size:12px; color:var(--muted); margin-top:4px; word-break:break-all; }
#violations ol { margin:0; padding-left:20px; }
#violations li { margin:4px 0; padding:4px 6px; border-radius:6px; background:var(--bad); color:var(--badfg); font-size:12.5px; }
#violations li.here { outline:2px solid var(--badfg); }
#violations a { color:inherit; font-weight:600; }
#violations .none { color:var(--okfg); }
.seq text, .seqhead text { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.seqhead rect { fill:#f6f8fa; stroke:#c9d1d9; }
.seqhead .id { font-size:12.5px; font-weight:600; text-anchor:middle; fill:var(--fg); }
.seqhead .kind { font-size:10.5px; text-anchor:middle; fill:var(--muted); }
.seqhead g.recv rect { fill:var(--lit); stroke:var(--litline); }
.seq .lane { stroke:#d8dee4; stroke-dasharray:3 3; }
.seq .row { fill:transparent; }
.seq g.msg { cursor:pointer; }
.seq g.msg:hover .row { fill:#f3f4f6; }
.seq g.bad .row { fill:var(--bad); }
.seq g.cur .row { fill:var(--cur); stroke:var(--curline); }
.seq g.cur.bad .row { fill:#ffd2cc; stroke:var(--badfg); }
.seq g.bad .stepno { fill:var(--badfg); font-weight:700; }
.seq g.future { opacity:.32; }
.seq .arrow { stroke:#1f2328; stroke-width:1.3; fill:none; }
.seq g.ret .arrow { stroke:#667085; stroke-dasharray:4 3; }
.seq .head { fill:#1f2328; }
.seq .label { font-size:11px; fill:#1f2328; paint-order:stroke; stroke:#fff; stroke-width:3px; stroke-linejoin:round; }
.seq g.cur .label { stroke:var(--cur); font-weight:700; }
.seq g.ret .label { fill:#667085; }
.seq .stepno { font-size:10px; fill:#98a2b3; }
.seq .boot { fill:#8250df; }
#charts { padding:4px 20px 40px; }
#charts .grid { display:flex; flex-wrap:wrap; align-items:flex-start; gap:14px; }
figure.chart { margin:0; flex:0 1 auto; max-width:100%; background:#fff; border:1px solid var(--line); border-radius:8px; padding:8px; overflow:auto; }
figure.chart.focus { border-color:var(--litline); box-shadow:0 0 0 2px var(--lit); }
figure.chart figcaption { font-size:12.5px; margin-bottom:4px; }
figure.chart figcaption .st { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; color:var(--litline); }
figure.chart svg.statechart { display:block; max-width:100%; height:auto; }
.statechart g.node.active rect { fill:var(--lit); stroke:var(--litline); stroke-width:2; }
.statechart g.node.active text { font-weight:700; }
.statechart g.subgraph.active rect:nth-of-type(2) { fill:#ffe9a8; }
.statechart g.subgraph.active rect:first-of-type { stroke:var(--litline); stroke-width:1.5; }
#plots { display:flex; gap:14px; padding:8px 20px; background:#fff; border-bottom:1px solid var(--line); }
#plots figure { margin:0; flex:1 1 0; min-width:0; }
#plots figcaption { font-size:12.5px; color:var(--muted); margin-bottom:2px; }
#plots figcaption b { color:var(--fg); }
#lifeinfo { display:block; height:1.5em; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; color:var(--fg); }
#plots figcaption { min-height:3em; }
#plots .u-legend { font-size:11px; text-align:left; max-height:54px; overflow:auto; }
#plots .u-legend .u-marker { width:10px; height:10px; }
#plots .u-over { cursor:pointer; }
`;

// The plots, drawn by uPlot (inlined): every count over the steps as step lines, and one bar per
// object from allocation to free. Both mark the current step and the violations, and a click
// jumps to the step under the cursor. \`plots.build()\` (re)makes them from D; \`plots.mark()\`
// redraws the markers.
const PLOTS = `
const KIND_COLOR = { mm: '#1f77b4', pgd: '#9467bd', pt: '#8c564b', page: '#7f7f7f', file: '#2ca02c', vma: '#17becf', svm: '#ff7f0e', sdev: '#bcbd22', pasid: '#e377c2', 'pasid-entry': '#d62728', task: '#393b79' };
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#393b79'];
const FIELD_DASH = { mm_users: [], mm_count: [7, 4], f_count: [2, 3], users: [9, 3, 2, 3] };
const plots = { counts: null, life: null };
function markers(u) {
  const ctx = u.ctx, { top, height } = u.bbox, px = devicePixelRatio || 1;
  const line = (x, color, dash, w) => { ctx.save(); ctx.strokeStyle = color; ctx.setLineDash(dash.map((d) => d * px)); ctx.lineWidth = w * px; ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke(); ctx.restore(); };
  for (const v of D.violations) line(u.valToPos(v.at, 'x', true), '#b42318', [4, 3], 1.5);
  if (at >= 0) line(u.valToPos(at, 'x', true), '#e0a800', [], 2);
}
function outlineAlive(u) {
  const ctx = u.ctx, px = devicePixelRatio || 1, n = D.lifetimes.length;
  D.lifetimes.forEach((l, i) => {
    if (l.to !== null) return;
    const x0 = u.valToPos(l.from, 'x', true), x1 = u.valToPos(Math.max(N - 1, l.from), 'x', true), y = u.valToPos(n - 1 - i, 'y', true);
    ctx.save(); ctx.strokeStyle = '#b42318'; ctx.lineWidth = 2 * px; ctx.strokeRect(x0 - 2 * px, y - 6 * px, x1 - x0 + 4 * px, 12 * px); ctx.restore();
  });
}
// The step under the cursor, from its position (uPlot's own idx skips rows without data).
const stepAt = (u) => (u.cursor.left == null || u.cursor.left < 0 ? null : Math.max(0, Math.min(N - 1, Math.round(u.posToVal(u.cursor.left, 'x')))));
const onClickJump = (u) => u.over.addEventListener('click', () => { const i = stepAt(u); if (i !== null) show(i); });
const plotWidth = () => Math.max(240, Math.floor(($('plots').clientWidth - 54) / 2));
function lifeText(l) {
  if (!l) return 'hover a bar';
  return l.id + ' (' + l.kind + '): allocated at step ' + l.from + ' by ' + l.allocBy + ' · ' + (l.to === null ? 'still alive at the end' : 'freed at step ' + l.to + ' by ' + l.freedBy);
}
function buildPlots() {
  for (const k of ['counts', 'life']) if (plots[k]) { plots[k].destroy(); plots[k] = null; }
  if (N === 0 || typeof uPlot === 'undefined') return;
  const xs = D.steps.map((_, i) => i), w = plotWidth();
  const objColor = new Map(); for (const c of D.counts) if (!objColor.has(c.obj)) objColor.set(c.obj, PALETTE[objColor.size % PALETTE.length]);
  const cursor = { drag: { x: false, y: false, setScale: false }, points: { show: false } };
  plots.counts = new uPlot({
    width: w, height: 190, cursor, scales: { x: { time: false }, y: { range: (u, lo, hi) => [0, Math.max(2, hi + 1)] } },
    axes: [{ label: 'step', size: 34, labelSize: 14 }, { label: 'count', size: 40, labelSize: 14 }],
    series: [{ label: 'step' }, ...D.counts.map((c) => ({ label: c.obj + ' ' + c.field, stroke: objColor.get(c.obj), dash: FIELD_DASH[c.field] || [], width: 1.6, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false }, spanGaps: false }))],
    hooks: { draw: [markers], ready: [onClickJump] },
  }, [xs, ...D.counts.map((c) => c.values)], $('countsPlot'));
  const n = D.lifetimes.length;
  const bars = D.lifetimes.map((l, i) => { const end = l.to === null ? N - 1 : Math.max(l.to, Math.min(l.from + 1, N - 1)); return xs.map((x) => (x >= l.from && x <= end ? n - 1 - i : null)); });
  plots.life = new uPlot({
    width: w, height: Math.max(150, 40 + 18 * n), cursor, legend: { show: false },
    scales: { x: { time: false }, y: { range: [-0.6, n - 0.4] } },
    axes: [{ label: 'step', size: 34, labelSize: 14 }, { size: 124, splits: () => D.lifetimes.map((_, i) => n - 1 - i), values: (u, sp) => sp.map((v) => { const l = D.lifetimes[n - 1 - v]; return l ? (l.to === null ? '⚠ ' : '') + l.id : ''; }), grid: { show: false } }],
    series: [{ label: 'step' }, ...D.lifetimes.map((l) => ({ label: l.id, stroke: (KIND_COLOR[l.kind] || '#555') + (l.to === null ? '' : '99'), width: 9, points: { show: false }, spanGaps: false }))],
    hooks: {
      draw: [markers, outlineAlive], ready: [onClickJump],
      setCursor: [(u) => { const t = u.cursor.top; const row = t == null || t < 0 ? -1 : Math.round(u.posToVal(t, 'y')); const l = D.lifetimes[n - 1 - row]; const x = stepAt(u); text($('lifeinfo'), l && x != null && x >= l.from && (l.to === null || x <= Math.max(l.to, l.from + 1)) ? lifeText(l) : 'hover a bar'); }],
    },
  }, [xs, ...bars], $('lifePlot'));
}
const markPlots = () => { for (const p of [plots.counts, plots.life]) if (p) p.redraw(false, false); };
addEventListener('resize', () => { for (const p of [plots.counts, plots.life]) if (p) p.setSize({ width: plotWidth(), height: p.height }); });
`;

// The page's script: precomputes every step's states and objects, then \`show(i)\` only looks up.
// \`load()\` reads D and the page (again, when the live view sends a new one).
const SCRIPT = `
let D = JSON.parse(document.getElementById('data').textContent);
let N = 0, at = -1, states = [], objs = [], rows = [], heads = new Map(), figs = [], vios = [];
const $ = (id) => document.getElementById(id);
function load() {
  N = D.steps.length; states = []; objs = [];
  let st = Object.fromEntries(D.actors.map((a) => [a.id, a.initial])), ot = {};
  for (const s of D.steps) {
    st = { ...st, [s.to]: s.state }; states.push(st);
    ot = { ...ot }; for (const o of s.objects) ot[o.id] = o; objs.push(ot);
  }
  rows = [...document.querySelectorAll('.seq g.msg')];
  heads = new Map([...document.querySelectorAll('.seqhead g.lanehead')].map((g) => [g.dataset.actor, g]));
  figs = [...document.querySelectorAll('figure.chart')];
  vios = [...document.querySelectorAll('#violations li')];
  for (const r of rows) r.addEventListener('click', () => show(Number(r.dataset.step)));
  for (const a of document.querySelectorAll('a[data-step]')) a.addEventListener('click', (e) => { e.preventDefault(); show(Number(a.dataset.step)); });
  $('slider').max = String(Math.max(0, N - 1));
  at = -1;
  buildPlots();
}
const COUNTS = ['mm_users', 'mm_count', 'f_count', 'users'];
const text = (el, s) => { el.textContent = s; return el; };
const td = (s, cls) => { const c = document.createElement('td'); if (cls) c.className = cls; return text(c, s); };
function show(i) {
  i = Math.max(0, Math.min(N - 1, i | 0));
  if (N === 0) return;
  const s = D.steps[i];
  if (at >= 0 && rows[at]) rows[at].classList.remove('cur');
  rows.forEach((r, k) => r.classList.toggle('future', k > i));
  rows[i].classList.add('cur');
  at = i;
  $('slider').value = String(i);
  text($('stepinfo'), 'step ' + s.step + ' / ' + (N - 1) + ' · ' + s.from + ' → ' + s.to + ' · ' + s.event);
  text($('line'), s.line);
  text($('args'), Object.keys(s.args).length ? JSON.stringify(s.args) : '');
  for (const [id, g] of heads) g.classList.toggle('recv', id === s.to);
  const tb = $('actorRows'); tb.replaceChildren();
  for (const a of D.actors) {
    const tr = document.createElement('tr'); if (a.id === s.to) tr.className = 'recv';
    tr.append(td(a.id, 'mono'), td(a.kind), td((states[i][a.id] || '').replace(/[|]/g, '|\u200b'), 'mono state'));
    tb.append(tr);
  }
  const changed = new Set(s.objects.map((o) => o.id));
  const ob = $('objRows'); ob.replaceChildren();
  for (const o of Object.values(objs[i]).sort((a, b) => a.allocStep - b.allocStep)) {
    const tr = document.createElement('tr');
    tr.className = (changed.has(o.id) ? 'changed ' : '') + (o.alive ? '' : 'freed');
    const counts = COUNTS.filter((f) => o[f] !== undefined).map((f) => f + '=' + o[f]).join(' ') || '–';
    const life = o.alive ? 'alive, from ' + o.allocStep : 'freed @' + o.freedStep + (o.freedBy ? ' by ' + o.freedBy : '');
    const idCell = td(o.id, 'mono'); idCell.title = 'owner ' + o.owner + ', allocated at step ' + o.allocStep;
    tr.append(td(o.kind), idCell, td(counts, 'mono'), td(life, 'life'));
    ob.append(tr);
  }
  for (const f of figs) {
    const id = f.dataset.actor, state = states[i][id] || '';
    f.classList.toggle('focus', id === s.to);
    text(f.querySelector('.st'), state);
    for (const el of f.querySelectorAll('.active')) el.classList.remove('active');
    for (const n of D.lit[state] || []) for (const el of f.querySelectorAll('[data-id="' + n + '"]')) el.classList.add('active');
  }
  for (const v of vios) v.classList.toggle('here', Number(v.dataset.step) === i);
  const pane = $('seqpane'), r = rows[i].getBoundingClientRect(), p = pane.getBoundingClientRect();
  if (r.top < p.top + 50 || r.bottom > p.bottom) pane.scrollTop += r.top - p.top - p.height / 2;
  markPlots();
  try { history.replaceState(null, '', '#step=' + i); } catch { /* a frame without a URL of its own */ }
}
$('slider').addEventListener('input', (e) => show(Number(e.target.value)));
$('prev').addEventListener('click', () => show(at - 1));
$('next').addEventListener('click', () => show(at + 1));
document.addEventListener('keydown', (e) => {
  if (e.target === $('slider') && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) return; // the slider moves itself
  const to = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: N - 1 }[e.key];
  if (to !== undefined) { e.preventDefault(); show(to); }
});
load();
const m = /step=(\\d+)/.exec(location.hash);
show(m ? Number(m[1]) : 0);
`;

/** The parts of the page that change as a run goes on (the live view sends them again). */
export interface ReportParts {
  seq: string;
  meta: string;
  verdict: string;
  violations: string;
  /** The page's data, as JSON safe inside a script element. */
  data: string;
}

export function reportParts(d: ReportData): ReportParts {
  const bad = new Set(d.violations.map((v) => v.at));
  const seq = sequenceSvg(d.actors, d.steps, bad);
  return {
    seq: seq.head + seq.body,
    meta: Object.entries(d.meta).map(([k, v]) => `${k} <b>${esc(v)}</b>`).join(' · '),
    verdict: d.violations.length ? `<span class="verdict bad">${d.violations.length} violation${d.violations.length > 1 ? 's' : ''}</span>` : '<span class="verdict ok">OK — no oracle fired</span>',
    violations: d.violations.length
      ? `<ol>${d.violations.map((v) => `<li data-step="${v.at}"><a href="#step=${v.at}" data-step="${v.at}">[${esc(v.oracle)}] step ${v.step}</a> ${esc(v.message)}</li>`).join('')}</ol>`
      : '<p class="none">No oracle fired.</p>',
    data: JSON.stringify({ actors: d.actors, steps: d.steps, lit: d.lit, violations: d.violations, counts: d.counts, lifetimes: d.lifetimes }).replace(/</g, '\\u003c'),
  };
}

export interface ReportHtmlOptions {
  /** A script run after the page's own (the live view's WebSocket client). */
  extraScript?: string;
  /** Shown beside the verdict (the live view's connection state). */
  badge?: string;
}

export function reportHtml(d: ReportData, opts: ReportHtmlOptions = {}): string {
  const p = reportParts(d);
  const charts = d.actors
    .filter((a) => d.charts[a.id])
    .map((a) => {
      const svg = d.charts[a.id]!;
      return `<figure class="chart" data-actor="${esc(a.id)}"><figcaption><b>${esc(a.id)}</b> · ${esc(a.kind)} · <span class="st"></span></figcaption>${svg}</figure>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>svmsim · ${esc(d.title)}</title><style>${CSS}</style>${uplotTags()}</head>
<body>
<header><h1>svmsim · ${esc(d.title)}</h1><span class="meta" id="meta">${p.meta}</span>${opts.badge ?? ''}<span id="verdict">${p.verdict}</span></header>
<nav id="controls"><button id="prev" title="previous step (←)">◀</button><input id="slider" type="range" min="0" max="${Math.max(0, d.steps.length - 1)}" value="0" aria-label="step"><button id="next" title="next step (→)">▶</button><span id="stepinfo"></span><span class="hint">← → step · Home / End · click a message or a plot</span></nav>
<section id="plots"><figure><figcaption><b>Counts over the steps</b> · mm_users solid, mm_count dashed, f_count dotted, users dash-dot · yellow: this step, red: a violation</figcaption><div id="countsPlot"></div></figure><figure><figcaption><b>Lifetimes</b> · allocation to free, colored by kind; ⚠ outlined in red: alive at the end<span id="lifeinfo">hover a bar</span></figcaption><div id="lifePlot"></div></figure></section>
<main>
<section id="seqpane">${p.seq}</section>
<aside>
<section id="violations"><h2>Violations</h2><div id="vlist">${p.violations}</div></section>
<section id="event"><h2>This step</h2><pre id="line"></pre><div id="args"></div></section>
<section id="actors"><h2>Actors after this step</h2><table><thead><tr><th>actor</th><th>kind</th><th>state</th></tr></thead><tbody id="actorRows"></tbody></table></section>
<section id="objects"><h2>Objects after this step</h2><table><thead><tr><th>kind</th><th>id</th><th>counts</th><th>lifetime</th></tr></thead><tbody id="objRows"></tbody></table></section>
</aside>
</main>
<section id="charts"><h2>Statecharts · the active state lit at this step</h2><div class="grid">${charts}</div></section>
<script type="application/json" id="data">${p.data}</script>
<script>${PLOTS}${SCRIPT}${opts.extraScript ?? ''}</script>
</body></html>
`;
}
