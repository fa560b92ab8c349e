// Strategies by name, for the CLI: `run` takes one schedule (fifo, random); `explore` searches
// many (random, pct, dfs).
import { BadInput } from '../kernel/variants.ts';
import { dfs, type DfsOptions } from './dfs.ts';
import type { ExploringStrategy } from './exploring.ts';
import { fifo } from './fifo.ts';
import { DEFAULT_DEPTH, pct } from './pct.ts';
import { random } from './random.ts';
import type { Strategy } from './strategy.ts';

export const RUN_STRATEGIES = ['fifo', 'random'] as const;
export const EXPLORE_STRATEGIES = ['random', 'pct', 'dfs'] as const;
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
}

export function makeExploreStrategy(name: ExploreStrategyName, o: ExploreStrategyOptions = {}): ExploringStrategy {
  switch (name) {
    case 'random':
      return random();
    case 'pct':
      return pct({ depth: o.depth ?? DEFAULT_DEPTH, steps: o.steps ?? 100 });
    case 'dfs':
      return dfs(o);
  }
}
