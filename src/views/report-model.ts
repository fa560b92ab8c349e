// What the trace viewer shows, computed once here so the page only looks things up: the actors
// (lanes) with their kinds and first states, each step's receiver state and the objects it
// changed (folded by ObjectTable, as the text views do), the violations, each actor's chart.
import { machines } from '../../machines/index.ts';
import { variantByName } from '../variants/variants.ts';
import type { Violation } from '../oracles/types.ts';
import { ActorHost } from '../runtime/host.ts';
import type { ActorSpec, TraceEvent } from '../runtime/types.ts';
import type { RunInput } from '../explore/run-input.ts';
import { loadScenario } from '../scenario/load.ts';
import { buildWorld } from '../scenario/world.ts';
import { COUNT_FIELDS } from '../../machines/objects.ts';
import { objectJson, ObjectTable } from '../trace/objects.ts';
import { chartOf, leavesOf, withAncestors, type Chart } from './chart.ts';
import { mermaidId } from './mermaid-state.ts';
import { chartSvg } from './chart-svg.ts';
import { timelineLine } from './text.ts';

/** What a report is made from: a run (explore/run-input.ts: `svmsim run --json`'s document, or a
 * SimResult with its names), and what only the page reads. */
export interface ReportInput extends RunInput {
  /** Ignored: the objects are folded from the trace, step by step. */
  objects?: unknown;
  quiescent?: boolean;
  /** The actors with their machine kinds, when the run has no `world` (a SimResult's). Without
   * either they come from the scenario and kernel names, or else from the states in the trace. */
  actors?: { id: string; kind: string }[];
  title?: string;
}

export interface ReportActor {
  id: string;
  kind: string;
  /** Its state before its first delivery. */
  initial: string;
}
export interface ReportStep {
  step: number;
  from: string;
  to: string;
  event: string;
  args: Record<string, unknown>;
  state: string;
  cause: number | null;
  /** The text timeline's line for this step. */
  line: string;
  bug: boolean;
  /** The objects this step changed, as they are after it. */
  objects: Record<string, unknown>[];
}
/** One count of one object over the steps: its value after each step (null while it does not exist). */
export interface CountSeries {
  obj: string;
  kind: string;
  field: string;
  values: (number | null)[];
}
/** One object's life, allocation to free (null: alive at the end), and who did each. */
export interface Lifetime {
  id: string;
  kind: string;
  owner: string;
  from: number;
  to: number | null;
  allocBy: string;
  freedBy: string | null;
}
export interface ReportData {
  title: string;
  meta: Record<string, string>;
  actors: ReportActor[];
  steps: ReportStep[];
  violations: (Violation & { at: number })[];
  /** By actor id: its machine's chart as SVG (node `data-id` = mermaidId of a state path). */
  charts: Record<string, string>;
  /** By flattened state (`lifecycle.live|op.idle`): the chart node ids to light. */
  lit: Record<string, string[]>;
  /** Every count of every object over the steps, in allocation order. */
  counts: CountSeries[];
  lifetimes: Lifetime[];
}

const nameOf = (x: string | { name: string } | undefined) => (typeof x === 'string' ? x : x?.name);

/** Lanes read from the process down to the hardware: user side, kernel objects, driver, IOMMU. */
const LANE_ORDER = ['process', 'file', 'vma', 'mm', 'svm', 'srcu', 'faultHandler', 'iommu', 'dma'];

function specsOf(input: ReportInput): { id: string; kind: string; input?: Record<string, unknown> }[] | null {
  if (input.world) return input.world.specs;
  if (input.actors) return input.actors;
  const scenario = nameOf(input.scenario);
  const variant = nameOf(input.variant) ?? input.kernel;
  if (!scenario || !variant) return null;
  try {
    return buildWorld(loadScenario(scenario), variantByName(variant)).specs;
  } catch {
    return null; // a scenario file no longer where it was: fall back to the trace
  }
}

/** The state a chart starts in, flattened like the trace's (`lifecycle.live|op.idle`). */
function initialOf(chart: Chart): string {
  const down = (path: string): string[] => {
    const s = chart.states.get(path)!;
    if (s.type === 'parallel') return s.children.flatMap(down);
    return s.initial ? down(s.initial) : [path];
  };
  return (chart.type === 'parallel' ? chart.top.flatMap(down) : chart.initial ? down(chart.initial) : []).join('|');
}

/** The kind whose chart has every state the actor was seen in. */
function inferKind(states: string[], charts: Record<string, Chart>): string {
  const fits = Object.entries(charts).filter(([, c]) => states.every((s) => leavesOf(s).every((l) => c.states.has(l))));
  return fits[0]?.[0] ?? 'unknown';
}

