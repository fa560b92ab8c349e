// The transition table: each actor's local transitions, run once. The machines are pure: what an
// actor does on an event (its next snapshot, what it sends, the effects the host reads off its
// objects) depends only on its snapshot and the event. So each distinct snapshot of an actor is
// interned (hash-consed on its state value and context) as a small integer, each distinct event
// too, and (actor, state, event, sender) → (next state, delivery) is kept. A hit runs no xstate
// code at all: the delivery it returns is the one recorded (immutable, shared by every run that
// takes it). A miss runs the machine once on an ActorHost, restarting the actor from the interned
// snapshot when the live one is elsewhere, and fills the entry. Undo restores ids, no actor.
//
// The table of a world (its actor specs) is kept for the whole process, so every exploration of
// that world in this thread (each job, the shrinker, replays, a worker's next job) finds it warm.
// An entry keeps the statechart steps its miss took, so that each host's coverage sees them once:
// only what coverage reads of each (the transitions taken, the actor, its state value), not the
// microstep's whole snapshot, and only when a host asks for coverage.
//
// What an entry costs is mostly what it shares: an interned state is its configuration's shape
// (one snapshot per set of active nodes in xstate's order: value, nodes, tags) and its own context,
// its snapshot rebuilt from the two on a restore, field for field the one xstate made; a delivery
// is its next state's name and hash and lists of sends and effects each kept once per world, as
// are the sends (what a message made from one is delivered by). Figures: docs/results/issue-27.md.
import type { AnyMachineSnapshot, InspectedMicrostepEvent } from 'xstate';
import { ActorHost } from '../runtime/host.ts';
import { channelOf, type ActorSpec, type ActorView, type Delivery, type KEvent, type Message, type SendKey, type Transport } from '../runtime/types.ts';
import { strHash, type Fp } from './hash.ts';
import { HashInterner, NumberMap } from './intern.ts';
import type { WireInspection } from '../runtime/threads/inspection.ts';
import { isWorkerFault, simulatedWorkerFault } from '../runtime/thread-faults.ts';

/** What the states of an actor in one configuration (xstate's active nodes, in the order it
 * entered them) have alike: a snapshot in it, whose every field but the context (the state value,
 * the nodes, the tags, the status) such a state has too; what views show. */
interface Shape {
  snap: AnyMachineSnapshot;
  order: string;
  state: string;
  waiting: boolean;
}

/** An interned state: its configuration and context (the snapshot to restore, rebuilt), its
 * fingerprint component. */
interface StateRow {
  shape: Shape;
  context: unknown;
  hash: Fp;
}

/** A state's key: xstate's node order and the JSON text of its value and context (keyContext). */
const stateText = (kind: string, value: unknown, context: unknown): string => JSON.stringify([value, keyContext(kind, context as Record<string, unknown>)]);
const rowKey = (kind: string, r: StateRow): string => `${r.shape.order}\u0000${stateText(kind, r.shape.snap.value, r.context)}`;
/** The snapshot of an interned state: its shape's, with its own context (every other field alike). */
const snapshotOf = (r: StateRow): AnyMachineSnapshot => (r.shape.snap.context === r.context ? r.shape.snap : ({ ...r.shape.snap, context: r.context } as AnyMachineSnapshot));

/** A snapshot whose fields but the context are its configuration's alone (no children, history,
 * output or error): one that can share a shape. */
const plain = (snap: AnyMachineSnapshot): boolean =>
  snap.status === 'active' && snap.output === undefined && snap.error === undefined && !Object.keys(snap.children).length && !Object.keys(snap.historyValue ?? {}).length;

/** One actor's interned states and its row of the table (shared by every host of the world). */
interface ActorTable {
  id: string;
  kind: string;
  index: number;
  /** Exact states (value, context and xstate's node order, which decides which parallel region's
   * eventless transitions run first): the table's keys. */
  states: HashInterner<StateRow>;
  /** Its configurations seen, by node order. */
  shapes: Map<string, Shape>;
  /** sid · 2^26 + (event · actors + sender) → entry (its number in the lists below). */
  table: NumberMap;
  /** Each entry's next state and delivery. */
  next: number[];
  deliveries: Delivery[];
  /** The entries whose miss was recorded for coverage: the microsteps. */
  covered: Map<number, Covered>;
}

/** A microstep as an entry keeps it: a plain inspection event (WireInspection's fields) with the
 * transitions taken and the state value, without the context, and without xstate's snapshot. */
export type MicroStep = WireInspection & { _transitions: unknown[] };

function microStep(e: InspectedMicrostepEvent): MicroStep {
  const ref = e.actorRef as unknown as { id: string; sessionId: string };
  const { status, value } = e.snapshot as unknown as { status: string; value: unknown };
  return { type: e.type, worker: 'inline', rootId: e.rootId, actorRef: { id: ref.id, sessionId: ref.sessionId }, snapshot: { status, value, context: null }, _transitions: e._transitions };
}

