// The mutation-testing command runner (`npm run mutants` runs it once per mutant; also by hand:
// `npx tsx test/mutation/runner.ts [--kernel K] [--scenario S...] [--schedules N]`): an oracle-only
// exploration of every built-in scenario on `fixed`. It exits 1 as soon as any oracle fires, 2 if
// a run crashes (a mutant that throws is killed too), 0 when every schedule is clean. It never
// compares counts: what kills a mutant is what would catch a user's bug. Fast on purpose: small
// scenarios first, one fifo run, then a few pct and random schedules each, stop at the first hit.
// Then the fault worlds (the fault scenarios; exit-with-mmap with each worker fault, which no
// built-in allows; the lost response with duplicates too, once with two jobs and once with two
// lost responses allowed), schedule by schedule: a violation must be a harm of a fault that fired
// in that schedule (src/faults/harms.ts; none where none fired), a fault must fire only in a race
// it won and within the world's budget, some schedule must spend each budget in full, and each
// world must still show the bug it was written to show
// (FAULT_FINDINGS; a worker-fault world: the fault ends a run). Otherwise the mutant broke the
// fault machinery or the path to that bug (exit 1: "killed: ..."). The default rounds pass with
// the correct model (a control: the unmutated runner exits 0).
import { explore } from '../../src/explore/explore.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { builtinNames, loadScenario } from '../../src/scenario/load.ts';
import { FAULT_FINDINGS, FAULT_SCENARIOS, isFaultScenario } from '../../src/faults/scenarios.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { makeExploreStrategy, type ExploreStrategyName } from '../../src/scheduler/index.ts';
import type { ExploringStrategy } from '../../src/scheduler/exploring.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { simulate } from '../../src/simulate.ts';
import { makeTransport } from '../../src/engine/transports.ts';
import type { Transport } from '../../src/runtime/types.ts';
import { faultBudgets, firedFaults, lostRaces, overBudget, unexplained } from '../../src/faults/harms.ts';
import { withFaults } from '../../src/faults/override.ts';
import { WorkerFault } from '../../src/runtime/thread-faults.ts';
import type { OracleName } from '../../src/oracles/types.ts';
import { Command } from 'commander';

