// Ample sets for the stateful search: at a state, the deliveries to one actor stand for all the
// deliveries enabled there, when that is sound (D. Peled, "All from one, one for all: on model
// checking using representatives", CAV 1993; G. J. Holzmann and D. Peled, "An improvement in
// formal verification", FORTE 1994; E. M. Clarke, O. Grumberg, D. Peled, "Model Checking", MIT
// Press 1999, ch. 10):
//   C0  the ample set is empty only where nothing is enabled (an end state keeps its successors:
//       every deadlock, stuck and end state of the full graph is reached);
//   C1  along every path from the state, no delivery that depends on the ample set runs before
//       one of it does (checked below from what the engine has learned: engine/dependence.ts);
//   C2  visibility: what an oracle observes is a key of the deliveries that it observes, and two
//       deliveries that clash on a key are dependent (dependence.ts), so C1 keeps the order of
//       what each oracle observes in every run the reduction keeps;
//   C3  the cycle proviso, in the search (stateful.ts): a state one of whose ample deliveries
//       reaches a state on the dfs stack is expanded fully (SPIN's stack proviso; Holzmann, Peled,
//       FORTE 1994, and "The Model Checker SPIN", 1997, §4: it keeps every cycle of the full graph
//       represented, so lassos, and with them livelocks, stay).
// An actor is SPIN's "process" here: its deliveries are the transitions from its local state, and
// only a send to it on an empty channel (any send, with reorder) can give it another one.
import type { Knowledge } from '../engine/dependence.ts';
import type { GlobalState } from '../engine/state.ts';
import type { Message } from '../runtime/types.ts';

/** The deliveries to one actor that can stand for all of `opts` at this state, or null (expand
 * every one). Of the actors whose set passes C1, the one with the fewest deliveries, the first
 * in seq order among equals (deterministic). */
export function ampleSet(g: GlobalState, k: Knowledge, opts: readonly Message[], reorder: boolean): { set: Message[]; actor: number } | null {
  const by = new Map<string, Message[]>();
  for (const m of opts) {
    const l = by.get(m.to);
    if (l) l.push(m);
    else by.set(m.to, [m]);
  }
  if (by.size < 2) return null;
  // Every message in flight: a channel's later messages run after its head, before `a`'s maybe.
  const inFlight: number[] = [];
  for (const [ch, q] of g.inFlight()) for (const m of q) inFlight.push(k.node(ch, m.event.type, m.to));
  const enabled = new Map<Message, number>();
  for (const m of opts) enabled.set(m, k.node(g.channelOfMsg(m), m.event.type, m.to));
  const candidates = [...by.values()].sort((x, y) => x.length - y.length);
  for (const set of candidates) {
    const a = k.indexOf(set[0]!.to);
    if (a >= 0 && independent(g, k, a, set.map((m) => enabled.get(m)!), inFlight, reorder)) return { set, actor: a };
  }
  return null;
}

/** C1 for actor `a`, whose enabled deliveries are of the nodes `mine`: no delivery that can run
 * before one of `a`'s (of a message in flight, or of one such deliveries can send, never through
 * `a`) clashes with what `a`'s deliveries touch, or sends `a` a message that would be enabled
 * beside the ones it has (on an empty channel; any, with reorder). */
function independent(g: GlobalState, k: Knowledge, a: number, mine: readonly number[], inFlight: readonly number[], reorder: boolean): boolean {
  const seen = new Uint8Array(k.nodes);
  const todo: number[] = [];
  for (const c of inFlight) {
    if (k.receiver[c] === a || seen[c]) continue;
    seen[c] = 1;
    todo.push(c);
  }
  while (todo.length) {
    const c = todo.pop()!;
    for (const m of mine) if (k.conflict(c, m)) return false;
    for (const d of k.outs[c]!) {
      if (k.receiver[d] === a) {
        if (reorder || g.isEmpty(k.names[d]!)) return false;
      } else if (!seen[d]) {
        seen[d] = 1;
        todo.push(d);
      }
    }
  }
  return true;
}

