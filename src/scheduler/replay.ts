// replay: follow a recorded list of choices, then hand over to another strategy (fifo by default),
// as Coyote's strategies replay a prefix. A recorded choice that is not deliverable is a divergence.
import { channelOf, type Message } from '../runtime/types.ts';
import type { Choice } from '../runtime/run.ts';
import type { TraceEvent } from '../runtime/types.ts';
import type { ExploringStrategy } from './exploring.ts';
import { fifo } from './fifo.ts';

/** A recorded choice that cannot be taken: the model or the scenario no longer matches the file. */
export class Diverged extends Error {
  constructor(
    readonly step: number,
    readonly expected: Choice | null,
    readonly deliverable: string[],
  ) {
    super(
      expected
        ? `diverged at step ${step}: the recorded channel ${expected.ch}${expected.k ? ` (position ${expected.k})` : ''} is not deliverable (deliverable: ${deliverable.join(', ') || 'nothing'})`
        : `diverged at step ${step}: the run ended (nothing in flight) before the recorded choices did`,
    );
  }
}

/** Index in `enabled` of the k-th message of channel `ch` (its queue, in seq order), or -1. */
export function indexOfChoice(enabled: readonly Message[], c: Pick<Choice, 'ch' | 'k'>): number {
  let seen = 0;
  for (let i = 0; i < enabled.length; i++) {
    if (channelOf(enabled[i]!) !== c.ch) continue;
    if (seen++ === c.k) return i;
  }
  return -1;
}

/** `then`: what decides once the choices run out (fifo by default). */
export function replay(choices: readonly Choice[], then: ExploringStrategy = fifo()): ExploringStrategy {
  return {
    name: 'replay',
    beginRun: (seed) => then.beginRun(seed),
    observe: (ev: TraceEvent) => then.observe?.(ev),
    pick(enabled, step) {
      const c = choices[step];
      if (!c) return then.pick(enabled, step);
      const i = indexOfChoice(enabled, c);
      if (i < 0) throw new Diverged(step, c, [...new Set(enabled.map(channelOf))]);
      return i;
    },
  };
}


/** `prefix`'s choices first, exactly (a divergence throws), then `inner`, which sees the steps
 * counted from the end of the prefix: an exploration that starts from a point of a run (`svmsim
 * play`'s "explore from here") places its change points, delays and random picks after it. */
export function prefixed(prefix: readonly Choice[], inner: ExploringStrategy): ExploringStrategy {
  const n = prefix.length;
  const s: ExploringStrategy = {
    name: inner.name,
    beginRun: (seed) => inner.beginRun(seed),
    observe: (ev: TraceEvent) => inner.observe?.(ev),
    pick(enabled, step) {
      if (step >= n) return inner.pick(enabled, step - n);
      const i = indexOfChoice(enabled, prefix[step]!);
      if (i < 0) throw new Diverged(step, prefix[step]!, [...new Set(enabled.map(channelOf))]);
      return i;
    },
  };
  if (inner.endRun) s.endRun = () => inner.endRun!();
  return s;
}
