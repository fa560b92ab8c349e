// The exploration report: one self-contained HTML page (uPlot and every counterexample's trace
// viewer inlined; nothing fetched). Each violation's shrunk counterexample opens in the trace
// viewer on the same page (a frame filled from the page's own data); the end-state histogram and
// the rate and coverage over time are uPlot charts; every statechart is shaded by how often each
// state was entered and each transition taken.
import type { ExploreReportData } from './explore-model.ts';
import { CSS } from './report-html.ts';
import { esc } from './sequence-svg.ts';
import { uplotTags } from './uplot.ts';

/** A counterexample's trace viewer page, or why there is none. */
export type Viewer = { html: string } | { error: string };

const EXTRA_CSS = `
section.block { padding:10px 20px; background:#fff; border-bottom:1px solid var(--line); }
section.block h2 { font-size:13px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:4px 0 8px; }
.row2 { display:flex; gap:20px; flex-wrap:wrap; } .row2 > figure { margin:0; flex:1 1 460px; min-width:0; }
figcaption { font-size:12.5px; color:var(--muted); margin-bottom:2px; } figcaption b { color:var(--fg); }
#vtable button { font-size:12.5px; padding:2px 8px; border:1px solid var(--line); background:#fff; border-radius:6px; cursor:pointer; }
#vtable tr.open td { background:var(--cur); }
#viewer { padding:0 20px 14px; background:#fff; border-bottom:1px solid var(--line); }
#viewer[hidden] { display:none; }
#viewer .bar { display:flex; gap:12px; align-items:center; padding:8px 0; font-size:13px; }
#viewer iframe { width:100%; height:86vh; border:1px solid var(--line); border-radius:6px; background:#fff; }
#estable tr.here td { background:var(--cur); }
#estable td.label { word-break:break-word; } #estable .differs { color:var(--muted); font-size:11.5px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.u-legend { font-size:11px; }
#esinfo, #covinfo { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; color:var(--fg); }
.legend-swatch { display:inline-block; width:60px; height:10px; vertical-align:middle; border:1px solid #2e7d32; background:linear-gradient(90deg, rgb(200,236,201), rgb(46,125,50)); }
`;

