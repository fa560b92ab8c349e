// `svmsim charts`: every machine's statechart as files. `<kind>.json` is the machine's config,
// what Stately Studio imports (`JSON.stringify(machine.config)`; `toJSON()` does not import);
// `<kind>.mmd` a Mermaid stateDiagram-v2 (GitHub and mermaid.live draw it); `<kind>.svg` the same
// drawn here. With coverage, visited states and transitions are marked on the .mmd and .svg.
import { join } from 'node:path';
import { machines } from '../../machines/index.ts';
import { chartOf, transitionId } from './chart.ts';
import { chartSvg } from './chart-svg.ts';
import type { ChartCoverage } from './coverage.ts';
import { stateDiagram } from './mermaid-state.ts';
import { writeFileAtomic } from '../files.ts';

export interface ChartFiles {
  kind: string;
  files: string[];
  states: number;
  transitions: number;
  /** With coverage: how many of each were visited. */
  visitedStates?: number;
  visitedTransitions?: number;
}

export function writeCharts(dir: string, coverage?: ChartCoverage): ChartFiles[] {
  return Object.entries(machines).map(([kind, machine]) => {
    const chart = chartOf(machine);
    const cov = coverage ? (coverage.machines[kind] ?? { states: [], transitions: [] }) : undefined;
    const files = [join(dir, `${kind}.json`), join(dir, `${kind}.mmd`), join(dir, `${kind}.svg`)];
    writeFileAtomic(files[0]!, JSON.stringify(machine.config, null, 2) + '\n');
    writeFileAtomic(files[1]!, stateDiagram(chart, { coverage: cov }));
    writeFileAtomic(files[2]!, chartSvg(chart, { coverage: cov }) + '\n');
    const keys = new Set(chart.edges.map(transitionId));
    return {
      kind,
      files,
      states: chart.states.size,
      transitions: keys.size,
      ...(cov ? { visitedStates: cov.states.filter((p) => chart.states.has(p)).length, visitedTransitions: cov.transitions.filter((t) => keys.has(t)).length } : {}),
    };
  });
}
