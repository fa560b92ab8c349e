// What the `svmsim play` page draws, from a played session's snapshot (src/play/session.ts): the
// snapshot itself, each actor's lit chart nodes, the counts over the steps (the trace viewer's
// series, src/views/report-model.ts), each violation with the point of the history it belongs to,
// and the timeline line of every delivery so far. The statecharts are drawn once (playCharts).
import { machines } from '../../machines/index.ts';
import type { PlaySnapshot } from '../play/session.ts';
import { chartOf, leavesOf, withAncestors } from './chart.ts';
import { chartSvg } from './chart-svg.ts';
import { mermaidId } from './mermaid-state.ts';
import { buildReport, type CountSeries } from './report-model.ts';
import { timelineLine } from './text.ts';

export interface PlayView {
  snap: PlaySnapshot;
  /** By actor: its state now, and the chart nodes (mermaid ids) to light. */
  states: Record<string, string>;
  lit: Record<string, string[]>;
  /** Counts after each trace step (start-up steps included). */
  counts: CountSeries[];
  /** Each violation's point of the history: the deliveries up to the step that caused it. */
  points: number[];
  /** The timeline line of each trace step so far. */
  lines: string[];
}

/** The chart nodes lit by a flattened state (`lifecycle.live|op.idle`): each leaf and its ancestors. */
export const litNodes = (state: string): string[] => [...new Set(leavesOf(state).flatMap(withAncestors).map(mermaidId))];

export function playView(snap: PlaySnapshot): PlayView {
  const report = buildReport({ trace: snap.trace, violations: snap.violations, actors: snap.actors, scenario: snap.scenario, kernel: snap.kernel }, { charts: false });
  const states = Object.fromEntries(snap.views.map((v) => [v.id, v.state]));
  return {
    snap,
    states,
    lit: Object.fromEntries(Object.entries(states).map(([id, st]) => [id, litNodes(st)])),
    counts: report.counts,
    // Trace step s is delivery s - boots (start-up steps come first); the point after it is one more.
    points: snap.violations.map((v) => Math.max(0, Math.min(snap.at, v.step - snap.boots + 1))),
    lines: snap.trace.map((ev) => timelineLine(ev).trim()),
  };
}

/** Each actor's statechart as SVG (the charts `svmsim charts` draws), ids prefixed per actor. */
export function playCharts(actors: { id: string; kind: string }[]): Record<string, string> {
  const charts = new Map<string, ReturnType<typeof chartOf>>();
  const out: Record<string, string> = {};
  for (const a of actors) {
    const m = machines[a.kind];
    if (!m) continue;
    if (!charts.has(a.kind)) charts.set(a.kind, chartOf(m));
    out[a.id] = chartSvg(charts.get(a.kind)!, { prefix: `chart-${a.id.replace(/\W/g, '_')}` });
  }
  return out;
}
