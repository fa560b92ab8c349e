// Statechart coverage: which states and transitions of each machine the explored runs took, out
// of all those in the machine definitions (walked from `machine.root`). Transitions are read from
// xstate's inspection stream (`@xstate.microstep` carries the definitions taken), so eventless
// (`always`) and guarded branches count one by one.
import type { AnyStateMachine } from 'xstate';
import { machines } from '../../machines/index.ts';

interface NodeLike {
  id: string;
  type: string;
  states: Record<string, NodeLike>;
  transitions: Map<string, unknown[]>;
  always?: unknown[];
  initial?: { target: NodeLike[] };
}
interface TransitionLike {
  source: NodeLike;
  eventType: string;
}

/** An inspection event from any transport (xstate's own, or a worker's plain copy). */
interface InspectionLike {
  type: string;
  actorRef: unknown;
  snapshot?: unknown;
}

/** Names a transition: `mm.lifecycle.live:mmput#1` (the second `mmput` branch), `dma.idle:always#0`. */
const transitionId = (t: TransitionLike): string => {
  const list = t.eventType === '' ? t.source.always : t.source.transitions.get(t.eventType);
  return `${t.source.id}:${t.eventType || 'always'}#${Math.max(0, list?.indexOf(t) ?? 0)}`;
};

export interface MachineItems {
  states: string[];
  transitions: string[];
}

/** Every state (but the root) and transition of a machine. */
export function machineItems(m: AnyStateMachine): MachineItems {
  const out: MachineItems = { states: [], transitions: [] };
  const walk = (n: NodeLike, root: boolean) => {
    if (!root) out.states.push(n.id);
    for (const [, ts] of n.transitions) for (const t of ts) out.transitions.push(transitionId(t as TransitionLike));
    for (const t of n.always ?? []) out.transitions.push(transitionId(t as TransitionLike));
    for (const c of Object.values(n.states)) walk(c, false);
  };
  walk(m.root as unknown as NodeLike, true);
  return out;
}

/** The states an actor is in before any event: the initial configuration. */
function initialStates(n: NodeLike, out: string[] = []): string[] {
  const kids = n.type === 'parallel' ? Object.values(n.states) : (n.initial?.target ?? []);
  for (const c of kids) {
    out.push(c.id);
    initialStates(c, out);
  }
  return out;
}

/** The state nodes named by a snapshot value (`{ lifecycle: 'live', op: 'idle' }`). */
function activeStates(n: NodeLike, value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    const c = n.states[value];
    if (c) out.add(c.id);
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const c = n.states[k];
      if (!c) continue;
      out.add(c.id);
      activeStates(c, v, out);
    }
  }
}

/** Visited items per machine kind, as sorted id lists (JSON for merging). */
export type CoverageData = Record<string, MachineItems>;

/** How often, per machine kind: each transition taken, each state entered (by id). */
export type CoverageCounts = Record<string, Record<string, number>>;

export interface CoverageRecorderOptions {
  /** Seconds since the start: when given, the first time each item is covered is kept. */
  clock?: () => number;
}

export class CoverageRecorder {
  private readonly visited = new Map<string, { states: Set<string>; transitions: Set<string> }>();
  private readonly hits = new Map<string, Map<string, number>>();
  private readonly first = new Map<string, number>();
  /** Each actor's active states after its last microstep (by actor id, for its session). */
  private readonly active = new Map<string, { session: string; states: Set<string> }>();
  private readonly clock?: () => number;

  constructor(data: CoverageData = {}, opts: CoverageRecorderOptions = {}) {
    this.clock = opts.clock;
    this.add(data);
  }

  private hit(kind: string, id: string, set: Set<string>): void {
    let h = this.hits.get(kind);
    if (!h) this.hits.set(kind, (h = new Map()));
    h.set(id, (h.get(id) ?? 0) + 1);
    if (set.has(id)) return;
    set.add(id);
    if (this.clock && !this.first.has(id)) this.first.set(id, this.clock());
  }

  private of(kind: string) {
    let v = this.visited.get(kind);
    if (!v) {
      const root = machines[kind]?.root as unknown as NodeLike | undefined;
      v = { states: new Set(root ? initialStates(root) : []), transitions: new Set() };
      this.visited.set(kind, v);
    }
    return v;
  }

