// dfs with state caching: a stateful depth-first search over the world's global states, as SPIN,
// TLC and Java PathFinder do (G. J. Holzmann, "The Model Checker SPIN", IEEE TSE 23(5), 1997).
// A global state is every actor's snapshot (value and context) and every message in flight; a
// delivery is a transition. Each state is expanded once: a run that reaches a state seen before
// stops there, since everything after it has been explored already. Many schedules meet in one
// state (deliveries that commute, one thread's steps in either order against a DMA), so the search
// visits states, not schedules: exit-with-mmap's 2.7·10^34 interleavings are 12,013 states.
//
// Backtracking takes deliveries back instead of re-running the prefix: the transport journals each
// receiver's snapshot before a delivery and restores it on undo (xstate snapshots are immutable).
//
// Sound for svmsim's oracles because each of them is a function of a step and the state before it
// (KASAN: an access to an object the contexts hold as freed; BUG_ON; isolation) or of the end state
// (kmemleak, stuck): the first run to reach a state judged every step after it. A run cut at a
// state seen before is judged for its steps only (`cut`: no end-of-run oracle).
import { createHash } from 'node:crypto';
import { boot, traceEvent, type Choice } from '../runtime/run.ts';
import { isPreemption } from '../scheduler/preemption.ts';
import { channelOf, type ActorSpec, type ActorView, type Delivery, type Message, type TraceEvent, type Transport } from '../runtime/types.ts';
import { END, GraphRecorder, ROOT, type StateGraph } from './graph.ts';
import { localStore, sharedStore } from './visited.ts';

/** One run of the search: from the start to an end state, or to a state explored before. */
export interface Leaf {
  trace: TraceEvent[];
  choices: Choice[];
  quiescent: boolean;
  steps: number;
  /** Stopped at a state explored before: judge its steps, not its end. */
  cut: boolean;
  /** The actors at the end (complete runs only). */
  views: ActorView[] | null;
  /** Context switches, as countingPreemptions counts them. */
  preemptions: number;
  /** Cut at a state still on the search's stack: the path is a lasso, and `choices[lasso..]` is a
   * cycle of the state graph that returns to the state after `choices[..lasso]` (the livelock
   * oracle, src/oracles/livelock.ts, reports it). */
  lasso?: number;
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
  /** Of `states`, those walked above the split without matching (every job walks them). */
  top?: number;
  /** With a shared visited set: the state graph this job recorded (not part of a summary). */
  graph?: StateGraph;
}

export interface StatefulOptions {
  specs: ActorSpec[];
  transport: Transport;
  maxSteps: number;
  reorder: boolean;
  /** Share the search among `owners` jobs: the schedule tree is walked without caching down to
   * `level` branching nodes, whose branches are dealt out by a hash of their path; each job
   * searches its own subtrees statefully. */
  split?: { owner: number; owners: number; level: number };
  /** One visited set for the jobs of this process (visited.ts): a state is expanded by whichever
   * job claims it first; the others cut there. The search then records its state graph (graph.ts)
   * instead of counting schedules itself. */
  shared?: { table: SharedArrayBuffer };
  /** Runs (complete or cut) to stop after. */
  limit?: number;
  stop?: () => boolean;
  onLeaf: (leaf: Leaf) => Promise<void> | void;
}

type Queues = Map<string, Message[]>;
interface Saved {
  queues: Queues;
  seq: number;
  pending: number;
  digests: Map<string, string>;
  trace: number;
}
interface Frame {
  /** The state's number, or -1 above the split (not matched: see StatefulOptions.split). */
  id: number;
  /** The messages to deliver from here (this job's share, if dealt), of `of` deliverable. */
  opts: Message[];
  all: Message[];
  next: number;
  depth: number;
  saved: Saved;
  level: number;
  /** Below the split: states are matched. Dealt: this node's branches were shared out. */
  cached: boolean;
  dealt: boolean;
  path: string;
  paths: number;
}

