// One world, explored and judged: the stateful dfs first (each global state once), up to a budget
// of schedules; a world it cannot exhaust within that gets the default strategy (the portfolio)
// for the same budget. Every oracle judges every run. A violation the world's faults (or its rogue
// DMA) explain is the broken contract's known harm (src/faults/harms.ts), not a finding.
import { explore } from '../explore/explore.ts';
import type { ExploreResult, ViolationRecord } from '../explore/result.ts';
import type { Variant } from '../kernel/variants.ts';
import type { Scenario } from '../scenario/schema.ts';
import { DEFAULT_EXPLORE_STRATEGY } from '../scheduler/index.ts';
import { defaultMaxSteps } from '../cli/common.ts';

export interface Judged {
  /** The first violation no fault explains (none: the world is clean). */
  finding: ViolationRecord | null;
  /** Violations the world's faults explain. */
  explained: number;
  schedules: number;
  states: number;
  exhausted: boolean;
  strategy: string;
}

export interface JudgeOptions {
  variant: Variant;
  /** Schedules per world (per strategy). */
  budget: number;
  seed: number;
  stop?: () => boolean;
}

const findingOf = (r: ExploreResult): ViolationRecord | null => r.violations.find((v) => !v.faults?.explained) ?? null;

export async function judgeWorld(s: Scenario, o: JudgeOptions): Promise<Judged> {
  const base = { scenario: s, variant: o.variant, seed: o.seed, maxSteps: defaultMaxSteps(s), transport: 'inline' as const, reorder: false, shrink: false, stopOnFirst: true, schedules: o.budget, stop: o.stop };
  const dfs = await explore({ ...base, strategy: 'dfs' });
  const states = dfs.dfs?.states?.states ?? 0;
  const explained = dfs.violations.filter((v) => v.faults?.explained).length;
  const hit = findingOf(dfs);
  if (hit || dfs.dfs?.exhausted || o.stop?.()) return { finding: hit, explained, schedules: dfs.schedules, states, exhausted: !!dfs.dfs?.exhausted, strategy: 'dfs' };
  const more = await explore({ ...base, strategy: DEFAULT_EXPLORE_STRATEGY });
  return {
    finding: findingOf(more),
    explained: explained + more.violations.filter((v) => v.faults?.explained).length,
    schedules: dfs.schedules + more.schedules,
    states,
    exhausted: false,
    strategy: `dfs+${DEFAULT_EXPLORE_STRATEGY}`,
  };
}
