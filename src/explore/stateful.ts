// dfs with state caching: a stateful depth-first search over the world's global states, as SPIN,
// TLC and Java PathFinder do (G. J. Holzmann, "The Model Checker SPIN", IEEE TSE 23(5), 1997).
// A global state is every actor's snapshot (value and context) and every message in flight; a
// delivery is a transition. Each state is expanded once: a run that reaches a state seen before
// stops there, since everything after it has been explored already. Many schedules meet in one
// state (deliveries that commute, one thread's steps in either order against a DMA), so the search
// visits states, not schedules: exit-with-mmap's 2.7·10^34 interleavings are 12,013 states.
//
// It walks the engine's global state (src/engine/state.ts): interned actor states, the messages in
// flight, a 64-bit fingerprint updated by each delivery. Backtracking takes deliveries back instead
// of re-running the prefix: the engine restores ids; a transport without the table journals each
// receiver's snapshot before a delivery and restores it on undo (xstate snapshots are immutable).
//
// Sound for svmsim's oracles because each of them is a function of a step and the state before it
// (KASAN: an access to an object the contexts hold as freed; BUG_ON; isolation) or of the end state
// (kmemleak, stuck): the first run to reach a state judged every step after it. A run cut at a
// state seen before is judged for its steps only (`cut`: no end-of-run oracle).
import { Knowledge } from '../engine/dependence.ts';
import { GlobalState } from '../engine/state.ts';
import { judge, judgeEnd, judgeStep, judgeTrace } from '../oracles/index.ts';
import { ORACLES, type OracleName, type Violation } from '../oracles/types.ts';
import type { Choice } from '../runtime/run.ts';
import { ObjectTable } from '../trace/objects.ts';
import { channelOf, type ActorSpec, type ActorView, type Message, type TraceEvent, type Transport } from '../runtime/types.ts';
import { ampleSet } from './ample.ts';
import { END, GraphRecorder, ROOT, type StateGraph } from './graph.ts';
import { localStore, sharedStore, type StateStore } from './visited.ts';
import type { BitstateStats, BitstateStore } from './bitstate.ts';
import { fnv1a } from '../hash.ts';
import type { Canonical } from '../engine/canonical.ts';

/** One run of the search: from the start to an end state, or to a state explored before. Its
 * steps were judged as the search took them (each transition once); its end, if it has one, too. */
export interface Leaf {
  /** Copies of the run's trace and choices, made when asked for (during onLeaf: the search goes on
   * from there once it returns). */
  trace(): TraceEvent[];
  choices(): Choice[];
  quiescent: boolean;
  steps: number;
  /** Stopped at a state explored before: its steps were judged, it has no end. */
  cut: boolean;
  /** The actors at the end (complete runs only). */
  views: ActorView[] | null;
  /** The objects at the end (alive, counts; complete runs only). */
  objects: ObjectTable | null;
  /** Context switches, as countingPreemptions counts them. */
  preemptions: number;
  /** Cut at a state still on the search's stack: the path is a lasso, and `choices[lasso..]` is a
   * cycle of the state graph that returns to the state after `choices[..lasso]` (the livelock
   * oracle, src/oracles/livelock.ts, reports it). */
  lasso?: number;
  /** The oracles that fired on this run; and what they found, as judge() reports it (judged
   * again when asked for, during onLeaf). */
  oracles: readonly OracleName[];
  violations(): Violation[];
}

