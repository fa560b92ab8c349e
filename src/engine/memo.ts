// The transition table: each actor's local transitions, run once. The machines are pure: what an
// actor does on an event (its next snapshot, what it sends, the effects the host reads off its
// objects) depends only on its snapshot and the event. So each distinct snapshot of an actor is
// interned (hash-consed on its state value and context) as a small integer, each distinct event
// too, and (actor, state, event, sender) → (next state, delivery) is kept. A hit runs no xstate
// code at all: the delivery it returns is the one recorded (immutable, shared by every run that
// takes it). A miss runs the machine once on an ActorHost, restarting the actor from the interned
// snapshot when the live one is elsewhere, and fills the entry. Undo restores ids, no actor.
import type { AnyMachineSnapshot, InspectionEvent } from 'xstate';
import { ActorHost } from '../runtime/host.ts';
import type { ActorSpec, ActorView, Delivery, KEvent, Message, Transport } from '../runtime/types.ts';
import { strHash, type Fp } from './hash.ts';
import { Interner } from './intern.ts';

/** One actor's interned states and its row of the table. */
interface Slot {
  id: string;
  kind: string;
  index: number;
  /** Exact states (value, context and xstate's node order, which decides which parallel region's
   * eventless transitions run first): the table's keys. */
  states: Interner<{ snap: AnyMachineSnapshot; hash: Fp; state: string; waiting: boolean }>;
  /** sid · 2^26 + (event · actors + sender) → entry. */
  table: Map<number, Entry>;
  cur: number;
  /** The state the hosted xstate actor is in (-1: unknown). */
  live: number;
}

interface Entry {
  next: number;
  delivery: Delivery;
}

export interface MemoOptions {
  /** Every xstate inspection event of the runs that fill the table (coverage reads them). */
  inspect?: (e: InspectionEvent) => void;
  /** Entries to keep at most; past it, misses run the machine without filling the table. */
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

export const DEFAULT_MAX_ENTRIES = 1 << 21;
const KEY_SPAN = 2 ** 26;

const nodeOrder = (snap: AnyMachineSnapshot): string => ((snap as unknown as { _nodes: { id: string }[] })._nodes ?? []).map((n) => n.id).join(',');

export class MemoHost {
  private readonly host: ActorHost;
  private slots: Slot[] = [];
  private readonly byId = new Map<string, Slot>();
  /** Events by identity (every message the engine hands out carries an interned event), and by text. */
  private readonly eventIds = new Map<object, number>();
  private readonly events = new Interner<KEvent>();
  private worldKey = '';
  private specs: ActorSpec[] | null = null;
  private boot: { from: string; delivery: Delivery; sid: number }[] = [];
  private journal: { slot: Slot; prev: number }[] | null = null;
  private readonly maxEntries: number;
  readonly stats: MemoStats = { hits: 0, misses: 0, entries: 0, states: 0, events: 0, full: false };

