// The mutation-testing command runner (`npm run mutants` runs it once per mutant; also by hand:
// `npx tsx tools/mutant-run.ts [--kernel K] [--scenario S...] [--schedules N]`): an oracle-only
// exploration of every built-in scenario on `fixed`. It exits 1 as soon as any oracle fires, 2 if
// a run crashes (a mutant that throws is killed too), 0 when every schedule is clean. It never
// compares counts: what kills a mutant is what would catch a user's bug. Fast on purpose: small
// scenarios first, one fifo run, then a few pct and random schedules each, stop at the first hit.
// Then the fault scenarios, which fire oracles on `fixed` by design: each must still show the bug
// it was written to show (FAULT_FINDINGS; fault-response-dup: none), or the mutant broke the fault
// machinery or the path to that bug (exit 1: "killed: ... no longer shows ..."). The default
// rounds find each of them with the correct model (a control: the unmutated runner exits 0).
import { explore } from '../src/explore/explore.ts';
import { variantByName } from '../src/kernel/variants.ts';
import { builtinNames, loadScenario } from '../src/scenario/load.ts';
import { FAULT_FINDINGS, FAULT_SCENARIOS, isFaultScenario } from '../src/faults/scenarios.ts';
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
/** The fault scenarios' rounds: enough for each finding with the correct model (fault-timeout-reuse's
 * comes at pct's 18th schedule of seed 1). */
const FAULT_ROUNDS: [ExploreStrategyName, number][] = [['random', 1], ['pct', 30], ['random', 30]];
const faultScenarios = picked.length ? [] : FAULT_SCENARIOS.map(loadScenario).sort((a, b) => size(a) - size(b) || a.name.localeCompare(b.name));

/** A fault scenario's verdict: null if it showed its finding (and, for one with none, nothing). */
async function faultVerdict(scenario: Scenario, kernel: string): Promise<string | null> {
  const want = FAULT_FINDINGS[scenario.name]!;
  for (const [strategy, n] of FAULT_ROUNDS) {
    const r = await explore({ scenario, variant: variantByName(kernel), strategy, schedules: n, seed: 1, maxSteps: 3000, transport: 'inline', reorder: false, stopOnFirst: want.length === 0, shrink: false });
    if (!want.length && r.violations.length) return `[${r.violations[0]!.oracle}] ${scenario.name} (${strategy}): ${r.violations[0]!.violation.message}`;
    if (want.length && r.violations.some((v) => want.includes(v.oracle))) return null;
  }
  return want.length ? `${scenario.name} no longer shows ${want.join(' or ')} (its finding) in ${FAULT_ROUNDS.map(([s, n]) => `${n} ${s}`).join(', ')}` : null;
}

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
  for (const scenario of kernel === 'fixed' ? faultScenarios : []) {
    const why = await faultVerdict(scenario, kernel);
    if (why) {
      if (!quiet) console.log(`killed: ${why}`);
      return 1;
    }
  }
  if (!quiet) console.log(`survived: no oracle fired on ${scenarios.length} scenario(s), ${kernel}; the ${faultScenarios.length} fault scenarios show their findings`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.log(`killed: crash: ${e.message.split('\n')[0]}`);
    process.exit(2);
  },
);