const SCRIPT = `
const D = JSON.parse(document.getElementById('data').textContent);
const V = JSON.parse(document.getElementById('viewers').textContent);
const $ = (id) => document.getElementById(id);
const text = (el, s) => { el.textContent = s; return el; };
function openViewer(i) {
  const v = V[i]; if (!v) return;
  for (const tr of document.querySelectorAll('#vtable tbody tr')) tr.classList.toggle('open', tr.dataset.i === String(i));
  text($('viewerTitle'), D.violations[i].oracle + ': ' + D.violations[i].violation.message);
  $('viewerFrame').srcdoc = v.html; $('viewer').hidden = false; $('viewer').scrollIntoView({ block: 'start' });
}
function closeViewer() { $('viewer').hidden = true; $('viewerFrame').removeAttribute('srcdoc'); for (const tr of document.querySelectorAll('#vtable tr.open')) tr.classList.remove('open'); }
for (const b of document.querySelectorAll('button[data-open]')) b.addEventListener('click', () => openViewer(Number(b.dataset.open)));
$('closeViewer').addEventListener('click', closeViewer);
document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !$('viewer').hidden) closeViewer(); });
let es = -1;
function pickEndState(i) {
  es = i; const r = D.endStates[i]; if (!r) return;
  for (const tr of document.querySelectorAll('#estable tbody tr')) tr.classList.toggle('here', tr.dataset.i === String(i));
  text($('esinfo'), '#' + (i + 1) + ': ' + r.count + ' schedule(s) · ' + r.label);
  if (hist) hist.redraw(false, false);
}
let hist = null;
const width = (id) => Math.max(300, $(id).clientWidth - 10);
if (D.endStates.length) {
  const xs = D.endStates.map((_, i) => i + 1);
  hist = new uPlot({
    width: width('histPlot'), height: 220, legend: { show: false }, cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
    scales: { x: { time: false, range: [0.4, xs.length + 0.6] }, y: { range: (u, lo, hi) => [0, hi * 1.1 + 1] } },
    axes: [{ label: 'end state (most frequent first)', size: 34, labelSize: 14, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }, { label: 'schedules', size: 50, labelSize: 14 }],
    series: [{}, { label: 'schedules', fill: '#90caf9', stroke: '#1e88e5', paths: uPlot.paths.bars({ size: [0.8, 80] }), points: { show: false } }],
    hooks: {
      ready: [(u) => u.over.addEventListener('click', () => { if (u.cursor.idx != null) pickEndState(u.cursor.idx); })],
      setCursor: [(u) => { const i = u.cursor.idx; if (i != null && D.endStates[i]) text($('esinfo'), '#' + (i + 1) + ': ' + D.endStates[i].count + ' schedule(s) · ' + D.endStates[i].label); }],
      draw: [(u) => { if (es < 0) return; const x = u.valToPos(es + 1, 'x', true), ctx = u.ctx, px = devicePixelRatio || 1; ctx.save(); ctx.strokeStyle = '#e0a800'; ctx.lineWidth = 3 * px; ctx.strokeRect(x - 12 * px, u.bbox.top, 24 * px, u.bbox.height); ctx.restore(); }],
    },
  }, [xs, D.endStates.map((e) => e.count)], $('histPlot'));
  for (const tr of document.querySelectorAll('#estable tbody tr')) tr.addEventListener('click', () => pickEndState(Number(tr.dataset.i)));
}
if (D.timeline) {
  const T = D.timeline;
  new uPlot({
    width: width('timePlot'), height: 220, cursor: { drag: { x: false, y: false, setScale: false } },
    scales: { x: { time: false }, r: { range: (u, lo, hi) => [0, Math.max(1, hi * 1.1)] }, c: { range: (u, lo, hi) => [0, Math.max(1, hi * 1.1)] } },
    axes: [{ label: 'seconds', size: 34, labelSize: 14 }, { scale: 'r', label: 'schedules/s', size: 56, labelSize: 14 }, { scale: 'c', side: 1, label: 'covered / end states', size: 56, labelSize: 14, grid: { show: false } }],
    series: [{ label: 's' }, { label: 'schedules/s', scale: 'r', stroke: '#1e88e5', width: 1.6, paths: uPlot.paths.stepped({ align: -1 }), points: { show: false } },
      { label: 'states + transitions covered', scale: 'c', stroke: '#2e7d32', width: 2, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
      { label: 'distinct end states', scale: 'c', stroke: '#8e24aa', width: 2, dash: [6, 3], paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } }],
  }, [T.t, T.rate, T.covered, T.endStates], $('timePlot'));
}
for (const f of document.querySelectorAll('figure.chart')) {
  const entered = D.machines.find((m) => m.kind === f.dataset.kind).entered;
  f.addEventListener('mouseover', (e) => {
    const g = e.target.closest('g[data-id]'); if (!g) return;
    const n = entered[g.dataset.id];
    text($('covinfo'), f.dataset.kind + ' ' + g.dataset.id.replace(/__/g, '.') + ': ' + (n === undefined ? 'never visited' : D.counted ? 'entered ' + n + ' time(s)' : 'visited'));
  });
}
`;

const size = (v: { deliveries?: number; preemptions?: number; original?: { deliveries: number; preemptions: number } }) =>
  v.deliveries === undefined ? '–' : `${v.deliveries} deliveries, ${v.preemptions} preemptions${v.original ? ` (shrunk from ${v.original.deliveries}, ${v.original.preemptions})` : ''}`;