const opts = new Command('mutant-runner')
  .option('--kernel <name>', 'the kernel variant to explore', 'fixed')
  .option('--schedules <n>', 'schedules of each strategy per scenario', '16')
  .option('--scenario <name>', 'only this built-in scenario (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
  .option('--quiet', 'print only the verdict', false)
  .parse()
  .opts<{ kernel: string; schedules: string; scenario: string[]; quiet: boolean }>();
const kernel = opts.kernel;
const schedules = Number(opts.schedules);
const picked = opts.scenario;
const quiet = opts.quiet;

const size = (s: Scenario) => s.processes.reduce((n, p) => n + p.steps.length, 0) * s.processes.length;
// The fault scenarios fire oracles on `fixed` by design (a device that breaks its contract).
const scenarios = (picked.length ? picked : builtinNames().filter((n) => !isFaultScenario(n))).map(loadScenario).sort((a, b) => size(a) - size(b) || a.name.localeCompare(b.name));
const ROUNDS: [ExploreStrategyName, number][] = [['random', 1], ['pct', schedules], ['random', schedules]];
/** The fault worlds' rounds: 1,500 schedules of each strategy. The retests that measured the
 * kills in SURVIVORS.md ran at this depth (some, svm.ts 187's, come only after schedule 1,000 of
 * the worker-crash world); the unmutated model passes all of it in about 15 s. */
const FAULT_ROUNDS: [ExploreStrategyName, number][] = [['random', 1], ['pct', 1500], ['random', 1500]];
const faultScenarios = picked.length ? [] : FAULT_SCENARIOS.map(loadScenario).sort((a, b) => size(a) - size(b) || a.name.localeCompare(b.name));

/** A fault world and what it must show: a finding (FAULT_FINDINGS), or a run its worker fault ends. */
interface World { scenario: Scenario; want: OracleName[] | 'worker-fault' }
/** `s` with each DMA of two jobs and each of `kinds` given `budget`: two page requests, and so two
 * responses racing their faults, can be in flight at once (the device times out on the first). */
const twoJobs = (s: Scenario, name: string, budget: number, kinds: string[]): Scenario => ({
  ...s,
  name,
  processes: s.processes.map((p) => ({ ...p, steps: p.steps.map((x) => (x.op === 'dma' ? { ...x, count: 2 } : x)) })),
  faults: (s.faults ?? []).map((f) => (kinds.includes(f.kind) ? { ...f, budget } : f)),
});
/** Worlds no built-in is: the worker faults on a built-in (no built-in names one); the lost
 * response with duplicates allowed too (two kinds sharing a response's race); and with two jobs,
 * one lost response allowed (two races of one kind open together, one fault between them) or two
 * (a schedule must spend both). */
const extraWorlds = (): World[] => {
  const lost = withFaults(loadScenario('fault-response-lost'), 'page-response-lost,device-timeout,page-response-dup');
  const want = FAULT_FINDINGS['fault-response-lost']!;
  return [
    ...(['worker-crash', 'worker-hang'] as const).map((k) => ({ scenario: { ...withFaults(loadScenario('exit-with-mmap'), k), name: `exit-with-mmap+${k}` }, want: 'worker-fault' as const })),
    { scenario: { ...lost, name: 'fault-response-lost+dup' }, want },
    { scenario: twoJobs(lost, 'fault-response-lost+dup, 2 jobs', 1, []), want },
    { scenario: twoJobs(lost, 'fault-response-lost+dup, 2 jobs, 2 lost', 2, ['page-response-lost']), want },
  ];
};
const worlds: World[] = picked.length ? [] : [...faultScenarios.map((scenario) => ({ scenario, want: FAULT_FINDINGS[scenario.name]! })), ...extraWorlds()];

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
 * (FAULT_KINDS' harms; none where no fault fired), no kind fires beyond its budget or in a race
 * already decided, some schedule spends each kind's whole budget, and it shows what it must. */
async function faultVerdict({ scenario, want }: World, t: Transport): Promise<string | null> {
  const first = await simulate({ scenario, variant: variantByName(kernel), strategy: fifo(), transport: t, maxSteps: 3000, keepOpen: true });
  const budgets = faultBudgets(first.world.specs);
  const most = new Map<string, number>();
  let shown = false;
  for (const [name, n] of FAULT_ROUNDS) {
    const strategy = makeExploreStrategy(name, { steps: first.steps });
    for (let seed = 1; seed <= n; seed++) {
      const r = await faultSchedule(scenario, strategy, seed, budgets, t);
      strategy.endRun?.();
      if (r.wrong.length) return `${scenario.name} (${name} seed ${seed}, faults fired: ${[...r.fired.keys()].join(', ') || 'none'}): ${r.wrong[0]}`;
      for (const [k, c] of r.fired) most.set(k, Math.max(c, most.get(k) ?? 0));
      shown ||= want === 'worker-fault' ? r.ended !== null : want.length === 0 || r.oracles.some((o) => want.includes(o));
    }
  }
  const rounds = FAULT_ROUNDS.map(([s, n]) => `${n} ${s}`).join(', ');
  const unspent = Object.entries(budgets).filter(([k, b]) => (most.get(k) ?? 0) < b);
  if (unspent.length) return `${scenario.name}: no schedule of ${rounds} spends ${unspent.map(([k, b]) => `${k}'s budget of ${b} (at most ${most.get(k) ?? 0})`).join(', ')}`;
  return shown ? null : `${scenario.name} no longer shows ${want === 'worker-fault' ? 'its worker fault' : want.join(' or ')} (its finding) in ${rounds}`;
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
    for (const world of kernel === 'fixed' ? worlds : []) {
      const why = await faultVerdict(world, t);
      if (why) {
        if (!quiet) console.log(`killed: ${why}`);
        return 1;
      }
    }
  } finally {
    await t.close();
  }
  if (!quiet) console.log(`survived: no oracle fired on ${scenarios.length} scenario(s), ${kernel}; the ${worlds.length} fault worlds show their findings and nothing their faults do not explain`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.log(`killed: crash: ${e.message.split('\n')[0]}`);
    process.exit(2);
  },
);
