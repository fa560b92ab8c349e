// One kernel's hunt, for the fuzz bench (bench/sections/50-fuzz.ts), run in this tree or in a
// patched copy of it: for each seed, the seconds and worlds until `svmsim fuzz` (the default
// bounds, 200 schedules per world) judges a world with a finding, and the seconds and schedules
// until explore's default strategy, over the built-in scenarios (the fault worlds aside: they
// fire on `fixed` by design), meets a violation that is not a fault's harm or the step limit.
// Detection only: the time to shrink what was found is not counted. A hunt past `cap` seconds
// stops and is reported as not found. Prints one JSON document.
//
//   npx tsx bench/fuzz-hunt.ts --kernel K --seeds 0-9 --cap 120 [--hunter fuzz|explore|both]
import { Command } from 'commander';
import { drawnWorlds } from '../src/fuzz/draw.ts';
import { isStepLimit, judgeWorld } from '../src/fuzz/judge.ts';
import type { Bounds } from '../src/fuzz/generate.ts';
import { explore } from '../src/explore/explore.ts';
import { builtinNames, loadScenario } from '../src/scenario/load.ts';
import { isFaultScenario } from '../src/faults/scenarios.ts';
import { defaultMaxSteps } from '../src/scenario/max-steps.ts';
import { DEFAULT_EXPLORE_STRATEGY } from '../src/scheduler/index.ts';
import { variantByName, type Variant } from '../src/variants/variants.ts';
import type { Scenario } from '../src/scenario/schema.ts';

/** `svmsim fuzz`'s default bounds (FUZZ_HUNT_PROCESSES: more processes) and per-world budget. */
export const FUZZ_BOUNDS: Bounds = { processes: Number(process.env.FUZZ_HUNT_PROCESSES ?? 1), steps: 6, pages: 2, devices: 1 };
const BUDGET = 200;
/** explore over the built-ins: each scenario gets ROUND schedules in turn, round after round. */
const ROUND = 100;

export interface Hunt {
  seed: number;
  found: boolean;
  seconds: number;
  /** fuzz: worlds judged up to and including the one with the finding; explore: schedules. */
  worlds?: number;
  schedules?: number;
  oracle?: string;
  where?: string;
}

const since = (t0: number) => (performance.now() - t0) / 1000;

export async function huntFuzz(variant: Variant, seed: number, cap: number): Promise<Hunt> {
  const t0 = performance.now();
  const stop = () => since(t0) >= cap;
  let worlds = 0;
  for (const d of drawnWorlds(FUZZ_BOUNDS, seed)) {
    if (stop()) break;
    const j = await judgeWorld(d.world, { variant, budget: BUDGET, seed: d.seed, stop });
    worlds++;
    if (j.finding) return { seed, found: true, seconds: since(t0), worlds, oracle: j.finding.oracle, where: `world ${d.index}` };
  }
  return { seed, found: false, seconds: since(t0), worlds };
}

const size = (s: Scenario) => s.processes.reduce((n, p) => n + p.steps.length, 0) * s.processes.length;

export async function huntExplore(variant: Variant, seed: number, cap: number): Promise<Hunt> {
  const scenarios = builtinNames()
    .filter((n) => !isFaultScenario(n))
    .map(loadScenario)
    .sort((a, b) => size(a) - size(b) || a.name.localeCompare(b.name));
  const t0 = performance.now();
  const stop = () => since(t0) >= cap;
  let schedules = 0;
  for (let round = 0; !stop(); round++) {
    for (const scenario of scenarios) {
      if (stop()) break;
      const r = await explore({ scenario, variant, strategy: DEFAULT_EXPLORE_STRATEGY, seed: seed * 1_000_003 + round * ROUND, schedules: ROUND, maxSteps: defaultMaxSteps(scenario), transport: 'inline', reorder: false, stopOnFirst: true, shrink: false, stop });
      const v = r.violations.find((x) => !x.faults?.explained && !isStepLimit(x));
      if (v) return { seed, found: true, seconds: since(t0), schedules: schedules + v.schedule + 1, oracle: v.oracle, where: scenario.name };
      schedules += r.schedules;
    }
  }
  return { seed, found: false, seconds: since(t0), schedules };
}

function seedsOf(s: string): number[] {
  const [a, b] = s.split('-').map(Number);
  return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const o = new Command('fuzz-hunt').requiredOption('--kernel <k>').option('--seeds <a-b>', '', '0-9').option('--cap <s>', '', '120').option('--hunter <h>', 'fuzz, explore or both', 'both').parse().opts<{ kernel: string; seeds: string; cap: string; hunter: string }>();
  const variant = variantByName(o.kernel);
  const cap = Number(o.cap);
  const out: { fuzz: Hunt[]; explore: Hunt[] } = { fuzz: [], explore: [] };
  for (const seed of seedsOf(o.seeds)) {
    if (o.hunter !== 'explore') out.fuzz.push(await huntFuzz(variant, seed, cap));
    if (o.hunter !== 'fuzz') out.explore.push(await huntExplore(variant, seed, cap));
    process.stderr.write(`${o.kernel} seed ${seed}: ${JSON.stringify([out.fuzz.at(-1), out.explore.at(-1)])}\n`);
  }
  console.log(JSON.stringify(out));
}
