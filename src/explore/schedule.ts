// One schedule under an exploring strategy: the strategy may prune it (it could only repeat an
// explored one), and says afterwards whether anything is left.
import { Pruned, type ExploringStrategy } from '../scheduler/exploring.ts';

export async function scheduleOnce<R>(strategy: ExploringStrategy, run: () => Promise<R>): Promise<{ result: R | null; more: boolean }> {
  let result: R | null = null;
  try {
    result = await run();
  } catch (e) {
    if (!(e instanceof Pruned)) throw e;
  }
  return { result, more: strategy.endRun ? strategy.endRun() : true };
}
