// The `svmsim play` page: one self-contained HTML page (styles, script, uPlot and the statecharts
// inline; nothing fetched but from its own server). It draws a PlayView (play-model.ts) and asks
// the server for every change: a click posts an action (/action), and every page open on the
// server gets the new view pushed over a WebSocket (/ws), so two pages show one history and a
// reload shows it as it was. Written for a projector: large type, faults in red, the next step
// of the history outlined.
import { esc } from './sequence-svg.ts';
import { uplotTags } from './uplot.ts';
import type { PlayView } from './play-model.ts';

const CSS = `
:root { --bg:#f7f7f8; --fg:#16181d; --muted:#5b6270; --line:#d0d7de; --lit:#ffd54f; --litline:#e65100; --bad:#fde2e1; --badfg:#b42318; --ok:#e6f4ea; --okfg:#1e7b34; --next:#1d4ed8; }
* { box-sizing:border-box; }
body { margin:0; font:16px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; gap:14px; align-items:baseline; flex-wrap:wrap; padding:10px 18px; background:#fff; border-bottom:1px solid var(--line); }
header h1 { font-size:20px; margin:0; }
.meta { color:var(--muted); font-size:14px; } .meta b { color:var(--fg); }
.badge { padding:3px 10px; border-radius:12px; font-weight:600; font-size:14px; background:#e8eefc; color:#1d4ed8; }
#verdict { margin-left:auto; } .verdict { padding:4px 12px; border-radius:12px; font-weight:700; }
.verdict.ok { background:var(--ok); color:var(--okfg); } .verdict.bad { background:var(--bad); color:var(--badfg); }
nav { position:sticky; top:0; z-index:5; display:flex; flex-wrap:wrap; gap:8px; align-items:center; padding:8px 18px; background:#fff; border-bottom:1px solid var(--line); }
nav button, nav select, nav input { font-size:15px; padding:3px 10px; border:1px solid var(--line); background:#fff; border-radius:6px; }
nav button { cursor:pointer; } nav button:disabled { opacity:.4; cursor:default; }
nav input[type=range] { flex:1; min-width:180px; padding:0; accent-color:var(--litline); }
nav input[type=number] { width:80px; }
#point { font-family:ui-monospace, Menlo, monospace; white-space:nowrap; }
#error { color:var(--badfg); font-weight:600; } #busy { color:var(--next); font-weight:600; }
main { display:grid; grid-template-columns:minmax(420px, 1.1fr) minmax(380px, 1fr); gap:14px; padding:12px 18px; }
h2 { font-size:13px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); margin:10px 0 6px; }
.group { background:#fff; border:1px solid var(--line); border-radius:8px; padding:6px 10px; margin-bottom:8px; }
.group h3 { margin:0 0 4px; font-size:15px; } .group h3 small { color:var(--muted); font-weight:400; }
button.choice { display:block; width:100%; text-align:left; margin:3px 0; padding:6px 10px; font:15px/1.3 ui-monospace, Menlo, monospace; background:#f6f8fa; border:1px solid var(--line); border-radius:6px; cursor:pointer; }
button.choice:hover { background:#fff3c4; border-color:var(--litline); }
button.choice.k-return { color:#3b4252; } button.choice.k-fault { background:var(--bad); color:var(--badfg); border-color:var(--badfg); font-weight:700; }
button.choice.k-pass { color:var(--okfg); }
button.choice.next { outline:3px solid var(--next); outline-offset:1px; }
button.choice .tag { float:right; font:12px system-ui; color:var(--next); font-weight:700; }
#none { color:var(--muted); } #diverged { color:var(--badfg); }
#violations li { margin:4px 0; padding:6px 8px; border-radius:6px; background:var(--bad); color:var(--badfg); list-style:none; }
#violations li.new { outline:3px solid var(--badfg); } #violations ol { padding:0; margin:0; }
#violations a { color:inherit; font-weight:700; cursor:pointer; text-decoration:underline; }
#violations .none { color:var(--okfg); }
#history { max-height:300px; overflow:auto; background:#fff; border:1px solid var(--line); border-radius:8px; font:13px/1.35 ui-monospace, Menlo, monospace; }
#history div { padding:1px 8px; white-space:pre; cursor:pointer; } #history div:hover { background:#f3f4f6; }
#history div.cur { background:#fff3c4; font-weight:700; } #history div.future { color:#98a2b3; } #history div.bad { color:var(--badfg); }
table { border-collapse:collapse; width:100%; font-size:14px; background:#fff; }
th, td { text-align:left; padding:3px 6px; border-bottom:1px solid #eef0f2; } th { color:var(--muted); }
td.mono { font-family:ui-monospace, Menlo, monospace; } tr.freed td { color:#98a2b3; } tr.changed td { background:#fff3c4; }
#here li { margin:4px 0; } #here button { font-size:13px; }
#plot { background:#fff; border:1px solid var(--line); border-radius:8px; padding:6px; min-height:60px; }
#charts { padding:0 18px 40px; } #charts .grid { display:flex; flex-wrap:wrap; gap:12px; align-items:flex-start; }
figure.chart { margin:0; background:#fff; border:1px solid var(--line); border-radius:8px; padding:8px; max-width:100%; overflow:auto; }
figure.chart.focus { border-color:var(--litline); box-shadow:0 0 0 2px var(--lit); }
figure.chart figcaption { font-size:14px; margin-bottom:4px; } figure.chart .st { font-family:ui-monospace, Menlo, monospace; color:var(--litline); }
figure.chart svg.statechart { display:block; max-width:100%; height:auto; }
.statechart g.node.active rect { fill:var(--lit); stroke:var(--litline); stroke-width:2; }
.statechart g.node.active text { font-weight:700; }
.statechart g.subgraph.active rect:nth-of-type(2) { fill:#ffe9a8; }
`;

