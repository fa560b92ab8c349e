// dfs: exhaustive, stateless depth-first search over deliveries, re-executing from the start for
// each schedule and replaying the recorded prefix (as CHESS and Coyote do). Two reductions, after
//   - sleep sets: P. Godefroid, "Partial-Order Methods for the Verification of Concurrent
//     Systems", LNCS 1032, 1996;
//   - dynamic partial-order reduction: C. Flanagan and P. Godefroid, "Dynamic Partial-Order
//     Reduction for Model Checking Software", POPL 2005, with races read off each finished run
//     and backtrack points taken from their initials as in source-DPOR (Abdulla, Aronis, Jonsson,
//     Sagonas, "Optimal Dynamic Partial Order Reduction", POPL 2014).
// and, optionally, a preemption bound: M. Musuvathi and S. Qadeer, "Iterative Context Bounding for
// Systematic Testing of Multithreaded Programs", PLDI 2007 (see ./preemption.ts).
//
// Independence: two deliveries to different receivers commute, since a delivery changes only its
// receiver's state and appends to channels from that receiver; deliveries to one receiver do not.
// The oracles also read the order in which objects die and are touched (KASAN: an access after the
// free), so deliveries whose effects touch one object, one of them allocating, freeing or counting
// it, are dependent too (an IOTLB hit in the iommu reading a page the mm frees).
import { channelOf, type Effect, type Message, type TraceEvent } from '../runtime/types.ts';
import type { ExploringStrategy } from './exploring.ts';
import { Pruned } from './exploring.ts';
import { MessageKeys } from './keys.ts';
import { isPreemption } from './preemption.ts';
import { fnv1a } from '../hash.ts';

/** `states` and `por`: the stateful search of src/explore/stateful.ts (a driver, not a Strategy),
 * expanding every enabled delivery or with the partial-order reduction (src/explore/ample.ts);
 * the rest are this stateless search's. */
export type Reduction = 'states' | 'por' | 'dpor' | 'sleep' | 'none';
export const REDUCTIONS: Reduction[] = ['states', 'por', 'dpor', 'sleep', 'none'];
/** The reductions the stateful search runs. */
export const isStateful = (r: Reduction | undefined): boolean => r === 'states' || r === 'por';

export interface DfsOptions {
  /** Default `dpor`; with a preemption bound only `sleep` and `none` are sound (see below). */
  reduction?: Reduction;
  /** Explore only schedules with at most this many preemptions. */
  preemptionBound?: number;
  /** `reorder` runs: messages of one channel may overtake each other (no FIFO edge). */
  reorder?: boolean;
  /** Share one search among `owners` jobs: branches at the `level`-th branching node are dealt
   * out by a hash of their path, and every node above it is expanded fully. */
  split?: { owner: number; owners: number; level: number };
}

export interface DfsStats {
  /** Runs that ended (quiescent or out of steps). */
  schedules: number;
  /** Runs abandoned because every deliverable message was asleep. */
  blocked: number;
  /** Runs abandoned at a branch another job owns. */
  foreign: number;
  /** Alternatives never explored: asleep, or (dpor) never found racing. */
  asleep: number;
  unraced: number;
  /** Alternatives beyond the preemption bound. */
  overBound: number;
  exhausted: boolean;
}

/** What a delivery touched: its receiver, and each object with whether it was written. */
interface Footprint {
  to: string;
  objs: Map<string, boolean>;
}

interface Node {
  /** The enabled messages' keys, in seq order, and which continue the last delivery's thread. */
  keys: string[];
  cont: boolean[];
  sleep: Map<string, Footprint>;
  /** Keys to explore here; `done` those explored, the last one being the current choice. */
  backtrack: Set<string>;
  done: string[];
  fps: Map<string, Footprint>;
  /** Explored choices whose whole subtree stayed within the bound: they may enter sleep sets. */
  clean: Set<string>;
  /** The current choice's subtree lost a branch to the preemption bound. */
  subtreeCut: boolean;
  preemptions: number;
  /** Branching nodes (two or more candidates) above this one, whether this is one, and whether
   * to expand every alternative here. */
  level: number;
  branching: boolean;
  full: boolean;
  path: string;
}

interface Event {
  key: string;
  fp: Footprint;
  cause: number;
  prev: number;
}

const footprint = (to: string, effects: Effect[]): Footprint => {
  const objs = new Map<string, boolean>();
  for (const e of effects) {
    if (e.op === 'alloc' || e.op === 'free' || e.op === 'count') objs.set(e.obj, true);
    else if (e.op === 'access' && !objs.has(e.obj)) objs.set(e.obj, false);
  }
  return { to, objs };
};

export function dependent(a: Footprint, b: Footprint): boolean {
  if (a.to === b.to) return true;
  const [small, big] = a.objs.size <= b.objs.size ? [a, b] : [b, a];
  for (const [o, w] of small.objs) {
    const w2 = big.objs.get(o);
    if (w2 !== undefined && (w || w2)) return true;
  }
  return false;
}