export interface StatefulStats {
  /** Distinct global states expanded, and deliveries run (each a transition between two). */
  states: number;
  transitions: number;
  /** Runs that reached an end state, and runs cut at a state explored before. */
  complete: number;
  revisits: number;
  /** Branches left to other jobs (`--jobs`, `--shard`). */
  foreign: number;
  /** Runs that reached `maxSteps` with messages still in flight: the search ends them there. */
  capped: number;
  /** Schedules (start to end) that pass through the states explored: every interleaving the search
   * stands for. Infinity if the state graph has a cycle. With a shared visited set, 0 here: the
   * jobs' graphs, merged, count them (schedulesOf). */
  paths: number;
  exhausted: boolean;
  /** States not expanded because the visited set was at its bound (the search is then not exhaustive). */
  unstored?: number;
  /** Bytes the visited set takes. */
  visitedBytes?: number;
  /** Of `states`, those walked above the split without matching (every job walks them). */
  top?: number;
  /** With a shared visited set: the state graph this job recorded (not part of a summary). */
  graph?: StateGraph;
  /** A bitstate search's bit array and coverage (StatefulOptions.bitstate). */
  bitstate?: BitstateStats;
  /** The partial-order reduction (StatefulOptions.por): states expanded with an ample set (a
   * proper subset of what was enabled), of those the cycle proviso expanded fully after all, and
   * the quiet learning passes made before this one (each stopped when something learned would
   * have changed a reduction it had made: ample.ts). */
  por?: { reduced: number; proviso: number; passes: number };
  /** Symmetry (StatefulOptions.canonical): the classes of interchangeable processes and the
   * permutations each state was hashed under. */
  symmetry?: { classes: string[][]; perms: number };
}

/** See StatefulOptions.split. The top of the tree is walked in the same order by every job, so
 * its dealt nodes form one sequence: `after` and `until` cut a job's share to the dealt nodes
 * after the one at path `after` and up to the one at path `until` (a campaign job whose subtree
 * turned out large hands what follows its current node on: src/distributed). The search notes in
 * `at` the last dealt node it took its share of. */
export interface Split {
  owner: number;
  owners: number;
  level: number;
  after?: string;
  until?: string;
  at?: string;
}

export interface StatefulOptions {
  specs: ActorSpec[];
  transport: Transport;
  maxSteps: number;
  reorder: boolean;
  /** Share the search among `owners` jobs: the schedule tree is walked without caching down to
   * `level` branching nodes, whose branches are dealt out by a hash of their path; each job
   * searches its own subtrees statefully. */
  split?: Split;
  /** One visited set for the jobs of this process (visited.ts): a state is expanded by whichever
   * job claims it first; the others cut there. The search then records its state graph (graph.ts)
   * instead of counting schedules itself. */
  shared?: { table: SharedArrayBuffer };
  /** Another visited set (one shared through a server); like `shared`, the search records its graph. */
  store?: StateStore;
  /** A bitstate visited set (bitstate.ts): states have no ids, so no graph, no schedule count and
   * no cycle seen on the stack (a revisit is a cut); never exhausted. */
  bitstate?: BitstateStore;
  /** A swarm member's order (Holzmann, Joshi and Groce, "Swarm verification", ASE 2008): the
   * deliveries from each state are tried in an order this seed permutes (0: the natural order). */
  order?: number;
  /** Bound of this search's own visited set (states). */
  maxStates?: number;
  /** Runs (complete or cut) to stop after. */
  limit?: number;
  /** Partial-order reduction (ample.ts): expand an ample set where one is sound. Searches of one
   * job only (no `shared`, no `store`): with a visited set other jobs fill, it is off (the stack
   * proviso needs the whole stack that reaches a state, which another job's search does not show). */
  por?: boolean;
  /** Symmetry (src/engine/canonical.ts): states are matched by their orbit's least fingerprint,
   * so one state of each orbit is expanded. */
  canonical?: Canonical;
  stop?: () => boolean;
  /** Called with every run; may answer at once (no promise), which keeps the search synchronous. */
  onLeaf: (leaf: Leaf) => Promise<void> | void;
}

