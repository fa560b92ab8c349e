// Ample sets for the stateful search: at a state, the deliveries to one actor stand for all the
// deliveries enabled there, when that is sound (D. Peled, "All from one, one for all: on model
// checking using representatives", CAV 1993; G. J. Holzmann and D. Peled, "An improvement in
// formal verification", FORTE 1994; Clarke, Grumberg, Peled, "Model Checking", ch. 10):
//   C0  the ample set is empty only where nothing is enabled (an end state keeps its successors:
//       every deadlock, stuck and end state of the full graph is reached);
//   C1  along every path from the state, no delivery that depends on the ample set runs before
//       one of it does (checked below from what the engine has learned: dependence.ts);
//   C2  visibility: the oracles observe objects, and a delivery that touches an object another
//       actor may touch (one of them writing) is dependent on it (dependence.ts), so the order of
//       what an oracle observes is kept in every representative;
//   C3  the cycle proviso, in the search (stateful.ts): an ample set one of whose deliveries
//       closes a cycle on the dfs stack is expanded fully (SPIN's stack proviso).
// An actor is the SPIN "process" here: its deliveries are the transitions from its local state,
// and the only way another actor can add one is a send to it.
import type { Knowledge } from '../engine/dependence.ts';
import type { GlobalState } from '../engine/state.ts';
import type { Message } from '../runtime/types.ts';

/** The deliveries to one actor that can stand for all of `opts` at this state, or null (expand
 * every one). Actors are tried in the order of their first enabled message (deterministic). */
export function ampleSet(g: GlobalState, k: Knowledge, opts: readonly Message[], reorder: boolean): { set: Message[]; actor: number } | null {
  const tried = new Set<number>();
  for (const m of opts) {
    const a = k.indexOf(m.to);
    if (a < 0 || tried.has(a)) continue;
    tried.add(a);
    const set = opts.filter((x) => x.to === m.to);
    if (set.length === opts.length) return null;
    if (independent(g, k, a, reorder)) return { set, actor: a };
  }
  return null;
}

/** C1 for actor `a`: no actor that can run before `a` does (one with a message in flight, or one
 * they can reach by sends, never through `a`) touches what `a` touches, or can send `a` a message
 * that would be enabled beside the ones it has (on an empty channel; any, with reorder). */
function independent(g: GlobalState, k: Knowledge, a: number, reorder: boolean): boolean {
  const reach = new Uint8Array(k.ids.length);
  const todo: number[] = [];
  for (const [, q] of g.inFlight()) {
    for (const m of q) {
      const b = k.indexOf(m.to);
      if (b < 0) return false;
      if (b !== a && !reach[b]) {
        reach[b] = 1;
        todo.push(b);
      }
    }
  }
  while (todo.length) {
    const b = todo.pop()!;
    if (k.conflict(a, b)) return false;
    for (const [ch, to] of k.sends[b]!) if (to === a && (reorder || g.isEmpty(ch))) return false;
    for (const t of k.targets(b)) {
      if (t !== a && !reach[t]) {
        reach[t] = 1;
        todo.push(t);
      }
    }
  }
  return true;
}
