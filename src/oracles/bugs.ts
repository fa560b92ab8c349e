// Refcount and invariant BUGs: the BUG_ON/WARN_ON the machines check, counts below zero, double
// frees. v4.4 does not check a mmdrop underflow; the model does.
import type { StepOracle, Violation } from './types.ts';

export const bugs: StepOracle = (ev, objects) => {
  let out: Violation[] | undefined;
  let freedHere: Set<string> | undefined;
  for (const e of ev.effects) {
    if (e.op === 'bug') {
      (out ??= []).push({ oracle: e.oracle as Violation['oracle'], message: e.message, step: ev.step, actors: [ev.to] });
    } else if (e.op === 'count' && typeof e.to === 'number' && e.to < 0) {
      (out ??= []).push({ oracle: 'invariant', message: `BUG: ${e.obj}->${e.field} = ${e.to} (below zero) in ${ev.event}`, step: ev.step, objects: [e.obj] });
    } else if (e.op === 'free') {
      if (objects.freedAt(e.obj) !== undefined || freedHere?.has(e.obj)) (out ??= []).push({ oracle: 'invariant', message: `BUG: double free of ${e.obj} in ${ev.event}`, step: ev.step, objects: [e.obj] });
      (freedHere ??= new Set()).add(e.obj);
    }
  }
  return out;
};