  /** Feed it every inspection event of a run (`kindOf` maps actor ids to machine kinds). */
  inspector(kindOf: (actorId: string) => string | undefined): (e: InspectionLike) => void {
    return (e) => {
      // Only xstate's own events carry the transitions taken (not a worker's plain copies).
      if (e.type !== '@xstate.microstep' || !('_transitions' in e)) return;
      const kind = kindOf((e.actorRef as { id?: string }).id ?? '');
      const root = kind ? (machines[kind]?.root as unknown as NodeLike | undefined) : undefined;
      if (!kind || !root) return;
      const v = this.of(kind);
      for (const t of (e as { _transitions: TransitionLike[] })._transitions) this.hit(kind, transitionId(t), v.transitions);
      // A state counts once per entry: active now, not after the actor's previous microstep.
      const ref = e.actorRef as { id?: string; sessionId?: string };
      const now = new Set<string>();
      activeStates(root, (e.snapshot as { value?: unknown }).value, now);
      const had = this.active.get(ref.id ?? '');
      let before = had?.states;
      if (!had || had.session !== ref.sessionId) {
        // A new actor: it entered its initial states when it started.
        before = new Set(initialStates(root));
        for (const s of before) this.hit(kind, s, v.states);
      }
      for (const s of now) if (!before!.has(s)) this.hit(kind, s, v.states);
      this.active.set(ref.id ?? '', { session: ref.sessionId ?? '', states: now });
    };
  }

  /** Add another recorder's counts (jobs, shards). */
  addCounts(counts: CoverageCounts): void {
    for (const [kind, items] of Object.entries(counts)) {
      let h = this.hits.get(kind);
      if (!h) this.hits.set(kind, (h = new Map()));
      for (const [id, n] of Object.entries(items)) h.set(id, (h.get(id) ?? 0) + n);
    }
  }

  /** Each transition's takes and each state's entries, by machine kind. */
  counts(): CoverageCounts {
    const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(sorted(this.hits).map(([k, h]) => [k, Object.fromEntries(sorted(h))]));
  }

  /** With a clock: when each state and transition was first covered (seconds), by id. */
  firstSeen(): Record<string, number> {
    return Object.fromEntries([...this.first].sort(([a], [b]) => a.localeCompare(b)));
  }

  add(data: CoverageData): void {
    for (const [kind, items] of Object.entries(data)) {
      const v = this.of(kind);
      for (const s of items.states) v.states.add(s);
      for (const t of items.transitions) v.transitions.add(t);
    }
  }

  data(): CoverageData {
    return Object.fromEntries([...this.visited].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, { states: [...v.states].sort(), transitions: [...v.transitions].sort() }]));
  }

  /** Visited / total per machine kind, and over all of them. */
  summary(kinds: string[]): CoverageSummary {
    const per: CoverageSummary['machines'] = {};
    let vs = 0, ts = 0, vt = 0, tt = 0;
    for (const kind of kinds) {
      const m = machines[kind];
      if (!m) continue;
      const all = machineItems(m);
      const v = this.of(kind);
      const s = all.states.filter((x) => v.states.has(x)).length;
      const t = all.transitions.filter((x) => v.transitions.has(x)).length;
      per[kind] = { states: { visited: s, total: all.states.length }, transitions: { visited: t, total: all.transitions.length } };
      [vs, ts, vt, tt] = [vs + s, ts + all.states.length, vt + t, tt + all.transitions.length];
    }
    return { machines: per, states: { visited: vs, total: ts }, transitions: { visited: vt, total: tt } };
  }
}

/** Every transition of each machine kind never taken, by kind (kinds with none left out). */
export function untaken(data: CoverageData, kinds: string[]): Record<string, string[]> {
  const rec = new CoverageRecorder(data);
  const out: Record<string, string[]> = {};
  for (const kind of kinds) {
    const m = machines[kind];
    if (!m) continue;
    const seen = new Set(rec.data()[kind]?.transitions ?? []);
    const left = machineItems(m).transitions.filter((t) => !seen.has(t));
    if (left.length) out[kind] = left;
  }
  return out;
}

/** The untaken transitions as text: `mm  mm.lifecycle.live:exit_mmap#0`, one a line. */
export function untakenText(u: Record<string, string[]>): string {
  const n = Object.values(u).reduce((a, l) => a + l.length, 0);
  if (!n) return 'untaken transitions: none — every transition of every machine was taken';
  return [`untaken transitions (${n}):`, ...Object.entries(u).flatMap(([k, l]) => l.map((t) => `  ${k.padEnd(14)}${t}`))].join('\n');
}

interface Ratio {
  visited: number;
  total: number;
}
export interface CoverageSummary {
  machines: Record<string, { states: Ratio; transitions: Ratio }>;
  states: Ratio;
  transitions: Ratio;
}
