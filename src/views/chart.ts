// A machine's statechart as plain data: its states (dotted paths below the machine, `lifecycle.live`)
// and its transitions, read from the StateNodes xstate builds from the config, so targets are
// resolved exactly as they run. The Mermaid charts, the coverage and the report's SVG all read this.
import type { AnyStateMachine, AnyStateNode } from 'xstate';

export interface ChartState {
  /** Dotted path below the machine: `lifecycle.exit_mmap.release`. */
  path: string;
  /** xstate's StateNode id (`mm.lifecycle.exit_mmap.release`). */
  node: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** The initial child's path (compound states). */
  initial: string | null;
  children: string[];
  tags: string[];
}

export interface ChartEdge {
  /** `(root)` for the machine itself. */
  source: string;
  /** null: a targetless transition (actions only). */
  target: string | null;
  /** The event, or `always` for an eventless transition. */
  event: string;
  guard: string | null;
  /** Its place among the source's transitions on this event (the guarded branches, in order). */
  index: number;
  /** The source's StateNode id. */
  node: string;
}

export interface Chart {
  /** The machine's id (`mm`, `faultHandler`), also its root StateNode's id. */
  id: string;
  type: ChartState['type'];
  /** The root's children, in order. */
  top: string[];
  /** The root's initial child (non-parallel roots). */
  initial: string | null;
  states: Map<string, ChartState>;
  edges: ChartEdge[];
}

export const ROOT = '(root)';

/** `source -> target on event`: one arrow, the form the extractor check compares. */
export const edgeKey = (e: Pick<ChartEdge, 'source' | 'target' | 'event'>): string => `${e.source} -> ${e.target ?? '-'} on ${e.event}`;

/** One transition definition as explore's coverage names it: `mm.op.idle:mmap_region#0`. */
export const transitionId = (e: Pick<ChartEdge, 'node' | 'event' | 'index'>): string => `${e.node}:${e.event}#${e.index}`;

const pathOf = (n: AnyStateNode): string => n.path.join('.') || ROOT;

const guardName = (g: unknown): string | null => {
  if (!g) return null;
  if (typeof g === 'string') return g;
  if (typeof g === 'object' && 'type' in g) return String((g as { type: unknown }).type);
  return 'guard';
};

export function chartOf(machine: AnyStateMachine): Chart {
  const states = new Map<string, ChartState>();
  const edges: ChartEdge[] = [];
  const visit = (n: AnyStateNode) => {
    const kids = Object.values(n.states) as AnyStateNode[];
    if (n.path.length) {
      states.set(pathOf(n), {
        path: pathOf(n),
        node: n.id,
        key: n.key,
        type: n.type,
        initial: n.type === 'compound' && n.initial?.target[0] ? pathOf(n.initial.target[0]) : null,
        children: kids.map(pathOf),
        tags: [...n.tags],
      });
    }
    for (const [event, list] of [...n.transitions.entries(), ['always', n.always ?? []] as const]) {
      list.forEach((t, index) => {
        const e = { source: pathOf(n), event: event || 'always', guard: guardName(t.guard), index, node: n.id };
        if (!t.target?.length) edges.push({ ...e, target: null });
        for (const tg of t.target ?? []) edges.push({ ...e, target: pathOf(tg) });
      });
    }
    kids.forEach(visit);
  };
  visit(machine.root);
  const root = machine.root;
  return {
    id: machine.id,
    type: root.type,
    top: (Object.values(root.states) as AnyStateNode[]).map(pathOf),
    initial: root.type === 'compound' && root.initial?.target[0] ? pathOf(root.initial.target[0]) : null,
    states,
    edges,
  };
}

/** The path and every ancestor: `a.b.c` → `a`, `a.b`, `a.b.c`. */
export const withAncestors = (path: string): string[] => path.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'));

/** The leaf paths of a flattened state value (`lifecycle.live|op.idle`, see runtime/host.ts). */
export const leavesOf = (state: string): string[] => (state ? state.split('|') : []);