interface Frame {
  /** The state's number, or -1 above the split (not matched: see StatefulOptions.split). */
  id: number;
  /** The messages to deliver from here (this job's share, if dealt), of `of` deliverable. */
  opts: Message[];
  all: Message[];
  next: number;
  depth: number;
  level: number;
  /** Below the split: states are matched. Dealt: this node's branches were shared out. */
  cached: boolean;
  dealt: boolean;
  path: string;
  paths: number;
  /** The actor whose deliveries `opts` is (an ample set), or -1: every enabled one. */
  ample: number;
}

const NONE: readonly OracleName[] = [];
const NO_VIEWS: ActorView[] = [];

/** A leaf of the search, as onLeaf sees it: the path's state now, copied only when asked. */
class LeafRun implements Leaf {
  readonly quiescent: boolean;
  readonly steps: number;
  readonly cut: boolean;
  readonly preemptions: number;
  readonly oracles: readonly OracleName[];

  constructor(
    private readonly g: GlobalState,
    readonly views: ActorView[] | null,
    readonly objects: ObjectTable | null,
    private readonly bits: number,
    private readonly maxSteps: number,
    readonly lasso: number | undefined,
  ) {
    this.quiescent = g.pending === 0;
    this.steps = g.choices.length;
    this.cut = views === null;
    this.preemptions = g.preempted[this.steps]!;
    this.oracles = bits ? ORACLES.filter((_, i) => bits & (1 << i)) : NONE;
  }

  trace(): TraceEvent[] {
    return this.g.trace.slice();
  }

  choices(): Choice[] {
    return this.g.choices.slice();
  }

  /** What fired, judged whole for the report's names and steps. */
  violations(): Violation[] {
    return this.bits ? judge({ trace: this.trace(), views: this.views ?? [], quiescent: this.quiescent, cut: this.cut, lasso: this.lasso }, this.maxSteps).violations : [];
  }
}
function bitsOf(vs: Violation[]): number {
  let b = 0;
  for (const v of vs) b |= 1 << ORACLES.indexOf(v.oracle);
  return b;
}

/** Frames are pushed, expanded one option at a time, and popped with their schedule counts. */
class Search {
  readonly stats: StatefulStats = { states: 0, transitions: 0, complete: 0, revisits: 0, foreign: 0, capped: 0, paths: 0, exhausted: false, top: 0 };
  readonly g: GlobalState;
  readonly stack: Frame[] = [];
  /** With a shared set, a state's schedules are counted on the jobs' graphs merged (graph.ts);
   * alone, here, on the way back up (pathsOf: NaN while the state is on the stack). */
  readonly graph: GraphRecorder | null;
  private readonly store: StateStore;
  private readonly pathsOf: number[] = [];
  /** With a shared set: the ids of the states on this job's stack (alone, pathsOf's NaN says it). */
  private readonly onStack = new Set<number>();
  cyclic = false;
  /** Where the walk is against split.after / split.until: before, in or past this job's run of
   * dealt nodes. */
  private region: 'before' | 'in' | 'past';
  /** The objects along the path, and per depth: the table's mark, and the oracles that fired on
   * the path so far (a bit per ORACLES entry; the run is judged again, with names, when asked). */
  readonly objects: ObjectTable;
  private readonly marks: number[] = [];
  private readonly fired: number[] = [];
  private readonly found: Violation[] = [];
  private readonly ends: Violation[] = [];

  /** What the reduction knows (null: no reduction), the actors it has picked ample sets of in
   * this search, and whether something learned since would have changed one of them. A quiet
   * search (the reduction's learning passes) judges nothing and reports no run. */
  private readonly k: Knowledge | null;
  private readonly chosen = new Set<number>();
  invalid = false;
  readonly por = { reduced: 0, proviso: 0 };

