// `svmsim history --html FILE`: the verdict matrix as one page. Rows are scenarios, columns the
// variants (the line of history, oldest first); a cell whose verdict differs from the one to its
// left names the hunks that changed it; a cell with a counterexample opens it in the trace viewer
// (its own page, written beside this one, shown in a panel below the table).
import type { Cell, Matrix } from '../explore/line.ts';
import { esc } from './sequence-svg.ts';

/** A cell's key in `viewers`. */
export const cellKey = (variant: string, scenario: string): string => `${variant}\u0000${scenario}`;

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.2em; color: #222; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 4px 7px; vertical-align: top; }
th { background: #f3f3f3; position: sticky; top: 0; }
td.clean { background: #eef8ee; }
td.bug { background: #fdeaea; }
td.sampled { background-image: repeating-linear-gradient(45deg, transparent 0 6px, rgba(0,0,0,.04) 6px 8px); }
td.changed { outline: 2px solid #c60; outline-offset: -2px; }
.hunk { display: block; font-size: 11px; color: #a50; }
.sub { font-size: 11px; color: #777; display: block; }
.mono { font-family: ui-monospace, monospace; }
button { font-size: 12px; cursor: pointer; }
#viewer iframe { width: 100%; height: 86vh; border: 1px solid #ccc; }
`;

function cellHtml(c: Cell, changed: string | undefined, viewer: string | undefined): string {
  const cls = [c.oracles.length ? 'bug' : 'clean', c.exhausted ? '' : 'sampled', changed ? 'changed' : ''].filter(Boolean).join(' ');
  const verdict = c.oracles.length ? c.oracles.map(esc).join(', ') : c.exhausted ? 'clean, exhausted' : 'clean';
  const open = viewer ? ` <button data-src="${esc(viewer)}" data-title="${esc(`${c.scenario} on ${c.variant}`)}">trace</button>` : '';
  return `<td class="${cls}" title="${esc(c.search + (c.message ? `\n${c.message}` : ''))}"><b>${verdict}</b>${open}${changed ? `<span class="hunk">${esc(changed)}</span>` : ''}<span class="sub">${c.seconds.toFixed(2)} s</span></td>`;
}

/** The page: `viewers` maps cellKey(variant, scenario) to the trace viewer page's relative path. */
export function historyHtml(m: Matrix, viewers: Map<string, string>): string {
  const head = m.variants.map((v) => `<th>${esc(v.name)}<span class="sub">${esc([v.release, v.commit].filter(Boolean).join(' '))}</span></th>`).join('');
  const rows = m.rows.map((r) => {
    const cells = r.cells.map((c, i) => {
      const ch = i > 0 ? r.changes.find((x) => x.to === c.variant && x.from === r.cells[i - 1]!.variant) : undefined;
      const named = ch ? (ch.responsible ? [ch.responsible] : ch.added).map((h) => `+${h.commit || h.release} ${h.id}`).concat(ch.removed.map((h) => `-${h.commit || h.release} ${h.id}`)).join(', ') || 'no hunk differs' : undefined;
      return cellHtml(c, named, viewers.get(cellKey(c.variant, c.scenario)));
    });
    return `<tr><th class="mono">${esc(r.scenario)}<span class="sub">${r.seconds.toFixed(2)} s</span></th>${cells.join('')}</tr>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>svmsim history</title><style>${CSS}</style></head><body>
<h1>The driver's history: verdicts</h1>
<p>Each cell: the stateful dfs of that scenario on that kernel, up to ${m.budget} runs (exhausted: a proof; else ${m.fallback} schedules of the default strategy after it, hatched). A framed cell's verdict differs from the one to its left; it names the hunks between them. ${m.seconds.toFixed(1)} s in all.</p>
<table><thead><tr><th>scenario</th>${head}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
<section id="viewer" hidden><p><button id="close">✕ close</button> <b id="vtitle"></b></p><iframe id="frame" title="trace viewer"></iframe></section>
<script>
const $ = (id) => document.getElementById(id);
for (const b of document.querySelectorAll('button[data-src]')) b.addEventListener('click', () => { $('frame').src = b.dataset.src; $('vtitle').textContent = b.dataset.title; $('viewer').hidden = false; $('viewer').scrollIntoView(); });
$('close').addEventListener('click', () => { $('viewer').hidden = true; $('frame').removeAttribute('src'); });
</script></body></html>
`;
}
