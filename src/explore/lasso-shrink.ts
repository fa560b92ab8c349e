// Shrinking a lasso (a livelock's counterexample): delta debugging over its two parts. A candidate
// keeps some of the prefix's choices and some of the cycle's, and is kept when it still replays
// as a lasso (the cycle comes back to the global state the prefix reached, src/faults/lasso.ts)
// and is smaller: fewer preemptions (as ../explore/shrink.ts), then fewer deliveries in all, then a
// shorter cycle. The prefix is shrunk as any counterexample is, by deviations from a default that
// never preempts (../explore/shrink.ts), with "the run passes through the state the cycle starts
// from" for "the oracle fires". The cycle also tries to start earlier (the prefix's last delivery
// moved in front of it, its own last dropped: the same loop, entered one step sooner), and loses
// the chunks it can do without.
import type { Choice } from '../runtime/run.ts';
import type { ActorSpec, Transport } from '../runtime/types.ts';
import { Diverged } from '../scheduler/replay.ts';
import type { SimResult } from '../simulate.ts';
import { shrink } from './shrink.ts';
import { keyAfter, replayLasso, runTo, type LassoRun } from '../faults/lasso.ts';

export interface Lasso {
  prefix: Choice[];
  cycle: Choice[];
  run: LassoRun;
}

export interface LassoShrinkOptions {
  specs: ActorSpec[];
  transport: Transport;
  choices: Choice[];
  prefix: number;
  maxRuns?: number;
  stop?: () => boolean;
}

const size = (l: Lasso) => [l.run.preemptions, l.prefix.length + l.cycle.length, l.cycle.length];

function smaller(a: Lasso, b: Lasso): boolean {
  const [x, y] = [size(a), size(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
  return false;
}

const without = <T>(xs: T[], i: number, n: number) => [...xs.slice(0, i), ...xs.slice(i + n)];

export async function shrinkLasso(o: LassoShrinkOptions): Promise<{ best: Lasso; original: Lasso; runs: number } | null> {
  let runs = 0;
  const out = () => runs >= (o.maxRuns ?? 3000) || !!o.stop?.();
  const attempt = async (prefix: Choice[], cycle: Choice[]): Promise<Lasso | null> => {
    if (!cycle.length) return null;
    runs++;
    try {
      const run = await replayLasso(o.specs, o.transport, [...prefix, ...cycle], prefix.length);
      return run.closes && run.violation ? { prefix, cycle, run } : null;
    } catch (e) {
      if (e instanceof Diverged) return null;
      throw e;
    }
  };
  const original = await attempt(o.choices.slice(0, o.prefix), o.choices.slice(o.prefix));
  if (!original) return null;
  let best = original;
  const consider = (l: Lasso | null) => {
    if (!l || !smaller(l, best)) return false;
    best = l;
    return true;
  };
  // The prefix: any run that reaches the cycle's first state will do.
  const shorterPrefix = async () => {
    const target = await keyAfter(o.specs, o.transport, best.prefix);
    const limit = best.prefix.length * 2 + 100;
    const run = async (st: Parameters<Parameters<typeof shrink>[0]['run']>[0]) => {
      runs++;
      const choices = await runTo(o.specs, o.transport, st, target, limit);
      return (choices ? { violations: [best.run.violation], choices, steps: choices.length } : { violations: [] }) as unknown as SimResult;
    };
    const s = await shrink({ choices: best.prefix, oracle: 'livelock', run, maxRuns: 1000, stop: out });
    return !!s && consider(await attempt(s.best.choices, best.cycle));
  };
  for (let progress = true; progress && !out(); ) {
    progress = false;
    if (await shorterPrefix()) progress = true;
    // Enter the loop earlier, one step at a time, while it still closes.
    while (best.prefix.length && !out() && consider(await attempt(best.prefix.slice(0, -1), [best.prefix.at(-1)!, ...best.cycle.slice(0, -1)]))) progress = true;
    // Drop chunks of the cycle, halving the chunk size.
    for (let n = best.cycle.length >> 1 || 1; n >= 1 && !out(); n >>= 1) {
      for (let i = best.cycle.length - n; i >= 0 && !out(); i -= n) if (consider(await attempt(best.prefix, without(best.cycle, i, n)))) progress = true;
    }
  }
  return { best, original, runs };
}