  constructor(
    private readonly o: StatefulOptions,
    k: Knowledge | null,
    private readonly quiet = false,
  ) {
    this.g = new GlobalState(o.transport, o.reorder);
    this.k = k;
    this.g.knowledge = k;
    if (k) k.onLearn = (ch, key) => this.learnt(ch, key);
    const split = o.split;
    this.store = o.bitstate ?? o.store ?? (o.shared ? sharedStore(o.shared.table, split?.owner ?? 0, split?.owners ?? 1) : localStore(o.maxStates));
    this.graph = o.shared || o.store ? new GraphRecorder() : null;
    this.objects = new ObjectTable(this.g.trace, true);
    this.region = o.split?.after === undefined ? 'in' : 'before';
  }

  /** Something new is known about channel `ch` (a channel it sends on, or a key): a reduction made
   * without it may have been wrong. A new send can widen what may run before an actor picked, or
   * give it a delivery; a new key matters where it clashes with a channel to another actor, one of
   * the two actors picked (ample.ts compares the channels to the actor picked with the rest). */
  private learnt(ch: number, key: string): void {
    if (this.invalid || !this.chosen.size) return;
    if (!key) {
      this.invalid = true;
      return;
    }
    const k = this.k!;
    const r = k.receiver[ch]!;
    const w = k.foot[ch]!.get(key)!;
    for (let d = 0; d < k.nodes; d++) {
      const rd = k.receiver[d]!;
      if (rd !== r && (this.chosen.has(r) || this.chosen.has(rd)) && k.clashes(d, key, w)) {
        this.invalid = true;
        return;
      }
    }
  }

  /** C3, the cycle proviso: a frame whose ample set closed a cycle on the stack is expanded fully
   * (its other enabled deliveries follow the ones it has). */
  private expandFully(f: Frame): void {
    if (f.ample < 0) return;
    this.por.proviso++;
    f.opts = [...f.opts, ...f.all.filter((m) => !f.opts.includes(m))];
    f.ample = -1;
  }

  /** Past `until` once the walk is above the split again after dealing that node. */
  private pastUntil(): void {
    const split = this.o.split;
    if (this.region === 'in' && split?.until !== undefined && split.at === split.until) this.region = 'past';
  }

  /** After boot: the objects the actors start with, judged as steps. */
  booted(): void {
    const found: Violation[] = [];
    for (const ev of this.g.trace) judgeStep(ev, this.objects, found);
    this.marks[0] = this.objects.mark;
    this.fired[0] = bitsOf(found);
  }

  /** The path is back at `depth` deliveries: so are its objects. */
  backTo(depth: number): void | Promise<void> {
    this.objects.undoTo(this.marks[depth]!);
    return this.g.undoTo(depth);
  }

  /** Deliver one of the frame's options and judge the new step. */
  step(f: Frame): void | Promise<void> {
    const r = this.g.deliver(f.opts[f.next++]!, f.all);
    return r ? r.then(() => this.judgeLast()) : this.judgeLast();
  }

  private judgeLast(): void {
    const { g } = this;
    this.stats.transitions++;
    if (this.quiet) return;
    const found = this.found;
    found.length = 0;
    judgeStep(g.trace[g.trace.length - 1]!, this.objects, found);
    this.marks[g.depth] = this.objects.mark;
    this.fired[g.depth] = this.fired[g.depth - 1]! | bitsOf(found);
  }

  get visitedBytes(): number {
    return this.store.bytes;
  }

  get runs(): number {
    return this.stats.complete + this.stats.revisits;
  }

  /** A run ends here: a cut one at once (no promise unless onLeaf makes one), a complete one once
   * the transport has said where its actors are. */
  private leaf(cut: boolean, lasso?: number): void | Promise<void> {
    if (this.quiet) {
      if (cut) this.stats.revisits++;
      else this.stats.complete++;
      return;
    }
    if (cut) {
      this.stats.revisits++;
      return this.judgedLeaf(null, lasso);
    }
    this.stats.complete++;
    const t = this.o.transport;
    return t.viewsNow ? this.judgedLeaf(t.viewsNow()) : t.views().then((views) => this.judgedLeaf(views));
  }