/** An entry's microsteps, for coverage. */
interface Covered {
  /** The microsteps the machine took. */
  steps: MicroStep[];
  /** The last host whose coverage saw them. */
  seenBy: number;
}

/** A send as the table keeps it: what a message made from it is delivered by, worked out once. */
interface MemoKey extends SendKey {
  readonly world: WorldTable;
  /** The receiver's row, and the event (interned) with its sender, as deliver's key wants them. */
  readonly to: ActorTable;
  readonly dkey: number;
}

/** A world's table: its actors, its events, its start. */
interface WorldTable {
  actors: ActorTable[];
  byId: Map<string, ActorTable>;
  eventIds: Map<object, number>;
  /** By their JSON text (kept as its hash). */
  events: HashInterner<KEvent>;
  boot: { from: string; delivery: Delivery; sid: number }[];
  bootSteps: MicroStep[];
  entries: number;
  parts: Parts;
}

type Send = Delivery['sends'][number];

/** The pieces deliveries are made of, each kept once and shared by every entry that has it (most
 * entries differ only in the next state): sends (by sender, event and receiver), lists of sends,
 * lists of effects (by their JSON text, undefined fields told apart). */
interface Parts {
  sends: Map<string, { send: Send; n: number }>;
  sendLists: Map<string, Delivery['sends']>;
  effectLists: Map<string, Delivery['effects']>;
}

const undefinedKept = (_k: string, v: unknown): unknown => (v === undefined ? '\u0000undefined' : v);

const eventText = (e: KEvent): string => JSON.stringify(e);

/** The id of event `e` in world `w` (kept, frozen if `freeze`, when new). */
function internEvent(w: WorldTable, e: KEvent, freeze = false): number {
  const text = eventText(e);
  return w.events.intern(text, strHash(text), () => (freeze ? Object.freeze(e) : e));
}

/** The shape of `snap` (its node order `order`), made once per configuration of actor `a`. */
function shapeOf(a: ActorTable, snap: AnyMachineSnapshot, order: string, d: Delivery): Shape {
  const fresh = (): Shape => ({ snap, order, state: d.state, waiting: d.waiting });
  if (!plain(snap)) return fresh();
  let got = a.shapes.get(order);
  if (!got) a.shapes.set(order, (got = fresh()));
  return got;
}

/** The one list of effects like `effects` (frozen, shared). */
function effectList(parts: Parts, effects: Delivery['effects']): Delivery['effects'] {
  const key = effects.length ? JSON.stringify(effects, undefinedKept) : '';
  let got = parts.effectLists.get(key);
  if (!got) parts.effectLists.set(key, (got = Object.freeze(effects) as Delivery['effects']));
  return got;
}

/** The one list of these sends (each already the shared one, numbered `ns`). */
function sendList(parts: Parts, sends: Send[], ns: number[]): Delivery['sends'] {
  const key = ns.join(',');
  let got = parts.sendLists.get(key);
  if (!got) parts.sendLists.set(key, (got = Object.freeze(sends) as Delivery['sends']));
  return got;
}

export interface MemoOptions {
  /** Coverage: the xstate inspection events of each transition, once per host. */
  inspect?: (e: WireInspection) => void;
  /** Entries to keep at most (all worlds of this thread); past it, misses run the machine without
   * filling the table. */
  maxEntries?: number;
}

export interface MemoStats {
  hits: number;
  misses: number;
  entries: number;
  states: number;
  events: number;
  full: boolean;
}

export const DEFAULT_MAX_ENTRIES = 1 << 20;
const KEY_SPAN = 2 ** 26;
/** Worlds kept (the oldest is dropped past this). */
const MAX_WORLDS = 8;
const worlds = new Map<string, WorldTable>();
let hostCount = 0;

const nodeOrder = (snap: AnyMachineSnapshot): string => ((snap as unknown as { _nodes: { id: string }[] })._nodes ?? []).map((n) => n.id).join(',');

/** Drop every world's table (tests that count misses start from nothing). */
export function forgetTables(): void {
  worlds.clear();
}

export class MemoHost {
  private readonly host: ActorHost;
  private readonly epoch = ++hostCount;
  private world: WorldTable | null = null;
  private specs: ActorSpec[] | null = null;
  /** Each actor's state now, and the state its hosted xstate actor is in (-1: not hosted). */
  private cur = new Int32Array(0);
  private live = new Int32Array(0);
  private journal: { actor: number; prev: number }[] | null = null;
  /** What a miss's microsteps went to: the current entry's list (null: none being recorded). */
  private recording: MicroStep[] | null = null;
  private readonly maxEntries: number;
  readonly stats: MemoStats = { hits: 0, misses: 0, entries: 0, states: 0, events: 0, full: false };

