// A statechart as a Mermaid `stateDiagram-v2`: composite states nest; each transition is written
// in the innermost state holding both ends, between that state's children (Mermaid cannot draw a
// transition between states nested in different composites, so `vma_init → idle` is drawn from
// `mmap_region`, the composite holding vma_init). Eventless transitions read `always`, guards `[guard]`. With coverage, visited states get `classDef visited`
// and visited transitions a ✓; the rest stay plain.
import { ROOT, transitionId, type Chart, type ChartEdge } from './chart.ts';
import type { MachineCoverage } from './coverage.ts';

/** Mermaid id of a state path: `lifecycle.exit_mmap` → `lifecycle__exit_mmap`. */
export const mermaidId = (path: string): string => path.replace(/\./g, '__').replace(/[^\w]/g, '_');

const parentOf = (p: string) => p.split('.').slice(0, -1).join('.');

/** The innermost state containing both ends ('' is the machine), and the ends lifted to its children. */
export function place(e: ChartEdge): { within: string; from: string; to: string } {
  const a = parentOf(e.source).split('.');
  const b = parentOf(e.target!).split('.');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i] && a[i] !== '') i++;
  const lift = (p: string) => p.split('.').slice(0, i + 1).join('.');
  return { within: a.slice(0, i).join('.'), from: lift(e.source), to: lift(e.target!) };
}

const label = (e: ChartEdge, seen?: Set<string>) =>
  `${e.event}${e.guard ? ` [${e.guard}]` : ''}${seen?.has(transitionId(e)) ? ' ✓' : ''}`;

export interface StateDiagramOptions {
  coverage?: MachineCoverage;
  /** Top-level layout: `TB` (default) or `LR`. */
  direction?: 'TB' | 'LR';
  /** Draw only this state's inside (one region of a parallel machine) as the whole diagram. */
  region?: string;
}

export function stateDiagram(chart: Chart, opts: StateDiagramOptions = {}): string {
  const seen = opts.coverage ? new Set(opts.coverage.transitions) : undefined;
  const visited = new Set(opts.coverage?.states ?? []);
  // Merge the transitions between the same two states into one arrow with every label.
  const arrows = new Map<string, { within: string; from: string; to: string; labels: string[] }>();
  for (const e of chart.edges) {
    if (e.target === null || e.source === ROOT) continue;
    const p = place(e);
    const k = `${p.from}\n${p.to}`;
    const a = arrows.get(k) ?? arrows.set(k, { ...p, labels: [] }).get(k)!;
    const l = label(e, seen);
    if (!a.labels.includes(l)) a.labels.push(l);
  }
  const byContainer = new Map<string, string[]>();
  for (const a of arrows.values()) {
    byContainer.set(a.within, [...(byContainer.get(a.within) ?? []), `${mermaidId(a.from)} --> ${mermaidId(a.to)} : ${a.labels.join(', ')}`]);
  }
  const out: string[] = ['stateDiagram-v2'];
  if (opts.direction === 'LR') out.push('  direction LR');
  const emit = (paths: string[], parallel: boolean, initial: string | null, depth: number) => {
    const ind = '  '.repeat(depth);
    paths.forEach((p, i) => {
      const s = chart.states.get(p)!;
      if (parallel && i > 0 && depth > 1) out.push(`${ind}--`);
      if (s.children.length) {
        out.push(`${ind}state "${s.key}" as ${mermaidId(p)} {`);
        emit(s.children, s.type === 'parallel', s.initial, depth + 1);
        for (const line of byContainer.get(p) ?? []) out.push(`${ind}  ${line}`);
        out.push(`${ind}}`);
      } else {
        out.push(`${ind}state "${s.key}" as ${mermaidId(p)}`);
        if (s.type === 'final') out.push(`${ind}${mermaidId(p)} --> [*]`);
      }
    });
    // After the declarations: a state first named in a transition would take its id as label.
    if (initial) out.push(`${ind}[*] --> ${mermaidId(initial)}`);
  };
  const r = opts.region ? chart.states.get(opts.region) : undefined;
  if (opts.region && !r) throw new Error(`${chart.id} has no state '${opts.region}'`);
  if (r) emit(r.children, r.type === 'parallel', r.initial, 1);
  else emit(chart.top, chart.type === 'parallel', chart.initial, 1);
  for (const line of byContainer.get(opts.region ?? '') ?? []) out.push(`  ${line}`);
  if (opts.coverage) {
    // Mermaid styles atomic states only; composite ones show through their children.
    const lit = [...chart.states.values()].filter((s) => !s.children.length && visited.has(s.path)).map((s) => mermaidId(s.path));
    const keys = new Set(chart.edges.map(transitionId));
    const hit = opts.coverage.transitions.filter((t) => keys.has(t)).length;
    out.push(`  %% coverage: ${[...chart.states.keys()].filter((p) => visited.has(p)).length}/${chart.states.size} states, ${hit}/${keys.size} transitions`);
    out.push('  classDef visited fill:#c8e6c9,stroke:#2e7d32,stroke-width:2px');
    if (lit.length) out.push(`  class ${lit.join(',')} visited`);
  }
  return out.join('\n') + '\n';
}