  private judgedLeaf(views: ActorView[] | null, lasso?: number): void | Promise<void> {
    const { g, o } = this;
    const ends = this.ends;
    ends.length = 0;
    const run = { trace: g.trace, views: views ?? NO_VIEWS, quiescent: g.pending === 0, cut: views === null, lasso };
    if (views) judgeEnd(run, this.objects, o.maxSteps, ends);
    judgeTrace(run, this.objects, o.maxSteps, ends);
    return o.onLeaf(new LeafRun(g, views, views ? this.objects : null, this.fired[g.depth]! | bitsOf(ends), o.maxSteps, lasso));
  }

  /** The path has just reached a state: cut there, end there, or push it to be expanded. */
  reach(parent: Frame | null): void | Promise<void> {
    const { g, stats, graph, o } = this;
    const split = o.split;
    const depth = g.depth;
    const cached = !split || (!!parent && (parent.cached || parent.dealt));
    let id = -1;
    if (cached) {
      const claimed = this.store.claim(o.canonical ? o.canonical.key(g) : g.fp);
      if (claimed.full) stats.unstored = (stats.unstored ?? 0) + 1;
      id = claimed.id;
      if (id >= 0) graph?.add(parent && parent.id >= 0 ? parent.id : ROOT, id);
      if (!claimed.fresh) {
        if (id >= 0 && (graph ? this.onStack.has(id) : Number.isNaN(this.pathsOf[id]!))) {
          if (parent) this.expandFully(parent);
          // A state on the stack closes a cycle: where it was reached starts the lasso's loop.
          // (With a shared set, a cycle through states another job expanded is not seen here:
          // the merged graph shows it, and parallel.ts looks for its lasso.)
          this.cyclic = true;
          return this.leaf(true, this.stack.find((f) => f.id === id)?.depth);
        }
        if (!graph && id >= 0) parent!.paths += this.pathsOf[id]!;
        return this.leaf(true);
      }
      if (!graph && id >= 0) this.pathsOf[id] = NaN;
    }
    stats.states++;
    if (!cached) stats.top!++;
    // What can be delivered here: asked only of a state to expand (most arrivals are cuts).
    const opts = g.enabled();
    if (!opts.length || depth >= o.maxSteps) return this.end(parent, id, cached, opts.length > 0);
    const level = parent ? parent.level + (parent.all.length > 1 ? 1 : 0) : 0;
    const last = g.choices[g.choices.length - 1];
    // The path names a node for dealing its branches out: only above the split.
    const path = split && !cached && parent && last ? `${parent.path}/${last.ch}:${last.k}` : '';
    let mine = opts;
    let ample = -1;
    if (this.k && cached && opts.length > 1) {
      const a = ampleSet(g, this.k, opts, o.reorder);
      if (a) {
        mine = a.set;
        ample = a.actor;
        this.chosen.add(ample);
        this.por.reduced++;
      }
    }
    const dealt = !!split && !cached && level === split.level && opts.length > 1;
    if (dealt) {
      this.pastUntil();
      const inside = this.region === 'in';
      if (inside) split.at = path;
      if (this.region === 'before' && path === split.after) this.region = 'in';
      mine = !inside ? [] : opts.filter((m) => fnv1a(`${path}|${channelOf(m)}#${m.seq}`) % split.owners === split.owner);
      stats.foreign += opts.length - mine.length;
    }
    if (o.order) mine = permuted(mine, o.order);
    if (graph && id >= 0) this.onStack.add(id);
    this.stack.push({ id, opts: mine, all: opts, next: 0, depth, level, cached, dealt, path, paths: 0, ample });
  }

