// The mutation-testing command runner (`npm run mutants` runs it once per mutant; also by hand:
// `npx tsx tools/mutant-run.ts [--kernel K] [--scenario S...] [--schedules N]`): an oracle-only
// exploration of every built-in scenario on `fixed`. It exits 1 as soon as any oracle fires, 2 if
// a run crashes (a mutant that throws is killed too), 0 when every schedule is clean. It never
// compares counts: what kills a mutant is what would catch a user's bug. Fast on purpose: small
// scenarios first, one fifo run, then a few pct and random schedules each, stop at the first hit.
import { explore } from '../src/explore/explore.ts';
import { variantByName } from '../src/kernel/variants.ts';
import { builtinNames, loadScenario } from '../src/scenario/load.ts';
import { isFaultScenario } from '../src/faults/scenarios.ts';
import type { Scenario } from '../src/scenario/schema.ts';
import type { ExploreStrategyName } from '../src/scheduler/index.ts';

const args = process.argv.slice(2);
const opt = (name: string): string[] => {
  const out: string[] = [];
  for (let i = args.indexOf(name); i >= 0; i = args.indexOf(name, i + 2)) out.push(args[i + 1]!);
  return out;
};
const kernel = opt('--kernel')[0] ?? 'fixed';
const schedules = Number(opt('--schedules')[0] ?? 8);
const picked = opt('--scenario');
const quiet = args.includes('--quiet');

const size = (s: Scenario) => s.processes.reduce((n, p) => n + p.steps.length, 0) * s.processes.length;
// The fault scenarios fire oracles on `fixed` by design (a device that breaks its contract).
const scenarios = (picked.length ? picked : builtinNames().filter((n) => !isFaultScenario(n))).map(loadScenario).sort((a, b) => size(a) - size(b) || a.name.localeCompare(b.name));
const ROUNDS: [ExploreStrategyName, number][] = [['random', 1], ['pct', schedules], ['random', schedules]];

async function main(): Promise<number> {
  const variant = variantByName(kernel);
  for (const scenario of scenarios) {
    for (const [strategy, n] of ROUNDS) {
      const r = await explore({ scenario, variant, strategy, schedules: n, seed: 1, maxSteps: 3000, transport: 'inline', reorder: false, stopOnFirst: true, shrink: false });
      const v = r.violations[0];
      if (v) {
        if (!quiet) for (const x of r.violations) console.log(`killed: [${x.oracle}] ${scenario.name} (${strategy}, schedule #${x.schedule}): ${x.violation.message}`);
        return 1;
      }
    }
  }
  if (!quiet) console.log(`survived: no oracle fired on ${scenarios.length} scenario(s), ${kernel}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.log(`killed: crash: ${e.message.split('\n')[0]}`);
    process.exit(2);
  },
);
