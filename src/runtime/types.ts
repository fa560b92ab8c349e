// The runtime's data: messages, deliveries, trace events. Everything here is plain JSON so it
// crosses a MessagePort unchanged and a trace is byte-identical on either transport.
import type { KObj } from '../../machines/objects.ts';

export type ActorId = string;
export interface KEvent {
  type: string;
  [k: string]: unknown;
}

/** An actor to create: its kind picks the machine (machines/index.ts), input seeds its context. */
export interface ActorSpec {
  id: ActorId;
  kind: string;
  input: Record<string, unknown>;
}

/** A message in flight. `seq` is assigned by the scheduler in send order: deterministic. */
export interface Message {
  seq: number;
  /** The step that sent it (null for start-up sends). */
  cause: number | null;
  from: ActorId;
  to: ActorId;
  event: KEvent;
  /** What the memo engine worked out once for the send this message came from (undefined on
   * every other transport): see SendKey. */
  key?: SendKey;
}

/** A send the memo engine interned, worked out once and shared by every message made from it: its
 * channel, its event's fields but the type (the trace's args), and the engine's own lookup key. */
export interface SendKey {
  readonly ch: string;
  readonly args: Record<string, unknown>;
}
/** Names by sender and receiver, each built once: the scheduler asks for a channel and the
 * strategies for a link per enabled message per step, and a string built once is hashed once as a
 * map key. */
function pairNames(make: (from: string, to: string) => string): (from: string, to: string) => string {
  const byFrom = new Map<string, Map<string, string>>();
  return (from, to) => {
    let byTo = byFrom.get(from);
    if (!byTo) byFrom.set(from, (byTo = new Map()));
    let name = byTo.get(to);
    if (name === undefined) byTo.set(to, (name = make(from, to)));
    return name;
  };
}
const channelName = pairNames((from, to) => `${from}>${to}`);
const linkName = pairNames((from, to) => (from < to ? `${from}~${to}` : `${to}~${from}`));

/** A channel is sender → receiver; a send may name a lane (`sched`, `workqueue`) of its own. */
export const channelOf = (m: Pick<Message, 'from' | 'to' | 'event'>): string =>
  m.event.lane ? `${m.from}:${String(m.event.lane)}>${m.to}` : channelName(m.from, m.to);

/** Both directions between two actors (a call and its return); a lane stays a thread of its own. */
export const linkOf = (m: Pick<Message, 'from' | 'to' | 'event'>): string => (m.event.lane ? channelOf(m) : linkName(m.from, m.to));

/** An effect of one delivery, as the oracles and views see it. */
export type Effect =
  | { op: 'alloc'; obj: string; kind: KObj['kind']; owner: string; init: Record<string, unknown> }
  | { op: 'free'; obj: string; kind: KObj['kind'] }
  | { op: 'count'; obj: string; field: string; from: unknown; to: unknown }
  | { op: 'access'; obj: string; how: string; mm?: string }
  | { op: 'bug'; oracle: string; message: string }
  | { op: 'warn'; message: string }
  /** The receiver's state (before the delivery) has no transition for the event: xstate drops it. */
  | { op: 'dropped'; state: string; event: string }
  /** An injected fault fired in this delivery (src/scenario/fault-kinds.ts names the kinds). */
  | { op: 'fault'; kind: string; message: string };

/** What an actor host returns for one delivery. */
export interface Delivery {
  /** The receiver's state after, flattened (`exit_mmap.free_pgtables`). */
  state: string;
  /** True when the receiver is waiting on a reply or a lock (state tag `waiting`). */
  waiting: boolean;
  sends: { to: ActorId; event: KEvent; key?: SendKey }[];
  effects: Effect[];
  /** Journaled hosts only: a hash of the receiver's whole state (value and context) after. */
  digest?: string;
  /** The memoizing engine (src/engine/memo.ts): a 64-bit hash of the receiver's state after, by
   * the same equality as `digest` (value and context), as two 32-bit halves. */
  hash?: { readonly hi: number; readonly lo: number };
}

/** One step of a trace: one delivery. */
export interface TraceEvent {
  step: number;
  seq: number;
  from: ActorId;
  to: ActorId;
  /** The event's type: a kernel function (`mmput`) or its return (`mmput.ret`). */
  event: string;
  /** The event's other fields (ctx, pasid, addr, ...). */
  args: Record<string, unknown>;
  /** The receiver's state after the delivery. */
  state: string;
  effects: Effect[];
  /** The step whose delivery sent this message (null: sent when its actor started). */
  cause: number | null;
  /** Free-running only: the thread that ran it and its logical clock. */
  thread?: string;
  clock?: number;
}

/** The state of one actor at the end of a run. */
export interface ActorView {
  id: ActorId;
  kind: string;
  state: string;
  waiting: boolean;
}

/** A transport hosts the actors and delivers one message at a time (controlled mode). */
export interface Transport {
  readonly name: string;
  /** Create every actor (replacing those of a previous run: one transport serves many
   * schedules); returns what each sent on start, in spec order. */
  start(specs: ActorSpec[]): Promise<{ from: ActorId; delivery: Delivery }[]>;
  /** May answer synchronously (inline does: no promise per delivery). */
  deliver(msg: Message): Delivery | Promise<Delivery>;
  views(): Promise<ActorView[]>;
  /** The same, at once, where the actors are on this thread (the engine's). */
  viewsNow?(): ActorView[];
  close(): Promise<void>;
  /** The text of an actor's state now, as the stateful search's fingerprint counts it (one text
   * per state): what symmetry renames (src/engine/canonical.ts). On the actors' own thread only. */
  stateText?(id: ActorId): string;
  /** Stateful search (src/explore/stateful.ts): from the next start on, keep an undo entry per
   * delivery and report each receiver's `digest`. */
  journal?(on: boolean): Promise<void>;
  /** Take back the last deliveries (their receivers, newest first): each receiver returns to its
   * state before them. */
  undo?(receivers: ActorId[]): Promise<void> | void;
}
