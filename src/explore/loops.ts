// The search loops of `explore`, one per algorithm, each on the Explorer (explorer.ts) that keeps
// what they find: seeds (random, pct: one schedule per seed), the stateless dfs (the strategy
// walks the schedule tree, re-running from the start) and the stateful dfs (stateful.ts walks the
// state graph with undo). Each returns whether its share of the space is exhausted.
import type { DfsStrategy } from '../scheduler/dfs.ts';
import type { ExploringStrategy } from '../scheduler/exploring.ts';
import type { ActorView, TraceEvent, Transport } from '../runtime/types.ts';
import type { Choice } from '../runtime/run.ts';
import type { Violation } from '../oracles/types.ts';
import type { ActorHost } from '../runtime/host.ts';
import { Explorer, type Judged } from './explorer.ts';
import { scheduleOnce } from './schedule.ts';
import { bitstateStore, DEFAULT_HASHES } from './bitstate.ts';
import { canonicalOf } from '../engine/canonical.ts';
import { statefulSearch, type Leaf, type Split, type StatefulStats } from './stateful.ts';

export const DEFAULT_SCHEDULES = 1000;

export interface Share {
  owner: number;
  owners: number;
  split?: Split;
}

type Counting = ExploringStrategy & { preemptions: number };

/** random, pct: schedule i runs seed X+i; this share runs every owners-th schedule. */
export async function seedLoop(ex: Explorer, strategy: Counting, share: Share): Promise<boolean> {
  const o = ex.o;
  const total = o.schedules ?? (o.seconds === undefined ? DEFAULT_SCHEDULES : Infinity);
  for (let i = share.owner; i < total && !ex.stopped(); i += share.owners) {
    // Strategies spread their own seeds (mixSeed).
    const seed = o.seed + i;
    const r = await ex.surviving(() => ex.runSim(strategy, seed));
    strategy.endRun?.();
    if (r) await ex.judged(Explorer.ofSim(r, strategy.preemptions), i, seed);
    else ex.schedules++;
  }
  return false;
}

/** The stateless dfs: run after run until the strategy has nothing left. */
export async function dfsLoop(ex: Explorer, strategy: Counting & DfsStrategy, share: Share): Promise<boolean> {
  const limit = ex.o.schedules === undefined ? Infinity : Math.ceil(ex.o.schedules / share.owners);
  while (!ex.stopped() && ex.schedules < limit) {
    const { result, more } = await scheduleOnce(strategy, () => ex.runSim(strategy));
    if (result && strategy.mine) await ex.judged(Explorer.ofSim(result, strategy.preemptions), ex.schedules, 0);
    else {
      ex.pruned++;
      await ex.breathe();
    }
    if (!more) return true;
  }
  return false;
}

/** The stateful dfs: each leaf (a run to an end, or to a state explored before) comes judged. */
export async function statefulLoop(ex: Explorer, share: Share, por = false): Promise<StatefulStats> {
  const o = ex.o;
  ex.deferShrinks = true;
  const limit = o.schedules === undefined ? undefined : Math.ceil(o.schedules / share.owners);
  const onLeaf = (leaf: Leaf) => ex.judged(new JudgedLeaf(leaf), ex.schedules, 0, false);
  const transport = ex.covHost ? mirrored(ex.transport, ex.covHost) : ex.transport;
  const bitstate = o.bitstate === undefined ? undefined : bitstateStore(o.bitstate, DEFAULT_HASHES, o.member ?? 0);
  const specs = ex.world.specs;
  const canonical = o.symmetry ? (canonicalOf(o.scenario, ex.world, (i) => transport.stateText!(specs[i]!.id)) ?? undefined) : undefined;
  const states = await statefulSearch({ specs, transport, canonical, maxSteps: o.maxSteps, reorder: o.reorder, split: share.split, shared: o.visited ? { table: o.visited } : undefined, store: o.store, bitstate, order: o.member, por, limit, stop: () => ex.stopped(), onLeaf });
  await ex.shrinkDeferred();
  return states;
}

/** A leaf as the Explorer judges runs (methods, not a closure per leaf: a search makes millions). */
class JudgedLeaf implements Judged {
  readonly steps: number;
  readonly ended: boolean;
  readonly views: ActorView[];
  readonly objects: Judged['objects'];
  readonly oracles: Judged['oracles'];
  readonly preemptions: number;

  constructor(private readonly leaf: Leaf) {
    this.steps = leaf.steps;
    this.ended = !leaf.cut;
    this.views = leaf.views ?? [];
    this.objects = leaf.objects?.states() ?? null;
    this.oracles = leaf.oracles;
    this.preemptions = leaf.preemptions;
  }

  trace(): TraceEvent[] {
    return this.leaf.trace();
  }

  choices(): Choice[] {
    return this.leaf.choices();
  }

  violations(): Violation[] {
    return this.leaf.violations();
  }
}

/** A stateful search on another thread, with every delivery and undo done again on an inline host
 * whose inspection events give the coverage (each transition runs once: no run is replayed). */
function mirrored(t: Transport, host: ActorHost): Transport {
  return {
    ...t,
    start: async (specs) => {
      host.start(specs);
      return t.start(specs);
    },
    deliver: async (msg) => {
      const d = await t.deliver(msg);
      host.deliver(msg.to, msg.event, msg.from);
      return d;
    },
    journal: async (on) => {
      host.setJournal(on);
      await t.journal!(on);
    },
    undo: async (receivers) => {
      host.undo(receivers.length);
      await t.undo!(receivers);
    },
  };
}
