// One world, explored and judged: the stateful dfs first (each global state once), up to a budget
// of schedules; a world it cannot exhaust within that gets the default strategy (the portfolio)
// for the same budget. Every oracle judges every run. Two kinds of violation are not findings:
// one the world's faults (or its rogue DMA) explain is the broken contract's known harm
// (src/faults/harms.ts); a run cut by the step limit (`stuck`: no quiescence within maxSteps) is
// a limit of the model's search, not a kernel hang (a real cycle is the `livelock` oracle's).
import { explore } from '../explore/explore.ts';
import type { ExploreResult, ViolationRecord } from '../explore/result.ts';
import { breaksContracts } from '../faults/scenarios.ts';
import type { Variant } from '../variants/variants.ts';
import type { Scenario } from '../scenario/schema.ts';
import { defaultMaxSteps } from '../scenario/max-steps.ts';
import { DEFAULT_EXPLORE_STRATEGY } from '../scheduler/index.ts';

export interface Judged {
  /** The first violation that is neither a fault's harm nor the step limit (none: clean). */
  finding: ViolationRecord | null;
  /** Violations the world's faults explain. */
  explained: number;
  /** Violations that are the step limit. */
  limited: number;
  schedules: number;
  /** Global states the stateful dfs met. */
  states: number;
  /** The dfs searched every state of the world within the budget. */
  exhausted: boolean;
  strategy: string;
}

export interface JudgeOptions {
  variant: Variant;
  /** Schedules per world (per strategy); null: the dfs searches the world to its end. */
  budget: number | null;
  seed: number;
  stop?: () => boolean;
  /** Write the finding's schedule file here, shrunk (the explorer's shrinker). */
  out?: string;
  runId?: string;
  /** With `out`: shrink that schedule (default on). */
  shrinkSchedule?: boolean;
}

const STEP_LIMIT = /no quiescence within \d+ deliveries/;
/** A run the step limit cut: the model's search stopped, the kernel did not hang. */
export const isStepLimit = (v: ViolationRecord): boolean => v.oracle === 'stuck' && STEP_LIMIT.test(v.violation.message);
const isFinding = (v: ViolationRecord): boolean => !v.faults?.explained && !isStepLimit(v);
const findingOf = (r: ExploreResult): ViolationRecord | null => r.violations.find(isFinding) ?? null;
const count = (r: ExploreResult[], f: (v: ViolationRecord) => boolean): number => r.reduce((n, x) => n + x.violations.filter(f).length, 0);

export async function judgeWorld(s: Scenario, o: JudgeOptions): Promise<Judged> {
  const base = { scenario: s, variant: o.variant, seed: o.seed, maxSteps: defaultMaxSteps(s), transport: 'inline' as const, reorder: false, schedules: o.budget ?? undefined, stop: o.stop, out: o.out, runId: o.runId, shrink: o.out !== undefined && o.shrinkSchedule !== false };
  // Stop at the first violation, unless it could be one that is not a finding (a world that breaks
  // a contract; a run cut by the step limit): then search on, so it cannot hide one that is.
  const search = async (strategy: 'dfs' | typeof DEFAULT_EXPLORE_STRATEGY) => {
    const first = await explore({ ...base, strategy, stopOnFirst: !breaksContracts(s) });
    if (first.violations.every(isFinding)) return first;
    return explore({ ...base, strategy, stopOnFirst: false });
  };
  const dfs = await search('dfs');
  const states = dfs.dfs?.states?.states ?? 0;
  const exhausted = !!dfs.dfs?.exhausted;
  const hit = findingOf(dfs);
  const explained = (rs: ExploreResult[]) => count(rs, (v) => !!v.faults?.explained);
  const limited = (rs: ExploreResult[]) => count(rs, (v) => !v.faults?.explained && isStepLimit(v));
  if (hit || exhausted || o.stop?.() || o.budget === null) return { finding: hit, explained: explained([dfs]), limited: limited([dfs]), schedules: dfs.schedules, states, exhausted, strategy: 'dfs' };
  const more = await search(DEFAULT_EXPLORE_STRATEGY);
  return { finding: findingOf(more), explained: explained([dfs, more]), limited: limited([dfs, more]), schedules: dfs.schedules + more.schedules, states, exhausted: false, strategy: `dfs+${DEFAULT_EXPLORE_STRATEGY}` };
}
