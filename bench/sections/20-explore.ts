// Exploration, measured side by side in this one run:
//   throughput   schedules/s of `explore` (coverage and end states included) for every strategy,
//                inline and on workers.
// The hunt for each ablation's bug (schedules and seconds to the first violation, every strategy
// against fast-check's scheduler) is its own section: ./25-hunt.ts.
import type { BenchSection } from '../index.ts';
import { explore } from '../../src/explore/explore.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { DEFAULT_MAX_STEPS } from '../../src/runtime/run.ts';
import { makeTransport } from '../../src/engine/transports.ts';
import { loadScenario } from '../../src/scenario/load.ts';

const scenario = loadScenario('exit-with-mmap');
const THROUGHPUT_S = 1.5;

/** Schedules/s of `explore` per strategy and transport, after a warm-up; the workers' threads are
 * started before the clock runs (the start-up, about 2 s, is not a per-schedule cost). */
async function throughput() {
  const out: Record<string, Record<string, number>> = {};
  for (const transport of ['inline', 'workers'] as const) {
    const open = transport === 'workers' ? await makeTransport('workers') : undefined;
    const base = { scenario, variant: variantByName('fixed'), seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport, open, reorder: false };
    await explore({ ...base, strategy: 'random', schedules: 5 });
    for (const strategy of ['random', 'pct', 'delay', 'portfolio', 'guided', 'dfs'] as const) {
      const r = await explore({ ...base, strategy, seconds: THROUGHPUT_S });
      (out[strategy] ??= {})[transport] = Math.round(r.schedules / r.seconds);
    }
    await open?.close();
  }
  for (const s of Object.values(out)) s.workersOverInline = Number((s.workers! / s.inline!).toFixed(2));
  return out;
}

export const section: BenchSection = {
  name: 'explore',
  async run() {
    return { scenario: scenario.name, schedulesPerSecond: await throughput() };
  },
};