  /** An end state (or the step bound): one schedule. */
  private end(parent: Frame | null, id: number, cached: boolean, capped: boolean): void | Promise<void> {
    const { stats, graph, o } = this;
    if (capped) stats.capped++;
    // Above the split every job walks the same runs: job 0 reports them.
    if (!cached) this.pastUntil();
    const mine = cached || !o.split || (o.split.owner === 0 && this.region === 'in');
    if (id >= 0 && !graph) this.pathsOf[id] = 1;
    if (graph) {
      if (id >= 0) graph.add(id, END);
      else if (mine) graph.top++;
    }
    if (!mine) return;
    if (parent) parent.paths += 1;
    else stats.paths = 1;
    return this.leaf(false);
  }

  /** A frame whose options are all explored: its schedules go to its parent. */
  pop(): void {
    const f = this.stack.pop()!;
    if (this.graph) this.onStack.delete(f.id);
    else if (f.id >= 0) this.pathsOf[f.id] = f.paths;
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.paths += f.paths;
    else this.stats.paths = f.paths;
  }
}

export async function statefulSearch(o: StatefulOptions): Promise<StatefulStats> {
  const { transport } = o;
  if (!transport.journal || !transport.undo) throw new Error(`the ${transport.name} transport cannot take deliveries back (no journal)`);
  // The reduction learns afresh in each search (the same search makes the same reductions, whatever
  // ran before in this process). Its learning passes are quiet and each runs to its end (learning
  // all it meets, also after it has learned what makes a reduction it made wrong); a pass that
  // learned nothing that would have changed a reduction it made leaves the knowledge complete for
  // the search it made (every delivery that search ran is known, and each reduction passed C1
  // against all of it), and the counting pass makes the same search again, judging and reporting
  // every run. Why that search is sound: docs/guide/reductions.md.
  const k = o.por && !o.shared && !o.store ? new Knowledge(o.specs) : null;
  if (!k) return searchOnce(new Search(o, null), o);
  let passes = 1;
  for (; ; passes++) {
    const learning = new Search(o, k, true);
    const stats = await searchOnce(learning, o);
    if (!learning.invalid) break;
    if (stats.unstored || o.stop?.()) break;
  }
  const s = new Search(o, k);
  const stats = await searchOnce(s, o);
  if (s.invalid) throw new Error('partial-order reduction: the counting pass learned what its learning pass had not (a delivery that is not a function of its receiver and message?)');
  stats.por = { ...s.por, passes };
  return stats;
}

async function searchOnce(s: Search, o: StatefulOptions): Promise<StatefulStats> {
  const { transport } = o;
  const { g, stack, stats } = s;
  await transport.journal!(true);
  try {
    await g.boot(o.specs);
    s.booted();
    await s.reach(null);
    while (stack.length) {
      if (o.stop?.() || (o.limit !== undefined && s.runs >= o.limit)) break;
      const f = stack[stack.length - 1]!;
      if (f.next >= f.opts.length) {
        s.pop();
        continue;
      }
      const back = s.backTo(f.depth);
      if (back) await back;
      const step = s.step(f);
      if (step) await step;
      const reach = s.reach(f);
      if (reach) await reach;
    }
    stats.exhausted = !stack.length && !stats.unstored && !o.bitstate;
    stats.visitedBytes = s.visitedBytes;
    if (o.canonical) stats.symmetry = { classes: o.canonical.symmetry.classes, perms: o.canonical.symmetry.perms.length };
    if (s.cyclic) stats.paths = Infinity;
    if (o.bitstate) {
      stats.bitstate = o.bitstate.stats();
      stats.paths = NaN;
    }
    if (s.graph) {
      stats.paths = 0;
      stats.graph = s.graph.graph();
    }
    return stats;
  } finally {
    await transport.journal!(false);
  }
}

/** The deliveries in a swarm member's order: sorted by a hash of the member's seed and each
 * message's channel and number (the same order whenever the same messages are deliverable). */
function permuted(opts: Message[], order: number): Message[] {
  const key = new Map(opts.map((m) => [m, fnv1a(`${order}|${channelOf(m)}#${m.seq}`)]));
  return [...opts].sort((a, b) => key.get(a)! - key.get(b)!);
}