  constructor(opts: MemoOptions = {}) {
    this.host = new ActorHost({ inspect: opts.inspect });
    this.maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  setJournal(on: boolean): void {
    this.journal = on ? [] : null;
  }

  /** Every actor at its initial state; the world's first start runs the machines, the rest reuse it. */
  start(specs: ActorSpec[]): { from: string; delivery: Delivery }[] {
    if (specs !== this.specs) {
      const key = JSON.stringify(specs);
      if (key !== this.worldKey) this.build(specs, key);
      this.specs = specs;
    }
    if (this.journal) this.journal = [];
    for (const b of this.boot) this.byId.get(b.from)!.cur = b.sid;
    return this.boot;
  }

  private build(specs: ActorSpec[], key: string): void {
    this.worldKey = key;
    this.slots = specs.map((s, index) => ({ id: s.id, kind: s.kind, index, states: new Interner(), table: new Map(), cur: 0, live: 0 }));
    this.byId.clear();
    for (const s of this.slots) this.byId.set(s.id, s);
    this.boot = this.host.start(specs).map(({ from, delivery }) => {
      const slot = this.byId.get(from)!;
      const d = this.canonical(delivery, slot, this.host.snapshotOf(from));
      return { from, delivery: d, sid: slot.live };
    });
  }

  deliver(msg: Message): Delivery {
    const slot = this.byId.get(msg.to);
    if (!slot) throw new Error(`no actor '${msg.to}' in this host`);
    const from = this.byId.get(msg.from)?.index ?? this.slots.length;
    const dkey = this.eventId(msg.event) * (this.slots.length + 1) + from;
    const key = dkey < KEY_SPAN ? slot.cur * KEY_SPAN + dkey : -1;
    this.journal?.push({ slot, prev: slot.cur });
    const hit = key >= 0 ? slot.table.get(key) : undefined;
    if (hit) {
      this.stats.hits++;
      slot.cur = hit.next;
      return hit.delivery;
    }
    this.stats.misses++;
    const state = slot.states.values[slot.cur]!;
    if (slot.live !== slot.cur) this.host.restore(slot.id, state.snap);
    const d = this.canonical(this.host.deliver(msg.to, msg.event, msg.from), slot, this.host.snapshotOf(msg.to));
    slot.cur = slot.live;
    if (key >= 0 && this.stats.entries < this.maxEntries) {
      slot.table.set(key, { next: slot.cur, delivery: d });
      this.stats.entries++;
    } else if (key >= 0) this.stats.full = true;
    return d;
  }

  /** Take back the last deliveries (journaled): their receivers' states as before. */
  undo(n: number): void {
    const j = this.journal;
    if (!j || n > j.length) throw new Error(`undo of ${n} deliveries, journal holds ${j?.length ?? 'none'}`);
    for (let i = 0; i < n; i++) {
      const e = j.pop()!;
      e.slot.cur = e.prev;
    }
  }

  views(): ActorView[] {
    return this.slots.map((s) => {
      const st = s.states.values[s.cur]!;
      return { id: s.id, kind: s.kind, state: st.state, waiting: st.waiting };
    });
  }

  stop(): void {
    this.host.stop();
    this.worldKey = '';
    this.specs = null;
    this.slots = [];
    this.byId.clear();
  }

  private eventId(e: KEvent): number {
    let id = this.eventIds.get(e);
    if (id === undefined) {
      id = this.events.intern(JSON.stringify(e), () => e);
      this.eventIds.set(e, id);
      this.stats.events = this.events.size;
    }
    return id;
  }

  /** The delivery as the table keeps it: its events interned (so the messages made from it are
   * known by identity), the receiver's new state interned, frozen. */
  private canonical(d: Delivery, slot: Slot, snap: AnyMachineSnapshot): Delivery {
    const text = JSON.stringify([snap.value, snap.context]);
    const sid = slot.states.intern(`${nodeOrder(snap)}\u0000${text}`, () => ({ snap, hash: Object.freeze(strHash(text)), state: d.state, waiting: d.waiting }));
    this.stats.states = Math.max(this.stats.states, sid + 1);
    slot.live = sid;
    const sends = d.sends.map((s) => {
      const id = this.events.intern(JSON.stringify(s.event), () => Object.freeze(s.event));
      const event = this.events.values[id]!;
      this.eventIds.set(event, id);
      return Object.freeze({ to: s.to, event });
    });
    this.stats.events = this.events.size;
    return Object.freeze({ state: d.state, waiting: d.waiting, sends: Object.freeze(sends) as Delivery['sends'], effects: Object.freeze(d.effects) as Delivery['effects'], hash: slot.states.values[sid]!.hash });
  }
}

/** The inline transport with the transition table. */
export function memoTransport(opts: MemoOptions = {}): Transport & { readonly memo: MemoHost } {
  const memo = new MemoHost(opts);
  return {
    name: 'inline',
    memo,
    start: async (specs) => memo.start(specs),
    deliver: (msg) => memo.deliver(msg),
    views: async () => memo.views(),
    viewsNow: () => memo.views(),
    close: async () => memo.stop(),
    journal: async (on) => memo.setJournal(on),
    undo: (receivers) => memo.undo(receivers.length),
  };
}
