// Isolation between address spaces: a fault, page walk or DMA meant for one mm must not touch
// another's memory (a stale page request served against a reused PASID's new owner, say).
import type { StepOracle, Violation } from './types.ts';

export const isolation: StepOracle = (ev, objects) => {
  let out: Violation[] | undefined;
  if (ev.event === 'handle_mm_fault' && typeof ev.args.forMm === 'string' && ev.args.forMm !== ev.to) {
    (out ??= []).push({
      oracle: 'isolation',
      message: `BUG: isolation: a page request for ${ev.args.forMm} was served in ${ev.to} by handle_mm_fault (${String(ev.args.ctx)})`,
      step: ev.step,
      actors: [ev.from, ev.to],
    });
  }
  for (const e of ev.effects) {
    if (e.op !== 'access' || !e.mm) continue;
    const o = objects.peek(e.obj);
    const mm = o ? objects.mmOf(o.owner) : undefined;
    if (mm && mm !== e.mm) {
      (out ??= []).push({
        oracle: 'isolation',
        message: `BUG: isolation: ${e.how} meant for ${e.mm} reached ${e.obj} of ${mm}`,
        step: ev.step,
        objects: [e.obj],
      });
    }
  }
  return out;
};
