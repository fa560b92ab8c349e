// Coverage on the charts: `svmsim charts --coverage FILE` reads what `svmsim explore --out DIR`
// wrote (DIR/summary.json, whose `coverage` is by machine kind; or that object alone) and turns
// its ids into the charts' terms. explore names a state by its StateNode id (`mm.lifecycle.live`)
// and a transition by its source's id, its event (`always` for an eventless one) and its place
// among the source's transitions on that event (`mm.op.idle:mmap_region#0`, chart.ts transitionId);
// a chart names states by path (`lifecycle.live`).
import { parseJsonText } from '../input.ts';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { machines } from '../../machines/index.ts';
import { BadInput } from '../variants/variants.ts';
import { pathString } from '../scenario/load.ts';
import { chartOf, transitionId, type Chart } from './chart.ts';

/** What a chart marks: visited state paths and taken transitions (transitionId). */
export interface MachineCoverage {
  states: string[];
  transitions: string[];
}

/** Coverage as explore writes it, by machine kind, in StateNode ids. */
const exploreCoverage = z.record(z.string(), z.object({ states: z.array(z.string()), transitions: z.array(z.string()) }));
export type ExploreCoverage = z.infer<typeof exploreCoverage>;

export interface ChartCoverage {
  machines: Record<string, MachineCoverage>;
  /** Ids that name nothing in the machines as they are now (a file from an older model). */
  unknown: string[];
}

/** One machine's explore ids in its chart's terms. */
export function chartCoverage(chart: Chart, data: ExploreCoverage[string]): { coverage: MachineCoverage; unknown: string[] } {
  const pathOf = new Map([[chart.id, '(root)'], ...[...chart.states.values()].map((s) => [s.node, s.path] as const)]);
  const ids = new Set(chart.edges.map(transitionId));
  const unknown = [...data.states.filter((s) => !pathOf.has(s)), ...data.transitions.filter((t) => !ids.has(t))];
  return {
    coverage: {
      states: data.states.flatMap((s) => (chart.states.has(pathOf.get(s) ?? '') ? [pathOf.get(s)!] : [])).sort(),
      transitions: data.transitions.filter((t) => ids.has(t)).sort(),
    },
    unknown,
  };
}

export function fromExplore(data: ExploreCoverage): ChartCoverage {
  const out: ChartCoverage = { machines: {}, unknown: [] };
  for (const [kind, items] of Object.entries(data)) {
    const machine = machines[kind];
    if (!machine) {
      out.unknown.push(kind);
      continue;
    }
    const { coverage, unknown } = chartCoverage(chartOf(machine), items);
    out.machines[kind] = coverage;
    out.unknown.push(...unknown);
  }
  return out;
}

/** explore's summary.json, or its `coverage` object alone. */
export function readCoverage(file: string): ChartCoverage {
  let raw: unknown;
  try {
    raw = parseJsonText(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new BadInput(`coverage file ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message.split('\n')[0]}`);
  }
  const inSummary = raw !== null && typeof raw === 'object' && 'coverage' in raw;
  const r = exploreCoverage.safeParse(inSummary ? (raw as { coverage: unknown }).coverage : raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new BadInput(`coverage file ${file}: ${inSummary ? 'coverage.' : ''}${pathString(i.path)}: ${i.message}`);
  }
  return fromExplore(r.data);
}
