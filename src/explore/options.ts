// What an exploration is asked to do: the world, the kernel variant, the strategy and its budget,
// where it reports. Its own module so that explore.ts (the composition) and explorer.ts (verdicts,
// counterexamples) both read it without importing each other.
import type { Variant } from '../variants/variants.ts';
import type { OracleName } from '../oracles/types.ts';
import type { TransportName } from '../engine/transports.ts';
import type { Transport } from '../runtime/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Reduction } from '../scheduler/dfs.ts';
import type { ExploreStrategyName } from '../scheduler/index.ts';
import type { Split } from './stateful.ts';
import type { StateStore } from './visited.ts';
import type { CoverageData } from './coverage.ts';
import type { Choice } from '../runtime/run.ts';

export interface ExploreOptions {
  scenario: Scenario;
  variant: Variant;
  strategy: ExploreStrategyName;
  /** Schedules in all (over every shard and job); unset: until `seconds`, or dfs's end. */
  schedules?: number;
  seconds?: number;
  seed: number;
  depth?: number;
  /** delay: the number of delays. */
  delays?: number;
  preemptionBound?: number;
  reduction?: Reduction;
  /** The stateful dfs matches states up to the world's symmetry (src/scenario/symmetry.ts), where
   * it has one: interchangeable processes are one state under a renaming. */
  symmetry?: boolean;
  /** The stateful dfs with a bitstate visited set of 2^bitstate bits (bitstate.ts): never exhausted,
   * its coverage reported. */
  bitstate?: number;
  /** A swarm member's seed: the bitstate hashes and the order of the deliveries from each state. */
  member?: number;
  maxSteps: number;
  transport: TransportName;
  /** inline: the transition table (default on); off runs every delivery's xstate code. */
  memo?: boolean;
  /** An open transport to use (and leave open) instead of making one; coverage then replays
   * each run on an inline host. */
  open?: Transport;
  reorder: boolean;
  /** Every schedule starts with these choices, exactly (`svmsim play`'s "explore from here"): the
   * strategy decides only after them. Seeded strategies only (the dfs searches walk from the start). */
  prefix?: Choice[];
  stopOnFirst?: boolean;
  /** Where schedule files go (none written without it). */
  out?: string;
  shrink?: boolean;
  /** This job's share: shard k of n (k from 1), job j of `jobs` (j from 0). */
  shard?: { k: number; n: number };
  job?: { j: number; jobs: number };
  /** The stateful search's visited set, shared with the other jobs of this process (visited.ts):
   * the result's dfs.states then holds this job's state graph, for the caller to merge. */
  visited?: SharedArrayBuffer;
  /** Another visited set for the stateful search (src/distributed: one in Redis), which then
   * records its state graph as with `visited`; and this job's share of the dfs tree, given
   * directly (a campaign deals it itself) instead of from `shard` and `job`. */
  store?: StateStore;
  split?: Split;
  /** Ctrl-C, or another job's --stop-on-first. */
  stop?: () => boolean;
  /** --stop-on-first: tell the other jobs. */
  halt?: () => void;
  /** With several jobs: whether this one writes the counterexample for an oracle (first come). */
  claim?: (oracle: OracleName) => boolean;
  onProgress?: (p: ProgressTick) => void;
  /** The run id each schedule file carries (the CLI's claim on its --out folder). */
  runId?: string;
}

/** What changed since the last tick (ticks come at most every 200 ms). */
export interface ProgressTick {
  schedules: number;
  endStates: string[];
  oracles: OracleName[];
  coverage: CoverageData;
}
