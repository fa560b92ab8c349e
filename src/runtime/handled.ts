// Which events a state handles: P's "unhandled event" check. xstate drops an event that no active
// state node has a transition for; the host reports that as a `dropped` effect. Guards aside: a
// guarded transition that does not fire still counts as handled, and so does an explicit
// targetless transition with no actions (the machine's way of saying the kernel ignores it).
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';

interface Handled {
  exact: Set<string>;
  /** `ret.*` handles every `ret.<fn>`; `*` every event. */
  prefixes: string[];
}
type NodeLike = { transitions: Map<string, unknown> };

/** Per machine, per state value (as the host flattens it): computed once. */
const cache = new WeakMap<AnyStateMachine, Map<string, Handled>>();

function handledBy(snap: AnyMachineSnapshot): Handled {
  const out: Handled = { exact: new Set(), prefixes: [] };
  for (const n of (snap as unknown as { _nodes: NodeLike[] })._nodes) {
    for (const d of n.transitions.keys()) {
      if (d === '*') out.prefixes.push('');
      else if (d.endsWith('.*')) out.prefixes.push(d.slice(0, -1));
      else out.exact.add(d);
    }
  }
  return out;
}

/** Does the snapshot's configuration have a transition for `type`? `state` is its flattened value. */
export function handles(snap: AnyMachineSnapshot, state: string, type: string): boolean {
  let byState = cache.get(snap.machine);
  if (!byState) cache.set(snap.machine, (byState = new Map()));
  let h = byState.get(state);
  if (!h) byState.set(state, (h = handledBy(snap)));
  return h.exact.has(type) || h.prefixes.some((p) => type.startsWith(p));
}
