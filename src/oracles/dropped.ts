// P's unhandled-event check: an event delivered to an actor in a state that neither handles nor
// explicitly ignores it. xstate drops such an event silently (a late `ret.mmput` reaching a fault
// thread already in `bad_req` would vanish); the host marks it in the trace as a `dropped` effect.
// Where the kernel really ignores an event, the machine says so with a targetless transition.
import { threadName } from '../trace/cause.ts';
import type { StepOracle, Violation } from './types.ts';

export const dropped: StepOracle = (ev) => {
  let out: Violation[] | undefined;
  for (const e of ev.effects) {
    if (e.op !== 'dropped') continue;
    (out ??= []).push({
      oracle: 'dropped',
      message: `BUG: unhandled event: ${e.event} from ${threadName(ev.args.ctx ?? ev.from)} reached ${ev.to} in state ${e.state || '(none)'}, which neither handles nor ignores it`,
      step: ev.step,
      actors: [ev.to, ev.from],
    });
  }
  return out;
};
