// Shrinking a counterexample: a choice-sequence shrinker. A candidate is a set of deviations
// (at step i, deliver channel c) from a default completion that never preempts
// (../scheduler/nonpreemptive.ts: the running thread goes on, else fifo). Deleting a deviation
// simplifies that choice back to the default. A candidate is kept if the same oracle still fires
// and the run is smaller: fewer preemptions (context switches: what makes a trace hard to
// follow), then fewer deliveries, then fewer deviations. After each run the deviations are read
// off again, so only the decisions that matter remain.
import type { OracleName, Violation } from '../oracles/types.ts';
import type { Choice } from '../runtime/run.ts';
import type { TraceEvent } from '../runtime/types.ts';
import type { SimResult } from '../simulate.ts';
import type { ExploringStrategy } from '../scheduler/exploring.ts';
import { nonpreemptive } from '../scheduler/nonpreemptive.ts';
import { countingPreemptions } from '../scheduler/preemption.ts';
import { indexOfChoice } from '../scheduler/replay.ts';

export type Deviation = [step: number, choice: Choice];

export interface Attempt {
  deviations: Deviation[];
  /** Every choice of the run (strict replay reproduces it). */
  choices: Choice[];
  deliveries: number;
  preemptions: number;
  violation: Violation;
}

export interface ShrinkOptions {
  choices: Choice[];
  oracle: OracleName;
  /** Runs one schedule under `strategy` (and calls its `observe` on every step). */
  run: (strategy: ExploringStrategy) => Promise<SimResult>;
  maxRuns?: number;
  stop?: () => boolean;
}

/** The default, except where a deviation names a deliverable channel; notes where it deviated. */
export function deviating(dev: Map<number, Choice>): ExploringStrategy & { deviated: Deviation[] } {
  const def = nonpreemptive();
  const deviated: Deviation[] = [];
  return {
    name: 'shrink',
    deviated,
    beginRun(seed) {
      deviated.length = 0;
      def.beginRun(seed);
    },
    observe: (ev: TraceEvent) => def.observe?.(ev),
    pick(enabled, step) {
      const d = def.pick(enabled, step);
      const c = dev.get(step);
      const i = c ? indexOfChoice(enabled, c) : -1;
      if (i < 0 || i === d) return d;
      deviated.push([step, c!]);
      return i;
    },
  };
}

export const SHIFTS = [1, 2, 3, 4, 6, 8, -1, -2, -3, -4];

const smaller = (a: Attempt, b: Attempt) =>
  a.preemptions !== b.preemptions ? a.preemptions < b.preemptions : a.deliveries !== b.deliveries ? a.deliveries < b.deliveries : a.deviations.length < b.deviations.length;

export async function shrink(o: ShrinkOptions): Promise<{ best: Attempt; original: Attempt; runs: number } | null> {
  let runs = 0;
  const out = () => runs >= (o.maxRuns ?? 300) || !!o.stop?.();
  const attempt = async (deviations: Deviation[]): Promise<Attempt | null> => {
    runs++;
    const s = countingPreemptions(deviating(new Map(deviations)));
    const r = await o.run(s);
    const violation = r.violations.find((v) => v.oracle === o.oracle);
    return violation ? { deviations: [...s.deviated], choices: r.choices, deliveries: r.steps, preemptions: s.preemptions, violation } : null;
  };
  const original = await attempt(o.choices.map((c, i) => [i, c]));
  if (!original) return null;
  let best = original;
  const consider = (a: Attempt | null) => {
    if (!a || !smaller(a, best)) return false;
    best = a;
    return true;
  };
  for (let progress = true; progress && !out(); ) {
    progress = false;
    // The fewest leading deviations that still fail (bisection; a miss is only a missed shortcut).
    let [lo, hi] = [0, best.deviations.length];
    while (lo < hi && !out()) {
      const mid = (lo + hi) >>> 1;
      const a = await attempt(best.deviations.slice(0, mid));
      if (a) {
        progress = consider(a) || progress;
        hi = Math.min(mid, best.deviations.length);
      } else lo = mid + 1;
    }
    // Then drop chunks of deviations, halving the chunk size (delta debugging).
    for (let size = best.deviations.length >> 1 || 1; size >= 1 && !out(); size >>= 1) {
      for (let i = best.deviations.length - size; i >= 0 && !out(); i -= size) {
        const d = best.deviations;
        if (consider(await attempt([...d.slice(0, i), ...d.slice(i + size)]))) progress = true;
      }
    }
    // Then move a deviation (or it and all after it) a few steps later or earlier: a switch
    // made once the running thread has blocked is free, the same switch a step before was a
    // preemption.
    for (let i = best.deviations.length - 1; i >= 0 && !out(); i--) {
      for (const tail of [false, true]) {
        for (const delta of SHIFTS) {
          const d = best.deviations;
          if (!d[i] || out()) break;
          const moved = d.map(([st, c], j): Deviation => [j === i || (tail && j > i) ? st + delta : st, c]);
          if (moved[i]![0] >= 0 && consider(await attempt(moved.sort((x, y) => x[0] - y[0])))) progress = true;
        }
      }
    }
  }
  return { best, original, runs };
}
