// Strategies by name, for the CLI: `run` takes one schedule (fifo, random); `explore` searches
// many (portfolio, guided, random, pct, delay, probabilistic, dfs).
import { BadInput } from '../variants/variants.ts';
import { delayBounding } from './delay.ts';
import { dfs, type DfsOptions } from './dfs.ts';
import type { ExploringStrategy } from './exploring.ts';
import { fifo } from './fifo.ts';
import { guided } from './guided.ts';
import { DEFAULT_DEPTH, pct } from './pct.ts';
import { portfolio } from './portfolio.ts';
import { probabilistic } from './probabilistic.ts';
import { random } from './random.ts';
import type { Strategy } from '../runtime/strategy.ts';

export const RUN_STRATEGIES = ['fifo', 'random'] as const;
export const EXPLORE_STRATEGIES = ['portfolio', 'guided', 'random', 'pct', 'delay', 'probabilistic', 'dfs'] as const;
/** What `explore` runs without --strategy (docs/results/benchmarks.md, The hunt: measured against every other). */
export const DEFAULT_EXPLORE_STRATEGY: ExploreStrategyName = 'portfolio';
/** delay: the number of delays without --delays. */
export const DEFAULT_DELAYS = 1;
/** Strategies that place change points or delays within a run's length (k: the fifo run's). */
export const NEEDS_STEPS: readonly ExploreStrategyName[] = ['pct', 'delay', 'portfolio', 'guided'];
export type ExploreStrategyName = (typeof EXPLORE_STRATEGIES)[number];

export function makeStrategy(name: string): Strategy {
  switch (name) {
    case 'fifo':
      return fifo();
    case 'random':
      return random();
    default:
      throw new BadInput(`unknown strategy '${name}' (valid: ${RUN_STRATEGIES.join(', ')})`);
  }
}

export interface ExploreStrategyOptions extends DfsOptions {
  /** pct: the bug depth d, and the expected run length k. */
  depth?: number;
  steps?: number;
  /** delay: the number of delays. */
  delays?: number;
  /** portfolio, guided: the seed of schedule 0 (schedule n runs seed + n). */
  seed?: number;
  /** portfolio: the world injects faults (its rotation leans to pct). */
  faults?: boolean;
}

export function makeExploreStrategy(name: ExploreStrategyName, o: ExploreStrategyOptions = {}): ExploringStrategy {
  switch (name) {
    case 'random':
      return random();
    case 'pct':
      return pct({ depth: o.depth ?? DEFAULT_DEPTH, steps: o.steps ?? 100 });
    case 'delay':
      return delayBounding({ delays: o.delays ?? DEFAULT_DELAYS, steps: o.steps ?? 100 });
    case 'probabilistic':
      return probabilistic();
    case 'portfolio':
      return portfolio({ first: o.seed ?? 0, steps: o.steps ?? 100, faults: o.faults });
    case 'guided':
      return guided({ first: o.seed ?? 0, steps: o.steps ?? 100 });
    case 'dfs':
      return dfs(o);
  }
}
