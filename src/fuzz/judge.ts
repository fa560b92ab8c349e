// One world, explored and judged: the stateful dfs first (each global state once), up to a budget
// of schedules; a world it cannot exhaust within that gets the default strategy (the portfolio)
// for the same budget. Every oracle judges every run. A violation the world's faults (or its rogue
// DMA) explain is the broken contract's known harm (src/faults/harms.ts), not a finding.
import { explore } from '../explore/explore.ts';
import type { ExploreResult, ViolationRecord } from '../explore/result.ts';
import { breaksContracts } from '../faults/scenarios.ts';
import type { Variant } from '../variants/variants.ts';
import type { Scenario } from '../scenario/schema.ts';
import { defaultMaxSteps } from '../scenario/max-steps.ts';
import { DEFAULT_EXPLORE_STRATEGY } from '../scheduler/index.ts';

export interface Judged {
  /** The first violation no fault explains (none: the world is clean). */
  finding: ViolationRecord | null;
  /** Violations the world's faults explain. */
  explained: number;
  schedules: number;
  /** Global states the stateful dfs met. */
  states: number;
  /** The dfs searched every state of the world within the budget. */
  exhausted: boolean;
  strategy: string;
}

export interface JudgeOptions {
  variant: Variant;
  /** Schedules per world (per strategy). */
  budget: number;
  seed: number;
  stop?: () => boolean;
  /** Write the finding's schedule file here, shrunk (the explorer's shrinker). */
  out?: string;
  runId?: string;
}

const findingOf = (r: ExploreResult): ViolationRecord | null => r.violations.find((v) => !v.faults?.explained) ?? null;
const explainedIn = (r: ExploreResult): number => r.violations.filter((v) => v.faults?.explained).length;

export async function judgeWorld(s: Scenario, o: JudgeOptions): Promise<Judged> {
  // A world that breaks a contract goes on past a violation its faults explain (one would hide a finding).
  const base = { scenario: s, variant: o.variant, seed: o.seed, maxSteps: defaultMaxSteps(s), transport: 'inline' as const, reorder: false, stopOnFirst: !breaksContracts(s), schedules: o.budget, stop: o.stop, out: o.out, runId: o.runId, shrink: o.out !== undefined };
  const dfs = await explore({ ...base, strategy: 'dfs' });
  const states = dfs.dfs?.states?.states ?? 0;
  const exhausted = !!dfs.dfs?.exhausted;
  const hit = findingOf(dfs);
  if (hit || exhausted || o.stop?.()) return { finding: hit, explained: explainedIn(dfs), schedules: dfs.schedules, states, exhausted, strategy: 'dfs' };
  const more = await explore({ ...base, strategy: DEFAULT_EXPLORE_STRATEGY });
  return {
    finding: findingOf(more),
    explained: explainedIn(dfs) + explainedIn(more),
    schedules: dfs.schedules + more.schedules,
    states,
    exhausted: false,
    strategy: `dfs+${DEFAULT_EXPLORE_STRATEGY}`,
  };
}