// The page's script: render(V) draws the view; every button posts an action; the server pushes.
const SCRIPT = `
let V = JSON.parse(document.getElementById('data').textContent);
const $ = (id) => document.getElementById(id);
const h = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const COUNTS = ['mm_users', 'mm_count', 'f_count', 'users'];
const DASH = { mm_users: [], mm_count: [7, 4], f_count: [2, 3], users: [9, 3, 2, 3] };
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#393b79'];
let plot = null;
async function act(body) {
  $('error').textContent = '';
  try {
    const r = await fetch('/action', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const a = await r.json();
    if (!r.ok) $('error').textContent = a.error;
    else if (a.view) apply(a.view);
    if (a.saved) $('saved').textContent = 'saved ' + a.saved.choices + ' choices to ' + a.saved.path;
  } catch (e) { $('error').textContent = String(e); }
}
function apply(view) { if (view.snap.version >= V.snap.version) { V = view; render(); } }
function render() {
  const s = V.snap, n = s.line.length;
  document.body.dataset.version = s.version; document.body.dataset.at = s.at;
  $('point').textContent = 'step ' + s.at + ' / ' + n;
  $('slider').max = String(n); $('slider').value = String(s.at);
  $('undo').disabled = s.at === 0; $('redo').disabled = s.at >= n || s.diverged;
  $('busy').textContent = s.busy === 'explore' ? 'exploring from step ' + s.at + '…' : '';
  $('verdict').innerHTML = s.violations.length ? '<span class="verdict bad">' + s.violations.map((v) => h(v.oracle)).join(', ') + '</span>' : '<span class="verdict ok">' + (s.quiescent ? 'OK — no oracle fired' : 'no violation so far') + '</span>';
  // The choices, by receiver.
  $('groups').innerHTML = s.groups.map((g) => '<div class="group" data-to="' + h(g.to) + '"><h3>' + h(g.to) + ' <small>' + h(g.kind) + '</small></h3>' + g.choices.map((c) =>
    '<button class="choice k-' + c.kind + (c.next ? ' next' : '') + '" data-ch="' + h(c.ch) + '" data-k="' + c.k + '" title="' + h(c.what || c.ch) + '">' + (c.next ? '<span class="tag">' + (s.from && s.at < n ? 'next in the file' : 'redo') + '</span>' : '') + h(c.text) + '</button>').join('') + '</div>').join('');
  $('none').textContent = s.groups.length ? '' : s.quiescent ? 'Nothing in flight: the run is over.' : s.capped ? 'The step limit (' + s.maxSteps + ') is reached.' : '';
  $('diverged').textContent = s.diverged ? 'The history\\'s next choice (' + s.line[s.at].ch + ') is not deliverable here.' : '';
  for (const b of document.querySelectorAll('button.choice')) b.onclick = () => act({ op: 'step', ch: b.dataset.ch, k: Number(b.dataset.k) });
  // The verdicts: each violation with the step that caused it.
  const last = s.trace.length - 1;
  $('violations').innerHTML = s.violations.length ? '<ol>' + s.violations.map((v, i) => '<li class="' + (v.step >= last ? 'new' : '') + '"><a data-go="' + V.points[i] + '">[' + h(v.oracle) + '] step ' + v.step + '</a> ' + h(v.message) + '</li>').join('') + '</ol>' : '<p class="none">No oracle fired' + (s.quiescent ? '.' : ' so far.') + '</p>';
  // The history: the deliveries made, then what redo would take.
  const bad = new Set(s.violations.map((v) => v.step));
  const rows = V.lines.map((l, i) => '<div class="' + (i === last ? 'cur ' : '') + (bad.has(i) ? 'bad' : '') + '" data-go="' + Math.max(0, i - s.boots + 1) + '">' + h(l) + '</div>');
  for (let i = s.at; i < n; i++) { const e = s.line[i].event; rows.push('<div class="future" data-go="' + (i + 1) + '">' + h(e ? String(e.step).padStart(4) + '  ' + e.from + ' → ' + e.to + '  ' + e.event : '      ' + s.line[i].ch) + '</div>'); }
  $('history').innerHTML = rows.join('');
  for (const a of document.querySelectorAll('[data-go]')) a.onclick = () => act({ op: 'go', to: Number(a.dataset.go) });
  const cur = $('history').querySelector('.cur'); if (cur) cur.scrollIntoView({ block: 'nearest' });
  // The objects, by their kernel names.
  const touched = new Set((s.trace[last] ? s.trace[last].effects : []).map((e) => e.obj));
  $('objRows').innerHTML = s.objects.map((o) => '<tr class="' + (o.alive ? '' : 'freed ') + (touched.has(o.id) ? 'changed' : '') + '"><td>' + h(o.kind) + '</td><td class="mono">' + h(o.id) + '</td><td class="mono">' + (COUNTS.filter((f) => o[f] !== undefined).map((f) => f + '=' + o[f]).join(' ') || '–') + '</td><td>' + (o.alive ? 'alive, from ' + o.allocStep : 'freed @' + o.freedStep + (o.freedBy ? ' by ' + h(o.freedBy) : '')) + '</td></tr>').join('');
  // The statecharts: each actor's active states lit.
  const to = s.trace[last] ? s.trace[last].to : null;
  for (const f of document.querySelectorAll('figure.chart')) {
    const id = f.dataset.actor;
    f.classList.toggle('focus', id === to);
    f.querySelector('.st').textContent = V.states[id] || '';
    for (const el of f.querySelectorAll('.active')) el.classList.remove('active');
    for (const nd of V.lit[id] || []) for (const el of f.querySelectorAll('[data-id="' + nd + '"]')) el.classList.add('active');
  }
  // Explore from here.
  const x = s.here;
  $('here').innerHTML = !x ? '' : '<p>From step ' + x.at + ': ' + x.schedules + ' schedules (' + h(x.strategy) + ', seed ' + x.seed + '), ' + x.endStates + ' end states, ' + x.seconds + ' s. ' + (x.found.length ? '' : 'No oracle fired.') + '</p><ol>' + x.found.map((f, i) => '<li><b>[' + h(f.oracle) + ']</b> in ' + f.count + ' schedule(s), first at step ' + f.step + ': ' + h(f.message) + ' <button data-take="' + i + '">step through it</button></li>').join('') + '</ol>';
  for (const b of document.querySelectorAll('[data-take]')) b.onclick = () => act({ op: 'take', index: Number(b.dataset.take) });
  drawPlot();
}
function drawPlot() {
  if (plot) { plot.destroy(); plot = null; }
  const s = V.snap, N = s.trace.length;
  if (!N || typeof uPlot === 'undefined') return;
  const colors = new Map(); for (const c of V.counts) if (!colors.has(c.obj)) colors.set(c.obj, PALETTE[colors.size % PALETTE.length]);
  const marks = (u) => { const ctx = u.ctx, { top, height } = u.bbox, px = devicePixelRatio || 1; for (const v of s.violations) { const x = u.valToPos(Math.min(v.step, N - 1), 'x', true); ctx.save(); ctx.strokeStyle = '#b42318'; ctx.setLineDash([4 * px, 3 * px]); ctx.lineWidth = 1.5 * px; ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke(); ctx.restore(); } };
  plot = new uPlot({ width: Math.max(300, $('plot').clientWidth - 14), height: 200, cursor: { drag: { x: false, y: false } }, scales: { x: { time: false }, y: { range: (u, lo, hi) => [0, Math.max(2, hi + 1)] } },
    axes: [{ label: 'step', size: 34 }, { label: 'count', size: 40 }],
    series: [{ label: 'step' }, ...V.counts.map((c) => ({ label: c.obj + ' ' + c.field, stroke: colors.get(c.obj), dash: DASH[c.field] || [], width: 2, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false }, spanGaps: false }))],
    hooks: { draw: [marks] } }, [s.trace.map((_, i) => i), ...V.counts.map((c) => c.values)], $('plot'));
}
$('undo').onclick = () => act({ op: 'undo' });
$('redo').onclick = () => act({ op: 'redo' });
$('slider').onchange = (e) => act({ op: 'go', to: Number(e.target.value) });
$('run').onclick = () => act({ op: 'run', strategy: $('runStrategy').value, seed: Number($('runSeed').value) || 0 });
$('explore').onclick = () => act({ op: 'explore', strategy: $('hereStrategy').value, schedules: Number($('hereSchedules').value) || 200, seed: Number($('runSeed').value) || 0 });
$('save').onclick = () => act({ op: 'save' });
document.addEventListener('keydown', (e) => {
  if (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT') return;
  if (e.key === 'ArrowLeft' && V.snap.at > 0) { e.preventDefault(); act({ op: 'undo' }); }
  if (e.key === 'ArrowRight') { e.preventDefault(); act({ op: 'redo' }); }
});
function connect() {
  const ws = new WebSocket('ws://' + location.host + '/ws');
  ws.onopen = () => { $('link').textContent = 'connected'; };
  ws.onmessage = (m) => apply(JSON.parse(m.data));
  ws.onclose = () => { $('link').textContent = 'disconnected · retrying'; setTimeout(connect, 1000); };
}
render();
connect();
`;

