// The diff page: two runs' sequence diagrams side by side, aligned row for row (a delivery only one
// run made leaves a gap in the other), the first step where they part, and the objects whose fate
// differs. One self-contained file; a slider, ← → / Home / End, n / p (next and previous
// difference) and clicks move the cursor row.
import type { DiffRow } from '../trace/align.ts';
import type { DiffPageData } from './diff-model.ts';
import type { ReportData } from './report-model.ts';
import { CSS } from './report-html.ts';
import { esc, sequenceSvg } from './sequence-svg.ts';

const EXTRA_CSS = `
section.block { padding:10px 20px; background:#fff; border-bottom:1px solid var(--line); }
section.block h2 { font-size:13px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:4px 0 8px; }
#parted { background:var(--cur); border:1px solid var(--curline); border-radius:6px; padding:6px 10px; font-size:13px; }
#parted a { font-weight:600; color:inherit; }
.chips span { display:inline-block; padding:1px 8px; margin-right:8px; border-radius:10px; font-size:12px; }
.chip-changed { background:#fff0c2; } .chip-a { background:#ffe0e0; } .chip-b { background:#dcefff; }
#pair { display:flex; overflow:auto; height:calc(100vh - 120px); min-height:420px; background:#fff; }
#pair .col { flex:0 0 auto; border-right:2px solid var(--line); }
#pair .col h3 { position:sticky; top:0; z-index:3; margin:0; padding:4px 10px; font-size:13px; background:#f6f8fa; border-bottom:1px solid var(--line); }
#pair .seqhead { position:sticky; top:27px; z-index:2; background:#fff; display:block; border-bottom:1px solid var(--line); }
#pair .seq { display:block; }
.seq g.d-changed .row { fill:#fff0c2; } .seq g.d-a .row { fill:#ffe0e0; } .seq g.d-b .row { fill:#dcefff; }
.seq g.cur .row { fill:var(--cur); stroke:var(--curline); }
#here { display:flex; gap:14px; padding:6px 20px; background:#fff; border-bottom:1px solid var(--line); }
#here pre { flex:1 1 0; margin:0; white-space:pre-wrap; font-size:12px; background:#fff; border:1px solid var(--line); border-radius:6px; padding:6px 8px; min-height:3.2em; }
`;

const SCRIPT = `
const D = JSON.parse(document.getElementById('data').textContent);
const $ = (id) => document.getElementById(id);
const R = D.rows, N = R.length;
const g = (side, step) => step === null ? null : document.querySelector('#seq' + side + ' g.msg[data-step="' + step + '"]');
const diffs = R.map((r, i) => (r.kind === 'both' ? -1 : i)).filter((i) => i >= 0);
let at = -1;
const KIND = { both: 'the same delivery, the same outcome', changed: 'the same delivery, another outcome', a: 'a delivery only A made', b: 'a delivery only B made' };
function show(i) {
  if (N === 0) return;
  i = Math.max(0, Math.min(N - 1, i | 0));
  for (const el of document.querySelectorAll('.seq g.cur')) el.classList.remove('cur');
  const r = R[i], ga = g('A', r.a), gb = g('B', r.b);
  for (const el of [ga, gb]) if (el) el.classList.add('cur');
  at = i; $('slider').value = String(i);
  $('stepinfo').textContent = 'row ' + i + ' / ' + (N - 1) + ' · A ' + (r.a === null ? '–' : 'step ' + r.a) + ' · B ' + (r.b === null ? '–' : 'step ' + r.b) + ' · ' + KIND[r.kind];
  $('lineA').textContent = r.a === null ? '(no step of A here)' : D.linesA[r.a];
  $('lineB').textContent = r.b === null ? '(no step of B here)' : D.linesB[r.b];
  const el = ga || gb, pane = $('pair');
  if (el) { const b = el.getBoundingClientRect(), p = pane.getBoundingClientRect(); if (b.top < p.top + 80 || b.bottom > p.bottom) pane.scrollTop += b.top - p.top - p.height / 2; }
  try { history.replaceState(null, '', '#row=' + i); } catch { /* a frame without a URL of its own */ }
}
$('slider').addEventListener('input', (e) => show(Number(e.target.value)));
$('prev').addEventListener('click', () => show(at - 1));
$('next').addEventListener('click', () => show(at + 1));
for (const side of ['A', 'B']) for (const el of document.querySelectorAll('#seq' + side + ' g.msg')) el.addEventListener('click', () => show(Number(el.dataset.row)));
for (const a of document.querySelectorAll('a[data-row]')) a.addEventListener('click', (e) => { e.preventDefault(); show(Number(a.dataset.row)); });
document.addEventListener('keydown', (e) => {
  if (e.target === $('slider') && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) return;
  const next = diffs.find((d) => d > at), prev = [...diffs].reverse().find((d) => d < at);
  const to = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: N - 1, n: next, p: prev }[e.key];
  if (to !== undefined) { e.preventDefault(); show(to); }
});
const m = /row=(\\d+)/.exec(location.hash);
show(m ? Number(m[1]) : D.parted ? D.parted.row : 0);
`;

