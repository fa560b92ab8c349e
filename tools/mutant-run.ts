// The mutation-testing command runner (`npm run mutants` runs it once per mutant; also by hand:
// `npx tsx tools/mutant-run.ts [--kernel K] [--scenario S...] [--schedules N]`): an oracle-only
// exploration of every built-in scenario on `fixed`. It exits 1 as soon as any oracle fires, 2 if
// a run crashes (a mutant that throws is killed too), 0 when every schedule is clean. It never
// compares counts: what kills a mutant is what would catch a user's bug. Fast on purpose: small
// scenarios first, one fifo run, then a few pct and random schedules each, stop at the first hit.
// Then the fault worlds (the fault scenarios, and exit-with-mmap with each worker fault, which no
// built-in allows), schedule by schedule: a violation must be a harm of a fault that fired in that
// schedule (src/faults/harms.ts; none where none fired), a fault must fire only in a race it won
// and within the world's budget, and each scenario must still show the bug it was written to show
// (FAULT_FINDINGS; a worker-fault world: the fault ends a run). Otherwise the mutant broke the
// fault machinery or the path to that bug (exit 1: "killed: ..."). The default rounds pass with
// the correct model (a control: the unmutated runner exits 0).
import { explore } from '../src/explore/explore.ts';
import { variantByName } from '../src/kernel/variants.ts';
import { builtinNames, loadScenario } from '../src/scenario/load.ts';
import { FAULT_FINDINGS, FAULT_SCENARIOS, isFaultScenario } from '../src/faults/scenarios.ts';
import type { Scenario } from '../src/scenario/schema.ts';
import { makeExploreStrategy, type ExploreStrategyName } from '../src/scheduler/index.ts';
import type { ExploringStrategy } from '../src/scheduler/exploring.ts';
import { fifo } from '../src/scheduler/fifo.ts';
import { simulate } from '../src/simulate.ts';
import { makeTransport } from '../src/runtime/transports.ts';
import type { Transport } from '../src/runtime/types.ts';
import { faultBudgets, firedFaults, lostRaces, overBudget, unexplained } from '../src/faults/harms.ts';
import { withFaults } from '../src/faults/override.ts';
import { WorkerFault } from '../src/faults/worker.ts';

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
const FAULT_ROUNDS: [ExploreStrategyName, number][] = [['random', 1], ['pct', 150], ['random', 150]];
const faultScenarios = picked.length ? [] : FAULT_SCENARIOS.map(loadScenario).sort((a, b) => size(a) - size(b) || a.name.localeCompare(b.name));

/** The worlds of the worker faults: a built-in with the fault allowed (no built-in names one). */
const WORKER_WORLDS = picked.length ? [] : (['worker-crash', 'worker-hang'] as const).map((k) => ({ ...withFaults(loadScenario('exit-with-mmap'), k), name: `exit-with-mmap+${k}` }));

/** One schedule of a fault world: the faults that fired, the worker fault that ended it, and what
 * the faults leave unexplained, overspend or fire out of turn. */
async function faultSchedule(scenario: Scenario, strategy: ExploringStrategy, seed: number, budgets: Record<string, number>, t: Transport) {
  try {
    const r = await simulate({ scenario, variant: variantByName(kernel), strategy, transport: t, seed, maxSteps: 3000, keepOpen: true });
    const fired = firedFaults(r.trace);
    return { fired, ended: null, oracles: r.violations.map((v) => v.oracle), wrong: [...unexplained(scenario, r.violations, fired).map((v) => `[${v.oracle}] ${v.message}`), ...overBudget(fired, budgets), ...lostRaces(r.trace)] };
  } catch (e) {
    if (!(e instanceof WorkerFault)) throw e;
    return { fired: new Map([[e.kind, 1]]), ended: e.kind, oracles: [], wrong: [] };
  }
}

/** A fault world's verdict, null if it holds: every violation is one a fired fault can cause
 * (FAULT_KINDS' harms; none where no fault fired), no kind fires beyond its budget, and it shows
 * its finding (FAULT_FINDINGS; a worker-fault world: the fault ends a run). */
async function faultVerdict(scenario: Scenario, t: Transport): Promise<string | null> {
  const first = await simulate({ scenario, variant: variantByName(kernel), strategy: fifo(), transport: t, maxSteps: 3000, keepOpen: true });
  const budgets = faultBudgets(first.world.specs);
  const want = FAULT_FINDINGS[scenario.name];
  let shown = false;
  for (const [name, n] of FAULT_ROUNDS) {
    const strategy = makeExploreStrategy(name, { steps: first.steps });
    for (let seed = 1; seed <= n; seed++) {
      const r = await faultSchedule(scenario, strategy, seed, budgets, t);
      strategy.endRun?.();
      if (r.wrong.length) return `${scenario.name} (${name} seed ${seed}, faults fired: ${[...r.fired.keys()].join(', ') || 'none'}): ${r.wrong[0]}`;
      shown ||= want ? want.length === 0 || r.oracles.some((o) => want.includes(o)) : r.ended !== null;
    }
  }
  return shown ? null : `${scenario.name} no longer shows ${want ? want.join(' or ') : 'its worker fault'} (its finding) in ${FAULT_ROUNDS.map(([s, n]) => `${n} ${s}`).join(', ')}`;
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
  const t = await makeTransport('inline');
  try {
    for (const scenario of kernel === 'fixed' ? [...faultScenarios, ...WORKER_WORLDS] : []) {
      const why = await faultVerdict(scenario, t);
      if (why) {
        if (!quiet) console.log(`killed: ${why}`);
        return 1;
      }
    }
  } finally {
    await t.close();
  }
  if (!quiet) console.log(`survived: no oracle fired on ${scenarios.length} scenario(s), ${kernel}; the ${faultScenarios.length + WORKER_WORLDS.length} fault worlds show their findings and nothing their faults do not explain`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.log(`killed: crash: ${e.message.split('\n')[0]}`);
    process.exit(2);
  },
);
