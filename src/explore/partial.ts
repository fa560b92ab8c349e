// The summary is kept whatever happens: when an exploration fails (a worker that never starts, a
// crash), the summary it would have written is rebuilt from its progress ticks (schedules, end
// states, coverage) and from the counterexample files it had written, marked with the error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoverageRecorder } from './coverage.ts';
import type { ProgressTick } from './options.ts';
import { RESULT_FORMAT, type ExploreResult, type ViolationRecord } from './result.ts';
import { ORACLES, type OracleName } from '../oracles/types.ts';

/** What the progress ticks said so far. */
export class Ticks {
  schedules = 0;
  readonly endStates = new Set<string>();
  readonly oracles = new Set<OracleName>();
  readonly coverage = new CoverageRecorder();
  readonly t0 = performance.now();

  add(p: ProgressTick): void {
    this.schedules += p.schedules;
    for (const h of p.endStates) this.endStates.add(h);
    for (const o of p.oracles) this.oracles.add(o);
    this.coverage.add(p.coverage);
  }
}

/** The run's settings, as the summary states them. */
export type Head = Pick<ExploreResult, 'kernel' | 'scenario' | 'strategy' | 'transport' | 'seed' | 'depth' | 'preemptionBound' | 'reorder' | 'maxSteps' | 'jobs'> & { shard: string; run: string };

/** A counterexample this run wrote into `out` (a file of another run, or none, is skipped). */
function written(out: string, oracle: OracleName, run: string): ViolationRecord | undefined {
  try {
    const f = JSON.parse(readFileSync(join(out, `${oracle}.json`), 'utf8')) as Record<string, any>;
    if (f.run !== run) return undefined;
    const { schedule, seed, violation, deliveries, preemptions, original } = f;
    return { oracle, count: 1, schedule, seed, violation, file: join(out, `${oracle}.json`), deliveries, preemptions, ...(original ? { original } : {}) };
  } catch {
    return undefined;
  }
}

/** The result as far as it got (`count` is at least 1 for each oracle seen: ticks carry no counts). */
export function partialResult(h: Head, t: Ticks, error: string, out?: string): ExploreResult {
  const { shard, run, ...head } = h;
  const violations = ORACLES.filter((o) => t.oracles.has(o)).map(
    (oracle): ViolationRecord => (out ? written(out, oracle, run) : undefined) ?? { oracle, count: 1, schedule: 0, seed: h.seed, violation: { oracle, message: '(the exploration failed before it was recorded)', step: 0 } },
  );
  return {
    format: RESULT_FORMAT,
    run,
    parts: [{ run, shard, jobs: h.jobs }],
    error,
    ...head,
    shards: [shard],
    schedules: t.schedules,
    pruned: 0,
    seconds: Number(((performance.now() - t.t0) / 1000).toFixed(2)),
    interrupted: true,
    endStates: [...t.endStates].sort(),
    violations,
    coverage: t.coverage.data(),
  };
}
