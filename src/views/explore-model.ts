// What the exploration report shows, computed from an ExploreResult (explore's summary.json):
// the headline numbers, each violation, the end-state histogram, schedules/s and coverage over
// time, and each machine's chart shaded by how often its states and transitions were visited.
import { machines } from '../../machines/index.ts';
import { CoverageRecorder } from '../explore/coverage.ts';
import type { ExploreResult, ViolationRecord } from '../explore/result.ts';
import { chartOf, transitionId } from './chart.ts';
import { chartSvg, type ShadeCounts } from './chart-svg.ts';
import { chartCoverage } from './coverage.ts';
import { mermaidId } from './mermaid-state.ts';

export interface EndStateRow {
  hash: string;
  count: number;
  /** Seconds into the exploration. */
  first: number;
  label: string;
  /** How it differs from the most frequent end state (empty for that one). */
  differs: string[];
}

export interface MachinePanel {
  kind: string;
  svg: string;
  states: { visited: number; total: number };
  transitions: { visited: number; total: number };
  /** By chart node id (mermaidId of a state path): how often it was entered (for hovering). */
  entered: Record<string, number>;
}

export interface ExploreTimeline {
  t: number[];
  /** Schedules per second over each sample interval. */
  rate: number[];
  /** States and transitions covered by then (the initial states from the start). */
  covered: number[];
  endStates: number[];
}

export interface ExploreReportData {
  title: string;
  meta: Record<string, string>;
  violations: ViolationRecord[];
  /** Most frequent first; empty when the result has no history (an older summary.json). */
  endStates: EndStateRow[];
  distinctEndStates: number;
  timeline: ExploreTimeline | null;
  machines: MachinePanel[];
  /** Counts recorded (a result without them shades every visited item alike). */
  counted: boolean;
}

/** Shade counts for one machine, in the chart's terms (state paths), from explore's ids. */
function shadeOf(kind: string, r: ExploreResult): { shade: ShadeCounts; visited: { states: string[]; transitions: string[] } } {
  const chart = chartOf(machines[kind]!);
  const items = r.coverage[kind] ?? { states: [], transitions: [] };
  const { coverage } = chartCoverage(chart, items);
  const counts = r.coverageCounts?.[kind];
  const pathOf = new Map([...chart.states.values()].map((s) => [s.node, s.path]));
  const states: Record<string, number> = {};
  const transitions: Record<string, number> = {};
  if (counts) {
    for (const [id, n] of Object.entries(counts)) {
      if (pathOf.has(id)) states[pathOf.get(id)!] = n;
      else transitions[id] = n;
    }
  }
  // Visited without a count (an older result, or an initial state never re-entered): the lightest shade.
  for (const p of coverage.states) states[p] ??= 1;
  for (const t of coverage.transitions) transitions[t] ??= 1;
  return { shade: { states, transitions }, visited: coverage };
}

function panels(r: ExploreResult): MachinePanel[] {
  return Object.entries(machines).map(([kind, m]) => {
    const chart = chartOf(m);
    const { shade, visited } = shadeOf(kind, r);
    const ids = new Set(chart.edges.map(transitionId));
    return {
      kind,
      svg: chartSvg(chart, { prefix: `cov-${kind}`, shade }),
      states: { visited: visited.states.length, total: chart.states.size },
      transitions: { visited: visited.transitions.filter((t) => ids.has(t)).length, total: ids.size },
      entered: Object.fromEntries(Object.entries(shade.states).map(([p, n]) => [mermaidId(p), r.coverageCounts?.[kind] ? n : 0])),
    };
  });
}

function timeline(r: ExploreResult): ExploreTimeline | null {
  const h = r.history;
  if (!h || !h.samples.length) return null;
  const all = new CoverageRecorder(r.coverage).summary(Object.keys(r.coverage));
  const timed = Object.values(h.covered).sort((a, b) => a - b);
  const base = all.states.visited + all.transitions.visited - timed.length;
  const firsts = Object.values(h.endStates).map((e) => e.first).sort((a, b) => a - b);
  const upTo = (xs: number[], t: number) => xs.filter((x) => x <= t).length;
  const t = h.samples.map(([s]) => s);
  return {
    t,
    rate: h.samples.map(([s, n], i) => (i === 0 ? 0 : Math.round((n - h.samples[i - 1]![1]) / Math.max(1e-3, s - h.samples[i - 1]![0])))),
    covered: t.map((s) => base + upTo(timed, s)),
    endStates: t.map((s) => upTo(firsts, s)),
  };
}

export function buildExploreReport(r: ExploreResult): ExploreReportData {
  const rate = r.seconds > 0 ? Math.round(r.schedules / r.seconds) : 0;
  const meta: Record<string, string> = {
    kernel: r.kernel,
    strategy: r.strategy,
    seed: String(r.seed),
    transport: r.transport,
    schedules: String(r.schedules),
    seconds: String(r.seconds),
    'schedules/s': String(rate),
    ...(r.jobs > 1 ? { jobs: String(r.jobs) } : {}),
    ...(r.shards.length > 1 || r.shards[0] !== '1/1' ? { shards: r.shards.join(' ') } : {}),
    ...(r.dfs ? { exhausted: String(r.dfs.exhausted) } : {}),
    ...(r.interrupted ? { interrupted: 'true' } : {}),
  };
  const sorted = Object.entries(r.history?.endStates ?? {}).sort(([, a], [, b]) => b.count - a.count || a.first - b.first);
  const top = new Set(sorted[0]?.[1].detail ?? []);
  const endStates = sorted.map(([hash, { count, first, label, detail }]) => ({ hash, count, first, label, differs: (detail ?? []).filter((x) => !top.has(x)) }));
  return {
    title: `exploration of ${r.scenario} on ${r.kernel}`,
    meta,
    violations: r.violations,
    endStates,
    distinctEndStates: r.endStates.length,
    timeline: timeline(r),
    machines: panels(r),
    counted: !!r.coverageCounts,
  };
}