const cloneQueues = (q: Queues): Queues => {
  const out: Queues = new Map();
  for (const [ch, ms] of q) if (ms.length) out.set(ch, ms.slice());
  return out;
};

const fnv = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
};

export async function statefulSearch(o: StatefulOptions): Promise<StatefulStats> {
  const { transport, split } = o;
  if (!transport.journal || !transport.undo) throw new Error(`the ${transport.name} transport cannot take deliveries back (no journal)`);
  const stats: StatefulStats = { states: 0, transitions: 0, complete: 0, revisits: 0, foreign: 0, capped: 0, paths: 0, exhausted: false, top: 0 };
  // With a shared set, a state's schedules are counted on the jobs' graphs merged (graph.ts);
  // alone, here, on the way back up (pathsOf).
  const store = o.shared ? sharedStore(o.shared.table, split?.owner ?? 0, split?.owners ?? 1) : localStore();
  const graph = o.shared ? new GraphRecorder() : null;
  /** Schedules below each state, by id, once it is finished (NaN while it is on the stack). */
  const pathsOf: number[] = [];
  const eventJson = new WeakMap<Message, string>();

  // The current path's runtime state: what run.ts keeps for one schedule.
  let queues: Queues = new Map();
  let seq = 0;
  let pending = 0;
  let digests = new Map<string, string>();
  const trace: TraceEvent[] = [];
  const choices: Choice[] = [];
  const receivers: string[] = [];
  /** Preemptions on the path up to each depth. */
  const preempted: number[] = [0];

  const post = (from: string, d: Delivery, cause: number | null) => {
    digests.set(from, d.digest ?? '');
    for (const s of d.sends) {
      const m: Message = { seq: seq++, cause, from, to: s.to, event: s.event };
      const ch = channelOf(m);
      let q = queues.get(ch);
      if (!q) queues.set(ch, (q = []));
      q.push(m);
      pending++;
    }
  };
  const enabled = (): Message[] => {
    const out: Message[] = [];
    for (const q of queues.values()) {
      if (o.reorder) out.push(...q);
      else if (q.length) out.push(q[0]!);
    }
    return out.sort((a, b) => a.seq - b.seq);
  };
  /** The global state: every actor's digest and what is in flight on each channel, in order.
   * Not `seq` or `cause`: those name how a state was reached, not what it is. */
  const stateKey = (): Buffer => {
    const h = createHash('sha1');
    for (const d of digests.values()) h.update(`${d}\u0000`);
    for (const ch of [...queues.keys()].sort()) {
      const q = queues.get(ch)!;
      if (!q.length) continue;
      h.update(`\u0001${ch}`);
      for (const m of q) {
        let j = eventJson.get(m);
        if (j === undefined) eventJson.set(m, (j = JSON.stringify(m.event)));
        h.update(`\u0002${j}`);
      }
    }
    return h.digest();
  };
  const save = (): Saved => ({ queues: cloneQueues(queues), seq, pending, digests: new Map(digests), trace: trace.length });
  const restore = async (s: Saved, depth: number) => {
    if (receivers.length > depth) await transport.undo!(receivers.splice(depth).reverse());
    queues = cloneQueues(s.queues);
    seq = s.seq;
    pending = s.pending;
    digests = new Map(s.digests);
    trace.length = s.trace;
    choices.length = depth;
  };
  const deliver = async (msg: Message, all: Message[]) => {
    const lastStep = receivers.length ? trace[trace.length - 1]!.step : null;
    preempted[receivers.length + 1] = preempted[receivers.length]! + (isPreemption(all, msg, lastStep) ? 1 : 0);
    const ch = channelOf(msg);
    const q = queues.get(ch)!;
    const k = q.indexOf(msg);
    q.splice(k, 1);
    pending--;
    choices.push({ ch, k, of: all.length });
    receivers.push(msg.to);
    const d = await transport.deliver(msg);
    const ev = traceEvent(msg, d, trace.length);
    trace.push(ev);
    post(msg.to, d, ev.step);
    stats.transitions++;
  };
  const runs = () => stats.complete + stats.revisits;
  const leaf = async (cut: boolean, lasso?: number) => {
    if (cut) stats.revisits++;
    else stats.complete++;
    await o.onLeaf({ trace: trace.slice(), choices: choices.slice(), quiescent: pending === 0, steps: choices.length, cut, views: cut ? null : await transport.views(), preemptions: preempted[choices.length]!, ...(lasso !== undefined ? { lasso } : {}) });
  };

  const stack: Frame[] = [];
  let cyclic = false;
  /** The path has just reached a state: cut there, end there, or push it to be expanded. */
  const reach = async (parent: Frame | null) => {
    const depth = receivers.length;
    const cached = !split || (!!parent && (parent.cached || parent.dealt));
    const opts = enabled();
    let id = -1;
    if (cached) {
      const claimed = store.claim(stateKey());
      id = claimed.id;
      graph?.add(parent && parent.id >= 0 ? parent.id : ROOT, id);
      if (!claimed.fresh) {
        if (!graph) {
          const p = pathsOf[id]!;
          if (Number.isNaN(p)) cyclic = true;
          else parent!.paths += p;
          // Livelock hook: a state on the stack closes a cycle; where it was reached starts the lasso's loop.
          if (Number.isNaN(p)) return leaf(true, stack.find((f) => f.id === id)?.depth);
        }
        await leaf(true);
        return;
      }
      if (!graph) pathsOf[id] = NaN;
    }
    stats.states++;
    if (!cached) stats.top!++;
    if (!opts.length || depth >= o.maxSteps) {
      if (opts.length) stats.capped++;
      // Above the split every job walks the same runs: job 0 reports them.
      const mine = cached || !split || split.owner === 0;
      if (id >= 0 && !graph) pathsOf[id] = 1;
      if (graph) {
        if (id >= 0) graph.add(id, END);
        else if (mine) graph.top++;
      }
      if (mine) {
        if (parent) parent.paths += 1;
        else stats.paths = 1;
        await leaf(false);
      }
      return;
    }
    const level = parent ? parent.level + (parent.all.length > 1 ? 1 : 0) : 0;
    const last = choices[choices.length - 1];
    const path = parent && last ? `${parent.path}/${last.ch}:${last.k}` : '';
    let mine = opts;
    const dealt = !!split && !cached && level === split.level && opts.length > 1;
    if (dealt) {
      mine = opts.filter((m) => fnv(`${path}|${channelOf(m)}#${m.seq}`) % split.owners === split.owner);
      stats.foreign += opts.length - mine.length;
    }
    stack.push({ id, opts: mine, all: opts, next: 0, depth, saved: save(), level, cached, dealt, path, paths: 0 });
  };

  await transport.journal(true);
  try {
    await boot(transport, o.specs, trace, post);
    await reach(null);
    while (stack.length) {
      if (o.stop?.() || (o.limit !== undefined && runs() >= o.limit)) break;
      const f = stack[stack.length - 1]!;
      if (f.next >= f.opts.length) {
        stack.pop();
        if (f.id >= 0 && !graph) pathsOf[f.id] = f.paths;
        const parent = stack[stack.length - 1];
        if (parent) parent.paths += f.paths;
        else stats.paths = f.paths;
        continue;
      }
      if (f.next > 0) await restore(f.saved, f.depth);
      const m = f.opts[f.next++]!;
      await deliver(m, f.all);
      await reach(f);
    }
    stats.exhausted = !stack.length;
    if (cyclic) stats.paths = Infinity;
    if (graph) {
      stats.paths = 0;
      stats.graph = graph.graph();
    }
    return stats;
  } finally {
    await transport.journal(false);
  }
}
