// Stuck: a thread waiting forever (for a reply or a lock) once nothing is in flight, or a run
// that never quiesces within its step budget.
import type { Oracle } from './types.ts';

export const stuck: Oracle = ({ trace, views, quiescent, maxSteps, cut }) => {
  if (cut) return [];
  if (!quiescent) {
    return [{ oracle: 'stuck', message: `INFO: task hung: no quiescence within ${maxSteps} deliveries`, step: trace.length }];
  }
  const waiting = views.filter((v) => v.waiting);
  if (!waiting.length) return [];
  return [
    {
      oracle: 'stuck',
      message: `INFO: task blocked forever with nothing in flight: ${waiting.map((v) => `${v.id} in ${v.state}`).join(', ')}`,
      step: trace.length,
      actors: waiting.map((v) => v.id),
    },
  ];
};