/** Narrower lanes than the trace viewer's, so both diagrams fit side by side. */
const DIFF_LANE = 88;

/** One side's diagram, its steps placed on the aligned rows. */
function sideSvg(d: ReportData, rows: DiffRow[], side: 'a' | 'b'): string {
  const rowOf = new Map<number, number>();
  const kindOf = new Map<number, DiffRow['kind']>();
  rows.forEach((r, i) => {
    const s = r[side];
    if (s !== null) {
      rowOf.set(s, i);
      kindOf.set(s, r.kind);
    }
  });
  const bad = new Set(d.violations.map((v) => v.at));
  const svg = sequenceSvg(d.actors, d.steps, bad, { rows: rows.length, rowOf: (i) => rowOf.get(i)!, classOf: (i) => `d-${kindOf.get(i)}`, lane: DIFF_LANE });
  // Rows carry their aligned row too, so a click on either side selects it.
  return (svg.head + svg.body).replace(/<g class="(msg[^"]*)" data-step="(\d+)">/g, (_, cls: string, step: string) => `<g class="${cls}" data-step="${step}" data-row="${rowOf.get(Number(step))}">`);
}

export function diffHtml(p: DiffPageData): string {
  const { diff } = p;
  const verdict = (v: string) => (v === 'OK' ? '<span class="verdict ok">OK</span>' : `<span class="verdict bad">${esc(v)}</span>`);
  const parted = diff.parted
    ? `<p id="parted">They part at <a href="#row=${diff.parted.row}" data-row="${diff.parted.row}">row ${diff.parted.row}</a> (A step ${diff.parted.a ?? '–'}, B step ${diff.parted.b ?? '–'}): ${esc(diff.parted.what)}</p>`
    : '<p id="parted">The two runs are the same, step for step.</p>';
  const fates = diff.fates.length
    ? `<table id="fates"><thead><tr><th>object</th><th>kind</th><th>in A</th><th>in B</th></tr></thead><tbody>${diff.fates.map((f) => `<tr><td class="mono">${esc(f.id)}</td><td>${esc(f.kind)}</td><td>${esc(f.a)}</td><td>${esc(f.b)}</td></tr>`).join('')}</tbody></table>`
    : '<p id="fates">Every object has the same fate in both runs.</p>';
  const c = diff.counts;
  const data = JSON.stringify({ rows: diff.rows, parted: diff.parted, linesA: p.a.steps.map((s) => s.line), linesB: p.b.steps.map((s) => s.line) }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>svmsim · diff · ${esc(diff.a.label)} vs ${esc(diff.b.label)}</title><style>${CSS}${EXTRA_CSS}</style></head>
<body>
<header><h1>svmsim · diff</h1><span class="meta">A <b>${esc(diff.a.label)}</b> ${verdict(diff.a.verdict)} · B <b>${esc(diff.b.label)}</b> ${verdict(diff.b.verdict)}</span></header>
<section class="block"><h2>Where they part</h2>${parted}
<p class="chips"><span>${c.both} rows the same</span><span class="chip-changed">${c.changed} same delivery, other outcome</span><span class="chip-a">${c.onlyA} only in A</span><span class="chip-b">${c.onlyB} only in B</span></p>
<h2>Objects whose fate differs</h2>${fates}</section>
<nav id="controls"><button id="prev" title="previous row (←)">◀</button><input id="slider" type="range" min="0" max="${Math.max(0, diff.rows.length - 1)}" value="0" aria-label="row"><button id="next" title="next row (→)">▶</button><span id="stepinfo"></span><span class="hint">← → row · n / p next / previous difference · click a message</span></nav>
<section id="here"><pre id="lineA"></pre><pre id="lineB"></pre></section>
<div id="pair"><div class="col" id="seqA"><h3>A · ${esc(diff.a.label)} · ${diff.a.steps} steps</h3>${sideSvg(p.a, diff.rows, 'a')}</div><div class="col" id="seqB"><h3>B · ${esc(diff.b.label)} · ${diff.b.steps} steps</h3>${sideSvg(p.b, diff.rows, 'b')}</div></div>
<script type="application/json" id="data">${data}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
