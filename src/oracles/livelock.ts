// Livelock: a non-progress cycle of the state graph (SPIN's -l, P's hot states). A run that comes
// back to a global state it already passed through can go round forever without any process
// moving on, since a process's steps only go forward. The stateful search finds such a cycle when
// a run meets a state still on its stack; it hands over the lasso: the deliveries up to the cycle
// (the prefix) and those of the cycle. Weak fairness is not assumed, as in SPIN -l without -f.
import type { TraceEvent } from '../runtime/types.ts';
import type { Oracle } from './types.ts';

/** The cycle's deliveries of a lasso-shaped trace: those after the first `prefix` deliveries. */
export const cycleOf = (trace: TraceEvent[], prefix: number): TraceEvent[] => trace.filter((e) => e.seq >= 0).slice(prefix);

const name = (e: TraceEvent) => `${e.to}:${e.event}`;

export const livelock: Oracle = ({ trace, lasso }) => {
  if (lasso === undefined) return [];
  const cycle = cycleOf(trace, lasso);
  if (!cycle.length) return [];
  const first = cycle[0]!;
  const actors = [...new Set(cycle.map((e) => e.to))].sort();
  const shown = cycle.slice(0, 8).map(name).join(' → ');
  return [
    {
      oracle: 'livelock',
      message: `livelock: a non-progress cycle of ${cycle.length} deliveries from step ${first.step} returns to the same global state, forever (${actors.join(', ')}): ${shown}${cycle.length > 8 ? ' → …' : ''}`,
      step: first.step,
      actors,
      lasso: { prefix: lasso, cycle: cycle.length },
    },
  ];
};