  constructor(private readonly opts: MemoOptions = {}) {
    this.host = new ActorHost({ inspect: (e) => e.type === '@xstate.microstep' && this.recording?.push(microStep(e)) });
    this.maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  setJournal(on: boolean): void {
    this.journal = on ? [] : null;
  }

  /** Every actor at its initial state; the world's first start runs the machines, the rest reuse it. */
  start(specs: ActorSpec[]): { from: string; delivery: Delivery }[] {
    if (specs !== this.specs) this.enter(specs);
    if (this.journal) this.journal = [];
    const w = this.world!;
    for (const b of w.boot) this.cur[w.byId.get(b.from)!.index] = b.sid;
    return w.boot;
  }

  /** This host's first start in a world: find its table (or make it), host its actors. */
  private enter(specs: ActorSpec[]): void {
    const key = JSON.stringify(specs);
    this.specs = specs;
    this.recording = [];
    const started = this.host.start(specs);
    const steps = this.recording;
    this.recording = null;
    let w = worlds.get(key);
    if (!w) {
      const actors = specs.map((s, index): ActorTable => ({ id: s.id, kind: s.kind, index, states: new HashInterner<StateRow>((r) => rowKey(s.kind, r)), shapes: new Map(), table: new NumberMap(), next: [], deliveries: [], covered: new Map() }));
      w = { actors, byId: new Map(actors.map((a) => [a.id, a])), eventIds: new Map(), events: new HashInterner<KEvent>(eventText), boot: [], bootSteps: steps, entries: 0, parts: { sends: new Map(), sendLists: new Map(), effectLists: new Map() } };
      this.world = w;
      w.boot = started.map(({ from, delivery }) => {
        const a = w!.byId.get(from)!;
        const { delivery: d, sid } = this.canonical(delivery, a, this.host.snapshotOf(from));
        return { from, delivery: d, sid };
      });
      if (worlds.size >= MAX_WORLDS) worlds.delete(worlds.keys().next().value!);
      worlds.set(key, w);
    }
    this.world = w;
    this.cur = new Int32Array(specs.length);
    this.live = new Int32Array(specs.length);
    for (const b of w.boot) this.live[w.byId.get(b.from)!.index] = b.sid;
    if (this.opts.inspect) for (const e of w.bootSteps) this.opts.inspect(e);
  }

  deliver(msg: Message): Delivery {
    const w = this.world!;
    // A message made from one of this world's interned sends carries its row and key.
    const k = msg.key as MemoKey | undefined;
    const a = k && k.world === w ? k.to : w.byId.get(msg.to);
    if (!a) throw new Error(`no actor '${msg.to}' in this host`);
    const dkey = k && k.world === w ? k.dkey : this.eventId(msg.event) * (w.actors.length + 1) + (w.byId.get(msg.from)?.index ?? w.actors.length);
    const cur = this.cur[a.index]!;
    const key = dkey < KEY_SPAN ? cur * KEY_SPAN + dkey : -1;
    this.journal?.push({ actor: a.index, prev: cur });
    const hit = key >= 0 ? a.table.get(key) : undefined;
    if (hit !== undefined) {
      this.stats.hits++;
      this.cur[a.index] = a.next[hit]!;
      const c = this.opts.inspect && a.covered.get(hit);
      if (c && c.seenBy !== this.epoch) this.cover(c);
      return a.deliveries[hit]!;
    }
    // A worker fault is never kept in the table (its delivery throws): so only a miss can be one.
    if (isWorkerFault(msg)) simulatedWorkerFault(msg);
    return this.miss(msg, a, cur, key);
  }

  /** Run the machine for a transition the table does not hold, and keep it. */
  private miss(msg: Message, a: ActorTable, cur: number, key: number): Delivery {
    const w = this.world!;
    this.stats.misses++;
    if (this.live[a.index] !== cur) this.host.restore(a.id, snapshotOf(a.states.values[cur]!));
    // Coverage's microsteps, only when something reads them.
    const steps: MicroStep[] = [];
    this.recording = this.opts.inspect ? steps : null;
    let answer: Delivery;
    try {
      answer = this.host.deliver(msg.to, msg.event, msg.from);
    } finally {
      this.recording = null;
    }
    const { delivery, sid } = this.canonical(answer, a, this.host.snapshotOf(msg.to));
    this.live[a.index] = sid;
    this.cur[a.index] = sid;
    const covered: Covered = { steps, seenBy: 0 };
    if (this.opts.inspect) this.cover(covered);
    if (key >= 0 && w.entries < this.maxEntries) {
      const e = a.next.length;
      a.table.set(key, e);
      a.next.push(sid);
      a.deliveries.push(delivery);
      if (steps.length) a.covered.set(e, covered);
      w.entries++;
      this.stats.entries++;
    } else if (key >= 0) this.stats.full = true;
    return delivery;
  }

  private cover(e: Covered): void {
    e.seenBy = this.epoch;
    for (const s of e.steps) this.opts.inspect!(s);
  }

  /** Take back the last deliveries (journaled): their receivers' states as before. */
  undo(n: number): void {
    const j = this.journal;
    if (!j || n > j.length) throw new Error(`undo of ${n} deliveries, journal holds ${j?.length ?? 'none'}`);
    for (let i = 0; i < n; i++) {
      const e = j.pop()!;
      this.cur[e.actor] = e.prev;
    }
  }

  views(): ActorView[] {
    return this.world!.actors.map((a) => {
      const { shape } = a.states.values[this.cur[a.index]!]!;
      return { id: a.id, kind: a.kind, state: shape.state, waiting: shape.waiting };
    });
  }

  /** An actor's state now, as its key (rowKey: the text the table interns it by). */
  stateText(id: string): string {
    const a = this.world!.byId.get(id)!;
    return rowKey(a.kind, a.states.values[this.cur[a.index]!]!);
  }

  stop(): void {
    this.host.stop();
    this.specs = null;
    this.world = null;
  }

  private eventId(e: KEvent): number {
    const w = this.world!;
    let id = w.eventIds.get(e);
    if (id === undefined) {
      id = internEvent(w, e);
      w.eventIds.set(e, id);
      this.stats.events = w.events.size;
    }
    return id;
  }

  /** The send of event `id` from actor `a` to `to`, made once per world: its message's key worked out. */
  private send(a: ActorTable, id: number, to: string): { send: Send; n: number } {
    const w = this.world!;
    const k = `${a.index}\u0000${id}\u0000${to}`;
    let got = w.parts.sends.get(k);
    if (got) return got;
    const event = w.events.values[id]!;
    w.eventIds.set(event, id);
    const row = w.byId.get(to);
    const { type: _t, ...args } = event;
    const key: MemoKey | undefined = row && Object.freeze({ ch: channelOf({ from: a.id, to, event }), args: Object.freeze(args), world: w, to: row, dkey: id * (w.actors.length + 1) + a.index });
    got = { send: Object.freeze({ to, event, key }), n: w.parts.sends.size };
    w.parts.sends.set(k, got);
    return got;
  }

  /** The delivery as the table keeps it: its events interned (so the messages made from it are
   * known by identity), the receiver's new state interned, frozen. */
  private canonical(d: Delivery, a: ActorTable, snap: AnyMachineSnapshot): { delivery: Delivery; sid: number } {
    const w = this.world!;
    const text = stateText(a.kind, snap.value, snap.context);
    const hash = Object.freeze(strHash(text));
    const order = nodeOrder(snap);
    const sid = a.states.intern(`${order}\u0000${text}`, hash, () => ({ shape: shapeOf(a, snap, order, d), context: snap.context, hash }));
    this.stats.states = Math.max(this.stats.states, sid + 1);
    const ns: number[] = [];
    const sends = d.sends.map((s) => {
      const id = internEvent(w, s.event, true);
      const got = this.send(a, id, s.to);
      ns.push(got.n);
      return got.send;
    });
    this.stats.events = w.events.size;
    const row = a.states.values[sid]!;
    const delivery = Object.freeze({ state: row.shape.state, waiting: d.waiting, sends: sendList(w.parts, sends, ns), effects: effectList(w.parts, d.effects), hash: row.hash });
    return { delivery, sid };
  }
}

/** The context as a state's key reads it. A process's `steps` are its input, the same in every
 * state of the actor: left out, so a key is not as long as the scenario (F10 of issue 29: a
 * 2,000-step scenario spent most of its run writing and hashing the step list at each delivery). */
function keyContext(kind: string, context: Record<string, unknown>): Record<string, unknown> {
  return kind === 'process' ? { ...context, steps: undefined } : context;
}

/** The inline transport with the transition table. */
export function memoTransport(opts: MemoOptions = {}): Transport & { readonly memo: MemoHost } {
  const memo = new MemoHost(opts);
  return {
    name: 'inline',
    memo,
    start: async (specs) => memo.start(specs),
    // A worker fault (a thread that crashes or hangs) is simulated on one thread, as inline does
    // (MemoHost.deliver checks for one where the table has no entry).
    deliver: (msg) => memo.deliver(msg),
    views: async () => memo.views(),
    viewsNow: () => memo.views(),
    stateText: (id) => memo.stateText(id),
    close: async () => memo.stop(),
    journal: async (on) => memo.setJournal(on),
    undo: (receivers) => memo.undo(receivers.length),
  };
}
