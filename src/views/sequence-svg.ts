// The trace as a sequence diagram in SVG: a lane per actor, one row per delivery in delivery order,
// the message an arrow from sender to receiver (returns dashed, messages to itself a loop). Rows
// carry `data-step` (the index in the trace) so the page can light the current step and jump on a click.
import type { ReportActor, ReportStep } from './report-model.ts';

export const LANE = 112;
export const ROW = 24;
const HEAD = 44;
const LEFT = 44;

/** Text for HTML and SVG markup. */
export const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' })[c]};`);

export interface SequenceSvg {
  /** The lane heads, drawn apart so the page can keep them in view. */
  head: string;
  body: string;
  width: number;
}

/** Where each step goes when two diagrams are drawn aligned (diff), and extra classes per step. */
export interface SequenceLayout {
  /** The row of the i-th step. */
  rowOf: (i: number) => number;
  rows: number;
  classOf?: (i: number) => string;
  /** Lane width (default LANE): two diagrams side by side draw narrower lanes. */
  lane?: number;
}

export function sequenceSvg(actors: ReportActor[], steps: ReportStep[], violationSteps: Set<number>, layout?: SequenceLayout): SequenceSvg {
  const lane = layout?.lane ?? LANE;
  const x = new Map(actors.map((a, i) => [a.id, LEFT + lane / 2 + i * lane]));
  const width = LEFT + actors.length * lane;
  const height = (layout?.rows ?? steps.length) * ROW + 12;
  const head = actors
    .map((a) => {
      const cx = x.get(a.id)!;
      return `<g class="lanehead" data-actor="${esc(a.id)}"><rect x="${cx - lane / 2 + 4}" y="6" width="${lane - 8}" height="${HEAD - 12}" rx="6"/><text x="${cx}" y="${HEAD / 2 - 2}" class="id">${esc(a.id)}</text><text x="${cx}" y="${HEAD / 2 + 11}" class="kind">${esc(a.kind)}</text></g>`;
    })
    .join('');
  const lanes = actors.map((a) => `<line class="lane" x1="${x.get(a.id)}" y1="0" x2="${x.get(a.id)}" y2="${height}"/>`).join('');
  const rows = steps.map((s, i) => {
    const y = (layout ? layout.rowOf(i) : i) * ROW + ROW / 2 + 6;
    const to = x.get(s.to)!;
    const cls = ['msg', s.event.startsWith('ret.') ? 'ret' : '', s.bug || violationSteps.has(s.step) ? 'bad' : '', layout?.classOf?.(i) ?? ''].filter(Boolean).join(' ');
    const bg = `<rect class="row" x="0" y="${y - ROW / 2}" width="${width}" height="${ROW}"/><text class="stepno" x="6" y="${y + 4}">${s.step}</text>`;
    let shape: string;
    if (s.from === 'boot') {
      shape = `<circle class="boot" cx="${to}" cy="${y}" r="5"/><text class="label" x="${to + 9}" y="${y + 4}">start-up</text>`;
    } else if (s.from === s.to) {
      shape = `<path class="arrow" d="M${to} ${y - 6} h26 v10 h-22" marker-end="url(#seq-arrow)"/><text class="label" x="${to + 32}" y="${y + 3}">${esc(s.event)}</text>`;
    } else {
      const from = x.get(s.from)!;
      const dir = to > from ? 1 : -1;
      // The label starts at the sender and runs toward the receiver, above the arrow.
      const lx = from + dir * 6;
      shape = `<line class="arrow" x1="${from}" y1="${y + 3}" x2="${to - dir * 3}" y2="${y + 3}" marker-end="url(#seq-arrow)"/><text class="label" x="${lx}" y="${y - 1}" text-anchor="${dir > 0 ? 'start' : 'end'}">${esc(s.event)}</text>`;
    }
    return `<g class="${cls}" data-step="${i}">${bg}${shape}</g>`;
  });
  const defs = `<defs><marker id="seq-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" class="head"/></marker></defs>`;
  return {
    width,
    head: `<svg xmlns="http://www.w3.org/2000/svg" class="seqhead" width="${width}" height="${HEAD}" viewBox="0 0 ${width} ${HEAD}">${head}</svg>`,
    body: `<svg xmlns="http://www.w3.org/2000/svg" class="seq" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${defs}${lanes}${rows.join('')}</svg>`,
  };
}