/** The counts after each step, and the lifetimes, from the objects each step changed. */
export function overTime(steps: ReportStep[], table: ObjectTable): { counts: CountSeries[]; lifetimes: Lifetime[] } {
  const all = table.all().sort((a, b) => a.allocStep - b.allocStep);
  const index = new Map(all.map((o, i) => [o.id, i]));
  const series = all.flatMap((o) => COUNT_FIELDS.filter((f) => o[f] !== undefined).map((field) => ({ obj: o.id, kind: o.kind, field, values: [] as (number | null)[] })));
  const now = new Map<string, Record<string, unknown>>();
  steps.forEach((s, i) => {
    for (const o of s.objects) now.set(o.id as string, o);
    for (const c of series) {
      const o = now.get(c.obj);
      // Drawn while the object exists, and at the step that frees it.
      const shown = o && (o.alive || o.freedStep === s.step);
      c.values[i] = shown && typeof o[c.field] === 'number' ? (o[c.field] as number) : null;
    }
  });
  series.sort((a, b) => index.get(a.obj)! - index.get(b.obj)! || COUNT_FIELDS.indexOf(a.field as never) - COUNT_FIELDS.indexOf(b.field as never));
  const lifetimes = all.map((o) => ({ id: o.id, kind: o.kind, owner: o.owner, from: o.allocStep, to: o.freedStep, allocBy: o.allocBy, freedBy: o.freedBy }));
  return { counts: series, lifetimes };
}

/** `charts: false`: leave the statecharts out (the live view draws them once). */
export function buildReport(input: ReportInput, opts: { charts?: boolean } = {}): ReportData {
  const { trace } = input;
  const charts = Object.fromEntries(Object.entries(machines).map(([k, m]) => [k, chartOf(m)]));
  const seen = [...new Set(trace.flatMap((e) => (e.from === 'boot' ? [e.to] : [e.from, e.to])))];
  const specs = specsOf(input);
  const kindOf = new Map(specs?.map((s) => [s.id, s.kind]));
  for (const id of seen) if (!kindOf.has(id)) kindOf.set(id, inferKind(trace.filter((e) => e.to === id).map((e) => e.state), charts));
  const ids = [...new Set([...(specs?.map((s) => s.id) ?? []), ...seen])];
  const rank = (id: string) => (LANE_ORDER.indexOf(kindOf.get(id)!) + 1 || 99) * 1000 + ids.indexOf(id);
  ids.sort((a, b) => rank(a) - rank(b));

  // First states: the real ones when the world is known (start-up may move an actor), else the chart's.
  const started = new Map<string, string>();
  if (specs?.every((s) => 'input' in s)) {
    const host = new ActorHost();
    try {
      host.start(specs as ActorSpec[]);
      for (const v of host.views()) started.set(v.id, v.state);
    } finally {
      host.stop();
    }
  }
  const actors = ids.map((id) => {
    const kind = kindOf.get(id)!;
    return { id, kind, initial: started.get(id) ?? (charts[kind] ? initialOf(charts[kind]) : '') };
  });

  const table = new ObjectTable(trace);
  const steps: ReportStep[] = trace.map((ev) => {
    table.apply(ev);
    const touched = [...new Set(ev.effects.flatMap((e) => (e.op === 'alloc' || e.op === 'free' || e.op === 'count' ? [e.obj] : [])))];
    return {
      step: ev.step,
      from: ev.from,
      to: ev.to,
      event: ev.event,
      args: ev.args,
      state: ev.state,
      cause: ev.cause,
      line: timelineLine(ev).trim(),
      bug: ev.effects.some((e) => e.op === 'bug'),
      objects: touched.flatMap((id) => (table.get(id) ? [objectJson({ ...table.get(id)! })] : [])),
    };
  });

  const { counts, lifetimes } = overTime(steps, table);
  const last = Math.max(0, trace.length - 1);
  const variant = nameOf(input.variant) ?? input.kernel;
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries({ scenario: nameOf(input.scenario), kernel: variant, strategy: input.strategy, seed: input.seed, transport: input.transport, steps: trace.length, quiescent: input.quiescent })) {
    if (v !== undefined) meta[k] = String(v);
  }
  return {
    title: input.title ?? `${nameOf(input.scenario) ?? 'run'}${variant ? ` on ${variant}` : ''}`,
    meta,
    actors,
    steps,
    violations: input.violations.map((v) => ({ ...v, at: Math.min(Math.max(v.step, 0), last) })),
    counts,
    lifetimes,
    lit: Object.fromEntries([...new Set([...actors.map((a) => a.initial), ...trace.map((e) => e.state)])].map((st) => [st, leavesOf(st).flatMap(withAncestors).map(mermaidId)])),
    charts: opts.charts === false ? {} : Object.fromEntries(actors.filter((a) => charts[a.kind]).map((a) => [a.id, chartSvg(charts[a.kind]!, { prefix: `chart-${a.id.replace(/\W/g, '_')}` })])),
  };
}