export interface PlayPageOptions {
  /** By actor: its statechart SVG (playCharts). */
  charts: Record<string, string>;
  runStrategies: readonly string[];
  hereStrategies: readonly string[];
}

const options = (list: readonly string[]) => list.map((s) => `<option>${esc(s)}</option>`).join('');

/** JSON safe inside a script element. */
export const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

export function playHtml(view: PlayView, o: PlayPageOptions): string {
  const s = view.snap;
  const title = `play · ${s.scenario} on ${s.kernel}`;
  const meta = [['kernel', s.kernel], ['scenario', s.scenario], ['faults', s.faults.join(', ') || 'none'], ['step limit', String(s.maxSteps)], ...(s.from ? [['from', s.from]] : [])]
    .map(([k, v]) => `${k} <b>${esc(v!)}</b>`)
    .join(' · ');
  const charts = s.actors
    .filter((a) => o.charts[a.id])
    .map((a) => `<figure class="chart" data-actor="${esc(a.id)}"><figcaption><b>${esc(a.id)}</b> · ${esc(a.kind)} · <span class="st"></span></figcaption>${o.charts[a.id]}</figure>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>svmsim · ${esc(title)}</title><style>${CSS}</style>${uplotTags()}</head>
<body>
<header><h1>svmsim · ${esc(title)}</h1><span class="meta">${meta}</span><span class="badge" id="link">connecting</span><span id="verdict"></span></header>
<nav><button id="undo" title="undo (←)">↶ undo</button><input id="slider" type="range" min="0" value="0" aria-label="point of the history"><button id="redo" title="redo (→)">redo ↷</button><span id="point"></span>
<select id="runStrategy" aria-label="strategy">${options(o.runStrategies)}</select><label>seed <input id="runSeed" type="number" min="0" value="0"></label><button id="run">run to quiescence</button>
<select id="hereStrategy" aria-label="explore strategy">${options(o.hereStrategies)}</select><input id="hereSchedules" type="number" min="1" value="200" aria-label="schedules"><button id="explore">explore from here</button>
<button id="save">save schedule</button><a href="/schedule.json" download>download</a><span id="busy"></span><span id="error"></span><span id="saved"></span></nav>
<main>
<section><h2>Deliverable now · click one to deliver it</h2><p id="none"></p><p id="diverged"></p><div id="groups"></div>
<h2>Verdicts · judged at every step</h2><div id="violations"></div>
<h2>Explore from here</h2><div id="here"></div></section>
<section><h2>History · click a line to go there</h2><div id="history"></div>
<h2>Objects · refcounts by kernel name</h2><table><thead><tr><th>kind</th><th>id</th><th>counts</th><th>lifetime</th></tr></thead><tbody id="objRows"></tbody></table>
<h2>Refcounts over the steps · mm_users solid, mm_count dashed, f_count dotted · red: a violation</h2><div id="plot"></div></section>
</main>
<section id="charts"><h2>Statecharts · the active states lit</h2><div class="grid">${charts}</div></section>
<script type="application/json" id="data">${scriptJson(view)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