export interface DfsStrategy extends ExploringStrategy {
  readonly stats: DfsStats;
  readonly reduction: Reduction;
  /** The last run is this job's to count: it passed a branch dealt to it (or, never reaching
   * the split level, every job ran it and job 0 counts it). */
  readonly mine: boolean;
}

export function dfs(o: DfsOptions = {}): DfsStrategy {
  const bound = o.preemptionBound;
  const reduction: Reduction = o.reduction ?? (bound === undefined ? 'dpor' : 'sleep');
  if (isStateful(reduction)) throw new Error('dfs: the stateful search (reduction states) is run by src/explore/stateful.ts');
  if (bound !== undefined && reduction === 'dpor') {
    // A race reversed by DPOR may need more preemptions than the bound allows, and the schedule
    // that stood for it is then never run (Coons, Musuvathi, McKinley, OOPSLA 2013).
    throw new Error('dfs: dpor with a preemption bound is unsound; use sleep sets');
  }
  const stats: DfsStats = { schedules: 0, blocked: 0, foreign: 0, asleep: 0, unraced: 0, overBound: 0, exhausted: false };
  const stack: Node[] = [];
  const keys = new MessageKeys();
  // The current run.
  let events: Event[] = [];
  let eventOfStep = new Map<number, number>();
  let lastOnChannel = new Map<string, number>();
  let lastStep: number | null = null;
  let preemptions = 0;
  let pendingSleep = new Map<string, Footprint>();
  let aborted = false;
  let dealt = false;

  /** Non-preempting alternatives first, then seq order: the search meets simple schedules first. */
  const ordered = (n: Pick<Node, 'keys' | 'cont'>, ks: Iterable<string>): string[] => {
    const set = new Set(ks);
    const idx = n.keys.map((_, i) => i).filter((i) => set.has(n.keys[i]!));
    return [...idx.filter((i) => n.cont[i]), ...idx.filter((i) => !n.cont[i])].map((i) => n.keys[i]!);
  };

  const owned = (path: string, key: string) => !o.split || fnv1a(`${path}|${key}`) % o.split.owners === o.split.owner;

  function newNode(enabled: readonly Message[], ks: string[]): Node {
    const parent = stack[stack.length - 1];
    const cont = enabled.map((m) => lastStep !== null && m.cause === lastStep);
    const level = parent ? parent.level + (parent.branching ? 1 : 0) : 0;
    const path = parent ? `${parent.path}/${parent.done[parent.done.length - 1]}` : '';
    const full = reduction !== 'dpor' || (!!o.split && level <= o.split.level);
    const n: Node = { keys: ks, cont, sleep: pendingSleep, backtrack: new Set(), done: [], fps: new Map(), clean: new Set(), subtreeCut: false, preemptions, level, branching: false, full, path };
    let allowed = ks;
    if (bound !== undefined && preemptions >= bound && cont.includes(true)) {
      allowed = ks.filter((_, i) => cont[i]);
      stats.overBound += ks.length - allowed.length;
      // Every ancestor's current subtree is now incomplete: none of them may enter a sleep set.
      for (let d = stack.length - 1; d >= 0 && !stack[d]!.subtreeCut; d--) stack[d]!.subtreeCut = true;
    }
    let cands = ordered(n, allowed.filter((k) => !n.sleep.has(k)));
    if (!cands.length) throw new Pruned('sleep');
    n.branching = cands.length > 1;
    // Deal out the first branching node at the split level (one per path).
    if (o.split && level === o.split.level && n.branching) {
      cands = cands.filter((k) => owned(path, k));
      if (!cands.length) throw new Pruned('owner');
    }
    n.backtrack = new Set(n.full ? cands : [cands[0]!]);
    n.done.push(cands[0]!);
    return n;
  }

  /** The sleep set of the node after `n` once its current choice ran with footprint `fp`. */
  function childSleep(n: Node, fp: Footprint): Map<string, Footprint> {
    const out = new Map<string, Footprint>();
    if (reduction === 'none') return out;
    for (const [k, f] of n.sleep) if (!dependent(f, fp)) out.set(k, f);
    const cur = n.done[n.done.length - 1];
    for (const k of n.done) {
      if (k === cur || !n.clean.has(k)) continue;
      const f = n.fps.get(k)!;
      if (!dependent(f, fp)) out.set(k, f);
    }
    return out;
  }

  /** Happens-before over the run (dependence, the send that made a message, channel FIFO), and a
   * backtrack point for each race: j could have run before i. */
  function addRaceBacktracks(): void {
    const n = events.length;
    const words = (n + 31) >>> 5;
    const hb: Uint32Array[] = [];
    const has = (set: Uint32Array, i: number) => (set[i >>> 5]! & (1 << (i & 31))) !== 0;
    for (let j = 0; j < n; j++) {
      const e = events[j]!;
      const deps: number[] = [];
      for (let i = 0; i < j; i++) if (dependent(events[i]!.fp, e.fp)) deps.push(i);
      const preds = [...deps, ...[e.cause, e.prev].filter((p) => p >= 0)];
      const set = new Uint32Array(words);
      for (const p of preds) {
        const hp = hb[p]!;
        for (let w = 0; w < words; w++) set[w]! |= hp[w]!;
        set[p >>> 5]! |= 1 << (p & 31);
      }
      hb.push(set);
      for (const i of deps) {
        if (i === e.cause || i === e.prev) continue;
        if (preds.some((p) => p !== i && has(hb[p]!, i))) continue;
        const node = stack[i]!;
        if (node.full) continue;
        // v: what ran after i and does not depend on it, then j; its initials can go first at i.
        const v: number[] = [];
        for (let k = i + 1; k < j; k++) if (!has(hb[k]!, i)) v.push(k);
        v.push(j);
        const initials = v.filter((k) => !v.some((k2) => k2 < k && has(hb[k]!, k2))).map((k) => events[k]!.key);
        if (initials.some((k) => node.backtrack.has(k))) continue;
        const pick = initials.find((k) => !node.sleep.has(k) && node.keys.includes(k));
        if (pick) node.backtrack.add(pick);
        else if (!initials.some((k) => node.sleep.has(k))) for (const k of node.keys) node.backtrack.add(k);
      }
    }
  }

  return {
    name: 'dfs',
    stats,
    reduction,
    beginRun() {
      keys.reset();
      events = [];
      eventOfStep = new Map();
      lastOnChannel = new Map();
      lastStep = null;
      preemptions = 0;
      pendingSleep = new Map();
      aborted = false;
      dealt = false;
    },
    pick(enabled, step) {
      const ks = enabled.map((m) => keys.key(m));
      let node = stack[step];
      if (node) {
        if (node.keys.length !== ks.length || node.keys.some((k, i) => k !== ks[i])) {
          throw new Error(`dfs: the run diverged from its recorded prefix at step ${step} (a nondeterministic model?)`);
        }
      } else {
        try {
          node = newNode(enabled, ks);
        } catch (e) {
          if (e instanceof Pruned) {
            aborted = true;
            if (e.why === 'sleep') stats.blocked++;
            else stats.foreign++;
          }
          throw e;
        }
        stack.push(node);
      }
      // Past the node dealt out, the run is this job's: on its first pass and on every replay of
      // that prefix (F11 of issue 29: the replays were counted as foreign, so a shard never
      // reached --schedules).
      if (o.split && node.level === o.split.level && node.branching) dealt = true;
      const i = ks.indexOf(node.done[node.done.length - 1]!);
      if (isPreemption(enabled, enabled[i]!, lastStep)) preemptions++;
      return i;
    },
    observe(ev: TraceEvent) {
      const j = events.length;
      lastStep = ev.step;
      const node = stack[j]!;
      const key = node.done[node.done.length - 1]!;
      const fp = footprint(ev.to, ev.effects);
      node.fps.set(key, fp);
      const ch = channelOf({ from: ev.from, to: ev.to, event: { type: ev.event, ...ev.args } });
      const prev = o.reorder ? -1 : (lastOnChannel.get(ch) ?? -1);
      lastOnChannel.set(ch, j);
      events.push({ key, fp, cause: ev.cause === null ? -1 : (eventOfStep.get(ev.cause) ?? -1), prev });
      eventOfStep.set(ev.step, j);
      if (j + 1 >= stack.length) pendingSleep = childSleep(node, fp);
    },
    get mine() {
      return !o.split || dealt || o.split.owner === 0;
    },
    endRun() {
      if (!aborted) stats.schedules++;
      if (reduction === 'dpor') addRaceBacktracks();
      while (stack.length) {
        const n = stack[stack.length - 1]!;
        const cur = n.done[n.done.length - 1]!;
        const splitAbove = !!o.split && bound !== undefined && n.level <= o.split.level;
        if (!n.subtreeCut && !splitAbove) n.clean.add(cur);
        const next = ordered(n, n.backtrack).find((k) => !n.done.includes(k) && !n.sleep.has(k));
        if (next) {
          n.done.push(next);
          n.subtreeCut = false;
          return true;
        }
        const asleep = n.keys.filter((k) => n.sleep.has(k)).length;
        stats.asleep += asleep;
        if (reduction === 'dpor' && !n.full) stats.unraced += n.keys.length - asleep - n.done.length;
        stack.pop();
        // A parent whose child subtree was cut stays cut (set when the cut happened).
      }
      stats.exhausted = true;
      return false;
    },
  };
}
