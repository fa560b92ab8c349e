// xstate inspection events as plain data, so a worker can forward them to the main thread (and
// the main thread to a browser). Only the parts that survive structured cloning are kept.
import type { AnyEventObject, InspectionEvent } from 'xstate';

export interface WireRef {
  /** The actor id (`mm#1`, `prq`): unique in a run. */
  id: string;
  /** xstate's session id, prefixed with the worker (`mm/x:3`): each thread counts from x:0. */
  sessionId: string;
}

/** One inspection event as a transport delivers it, from any worker, with the same field names
 * as xstate's `InspectionEvent` for the parts it keeps. */
export interface WireInspection {
  type: InspectionEvent['type'];
  /** The thread that ran the actor: its worker (actor kind), or `inline`. */
  worker: string;
  rootId: string;
  actorRef: WireRef;
  /** `@xstate.event`: the sender, when an actor sent it. */
  sourceRef?: WireRef;
  /** `@xstate.event`, `@xstate.snapshot`, `@xstate.microstep`: the event. */
  event?: AnyEventObject;
  /** `@xstate.snapshot`, `@xstate.microstep`: the snapshot after the event. */
  snapshot?: { status: string; value: unknown; context: unknown };
  /** `@xstate.action`: the action's name. */
  action?: { type: string };
  /** `@xstate.actor`: the machine's id (= its kind in machines/index.ts), to find its definition. */
  machine?: string;
}

const ref = (worker: string, r: { id?: string; sessionId: string }): WireRef => ({ id: r.id ?? r.sessionId, sessionId: `${worker}/${r.sessionId}` });

const snap = (s: unknown) => {
  const { status, value, context } = s as { status: string; value: unknown; context: unknown };
  return { status, value, context };
};

export function toWire(e: InspectionEvent, worker: string): WireInspection {
  const w: WireInspection = { type: e.type, worker, rootId: `${worker}/${e.rootId}`, actorRef: ref(worker, e.actorRef as { id?: string; sessionId: string }) };
  switch (e.type) {
    case '@xstate.event':
      w.event = e.event;
      if (e.sourceRef) w.sourceRef = ref(worker, e.sourceRef as { id?: string; sessionId: string });
      break;
    case '@xstate.snapshot':
    case '@xstate.microstep':
    case '@xstate.transition':
      w.event = e.event;
      w.snapshot = snap(e.snapshot);
      break;
    case '@xstate.actor':
      // Its snapshot cannot be read yet (the actor is being constructed); the first
      // `@xstate.snapshot` follows once it starts.
      w.machine = (e.actorRef as { logic?: { id?: string } }).logic?.id;
      break;
    case '@xstate.action':
      w.action = { type: e.action.type };
      break;
  }
  return w;
}