function violationsTable(d: ExploreReportData, viewers: Viewer[]): string {
  if (!d.violations.length) return '<p class="none" style="color:var(--okfg)">No oracle fired in any schedule.</p>';
  const rows = d.violations.map((v, i) => {
    const viewer = viewers[i];
    const open = viewer && 'html' in viewer ? `<button data-open="${i}">open in the trace viewer</button>` : esc(viewer && 'error' in viewer ? viewer.error : 'no counterexample file (explore --out DIR keeps them)');
    return `<tr data-i="${i}"><td><b>${esc(v.oracle)}</b></td><td>${esc(v.violation.message)}</td><td>${v.count}</td><td>#${v.schedule} (seed ${v.seed})</td><td>${esc(size(v))}</td><td>${open}</td></tr>`;
  });
  return `<table id="vtable"><thead><tr><th>oracle</th><th>message</th><th>schedules</th><th>first hit</th><th>counterexample</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function endStatesTable(d: ExploreReportData): string {
  if (!d.endStates.length) return `<p>${d.distinctEndStates} distinct end state(s); this result has no per-end-state counts.</p>`;
  const total = d.endStates.reduce((n, e) => n + e.count, 0);
  const rows = d.endStates.map((e, i) => `<tr data-i="${i}"><td>${i + 1}</td><td>${e.count}</td><td>${((100 * e.count) / total).toFixed(1)}%</td><td>${e.first}s</td><td class="mono">${esc(e.hash)}</td><td class="label">${esc(e.label)}${e.differs.length ? `<br><span class="differs">vs #1: ${esc(e.differs.join(' · '))}</span>` : ''}</td></tr>`);
  return `<table id="estable"><thead><tr><th>#</th><th>schedules</th><th>share</th><th>first at</th><th>hash</th><th>what it is</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function exploreHtml(d: ExploreReportData, viewers: Viewer[]): string {
  const meta = Object.entries(d.meta).map(([k, v]) => `${k} <b>${esc(v)}</b>`).join(' · ');
  const verdict = d.violations.length ? `<span class="verdict bad">${d.violations.length} oracle${d.violations.length > 1 ? 's' : ''} fired</span>` : '<span class="verdict ok">OK — no oracle fired</span>';
  const charts = d.machines
    .map((m) => `<figure class="chart" data-kind="${esc(m.kind)}"><figcaption><b>${esc(m.kind)}</b> · states ${m.states.visited}/${m.states.total} · transitions ${m.transitions.visited}/${m.transitions.total}</figcaption>${m.svg}</figure>`)
    .join('');
  const json = (x: unknown) => JSON.stringify(x).replace(/</g, '\\u003c');
  const data = json({ violations: d.violations, endStates: d.endStates, timeline: d.timeline, machines: d.machines.map(({ kind, entered }) => ({ kind, entered })), counted: d.counted });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>svmsim · ${esc(d.title)}</title><style>${CSS}${EXTRA_CSS}</style>${uplotTags()}</head>
<body>
<header><h1>svmsim · ${esc(d.title)}</h1><span class="meta">${meta}</span>${verdict}</header>
<section class="block" id="violations"><h2>Violations · each with its shrunk counterexample</h2>${violationsTable(d, viewers)}</section>
<section id="viewer" hidden><div class="bar"><button id="closeViewer" title="close (Esc)">✕ close</button><b>trace viewer</b><span id="viewerTitle"></span></div><iframe id="viewerFrame" title="trace viewer"></iframe></section>
<section class="block"><div class="row2">
<figure><figcaption><b>End states</b> · ${d.distinctEndStates} distinct · click a bar or a row · <span id="esinfo"></span></figcaption><div id="histPlot"></div></figure>
<figure><figcaption><b>Over time</b> · schedules/s, states and transitions covered, distinct end states</figcaption><div id="timePlot">${d.timeline ? '' : '<p>This result has no history (written by an older svmsim).</p>'}</div></figure>
</div>${endStatesTable(d)}</section>
<section id="charts"><h2>Statecharts · coverage, shaded by how often (<span class="legend-swatch"></span> once → most often; white: never) · <span id="covinfo">hover a state</span></h2><div class="grid">${charts}</div></section>
<script type="application/json" id="data">${data}</script>
<script type="application/json" id="viewers">${json(viewers)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
