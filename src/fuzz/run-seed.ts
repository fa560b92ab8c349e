// The `svmsim run` that shows a finding: `run --scenario` runs one schedule (fifo, or random with
// a seed), so the shrunk world is run under fifo, then random seeds 0, 1, ..., until one fires
// the oracle; that command line goes in the summary, next to the exact `replay`.
import { makeTransport } from '../engine/transports.ts';
import type { OracleName } from '../oracles/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { defaultMaxSteps } from '../scenario/max-steps.ts';
import { makeStrategy } from '../scheduler/index.ts';
import { simulate } from '../simulate.ts';
import type { Variant } from '../variants/variants.ts';

/** Random seeds tried after fifo: a small world's schedules are cheap, and most findings show
 * within a few hundred (none: the summary gives only the replay). */
export const RUN_SEEDS = 500;

export async function runShowing(world: Scenario, variant: Variant, oracle: OracleName, seeds = RUN_SEEDS): Promise<{ strategy: 'fifo' | 'random'; seed: number } | null> {
  const transport = await makeTransport('inline');
  try {
    const fires = async (strategy: 'fifo' | 'random', seed: number) =>
      (await simulate({ scenario: world, variant, strategy: makeStrategy(strategy), transport, seed, maxSteps: defaultMaxSteps(world), keepOpen: true })).violations.some((v) => v.oracle === oracle);
    if (await fires('fifo', 0)) return { strategy: 'fifo', seed: 0 };
    for (let seed = 0; seed < seeds; seed++) if (await fires('random', seed)) return { strategy: 'random', seed };
    return null;
  } finally {
    await transport.close();
  }
}
