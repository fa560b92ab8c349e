// ActorHost: hosts xstate actors (any subset of a world) and delivers one event at a time.
// Both transports use it: inline hosts every actor in one host, each worker hosts one kind.
// It turns what a machine emits into sends and effects, and diffs the receiver's objects
// (`context.objs`) into alloc / free / count effects, so the machines never speak of the trace.
import { createHash } from 'node:crypto';
import { createActor, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine, type InspectionEvent, type Snapshot } from 'xstate';
import { COUNT_FIELDS, type Emitted, type Objs } from '../../machines/objects.ts';
import { machines } from '../../machines/index.ts';
import { handles } from './handled.ts';
import type { ActorSpec, ActorView, Delivery, Effect, KEvent } from './types.ts';

export interface HostOptions {
  /** Receives every xstate inspection event of every hosted actor. */
  inspect?: (e: InspectionEvent) => void;
}

interface Hosted {
  spec: ActorSpec;
  actor: AnyActorRef;
  out: Emitted[];
}

export const stateString = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return '';
  let out = '';
  for (const k in value as Record<string, unknown>) {
    const inner = stateString((value as Record<string, unknown>)[k]);
    if (out) out += '|';
    out += inner ? `${k}.${inner}` : k;
  }
  return out;
};

/** Thrown when a machine throws: names the actor, the event and keeps the stack. */
export class ActorCrash extends Error {
  constructor(
    readonly actor: string,
    readonly event: string,
    readonly causeStack: string,
  ) {
    super(`actor ${actor} crashed on ${event}: ${causeStack.split('\n')[0]}`);
  }
}

/** A hash of an actor's whole state: what a stateful search compares to know a state again. */
const digestOf = (snap: AnyMachineSnapshot): string => createHash('sha1').update(JSON.stringify([snap.value, snap.context])).digest('base64');

/** An actor's state right after creation, and what its start sent and did. */
interface Initial {
  snapshot: Snapshot<unknown>;
  delivery: Delivery;
}
const MAX_INITIALS = 512;

/** The machine, taking a snapshot it made itself as it is. xstate's own restoreSnapshot rebuilds the
 * active state nodes from the state value, in an order of its own; the order of the original
 * decides which parallel region's eventless transitions go first, so it must be kept. A snapshot
 * is immutable: actors may share it. */
const resumers = new WeakMap<AnyStateMachine, AnyStateMachine>();
function resuming(machine: AnyStateMachine): AnyStateMachine {
  let r = resumers.get(machine);
  if (!r) {
    r = Object.create(machine, { restoreSnapshot: { value: (snapshot: unknown) => snapshot } }) as AnyStateMachine;
    resumers.set(machine, r);
  }
  return r;
}

/** A deep copy of plain data (objects, arrays, primitives; undefined fields kept). */
function copyJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyJson) as T;
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k in v) o[k] = copyJson((v as Record<string, unknown>)[k]);
    return o as T;
  }
  return v;
}

export class ActorHost {
  private readonly hosted = new Map<string, Hosted>();
  private readonly initials = new Map<string, Initial>();
  /** Journaled: each delivery's receiver and its snapshot before it, newest last (for undo). */
  private journal: { id: string; snap: AnyMachineSnapshot }[] | null = null;

  constructor(private readonly opts: HostOptions = {}) {}

  /** Turn the journal on or off; it takes effect at the next start. */
  setJournal(on: boolean): void {
    this.journal = on ? [] : null;
  }

  /** Create and start the actors; returns each one's start-up delivery (entry sends). */
  start(specs: ActorSpec[]): { from: string; delivery: Delivery }[] {
    // A host is reused schedule after schedule: a start replaces every actor of the last run.
    this.stop();
    if (this.journal) this.journal = [];
    const starts: { h: Hosted; key: string | null; initial: Initial | undefined }[] = [];
    for (const spec of specs) {
      const machine: AnyStateMachine | undefined = machines[spec.kind];
      if (!machine) throw new Error(`unknown actor kind '${spec.kind}'`);
      const out: Emitted[] = [];
      // Without inspection, an actor whose initial state was computed before (same kind, id and
      // input) starts from that snapshot: no context function, initial microstep or eventless
      // transitions to run again. Its start-up delivery is a copy of the one recorded then.
      const key = this.opts.inspect ? null : `${spec.kind}\0${spec.id}\0${JSON.stringify(spec.input)}`;
      const initial = key === null ? undefined : this.initials.get(key);
      const actor = initial
        ? createActor(resuming(machine), { id: spec.id, snapshot: initial.snapshot })
        : createActor(machine, { id: spec.id, input: spec.input, inspect: this.opts.inspect });
      actor.on('*', (e: Emitted) => out.push(e));
      // An observer with an error handler keeps xstate from rethrowing a machine's exception
      // asynchronously; run() reads the error from the snapshot and reports it.
      actor.subscribe({ error: () => {} });
      const h: Hosted = { spec, actor, out };
      this.hosted.set(spec.id, h);
      starts.push({ h, key, initial });
    }
    return starts.map(({ h, key, initial }) => {
      h.out.length = 0;
      h.actor.start();
      if (initial) return { from: h.spec.id, delivery: this.digested(h, copyJson(initial.delivery)) };
      const delivery = this.run(h, NO_OBJS, 'xstate.init', []);
      if (key !== null) {
        if (this.initials.size >= MAX_INITIALS) this.initials.clear();
        const { digest: _d, ...recorded } = delivery;
        this.initials.set(key, { snapshot: h.actor.getSnapshot(), delivery: copyJson(recorded) });
      }
      return { from: h.spec.id, delivery };
    });
  }

  /** Take back the last `n` journaled deliveries: each receiver restarts from its snapshot
   * before the earliest of them (snapshots are immutable, so the journal holds them as they were). */
  undo(n: number): void {
    const j = this.journal;
    if (!j || n > j.length) throw new Error(`undo of ${n} deliveries, journal holds ${j?.length ?? 'none'}`);
    const oldest = new Map<string, AnyMachineSnapshot>();
    for (let i = 0; i < n; i++) {
      const e = j.pop()!;
      oldest.set(e.id, e.snap);
    }
    for (const [id, snap] of oldest) this.restore(id, snap);
  }

  /** Restart actor `id` from `snap`, a snapshot one of this host's actors had. */
  restore(id: string, snap: Snapshot<unknown>): void {
    const h = this.hosted.get(id)!;
    h.actor.stop();
    // As it was, not rebuilt by xstate's restore (see `resuming`): the same eventless order.
    h.actor = createActor(resuming(machines[h.spec.kind]!), { id, snapshot: snap, inspect: this.opts.inspect });
    h.actor.on('*', (e: Emitted) => h.out.push(e));
    h.actor.subscribe({ error: () => {} });
    h.actor.start();
  }

  /** Actor `id`'s snapshot now (immutable). */
  snapshotOf(id: string): AnyMachineSnapshot {
    return this.hosted.get(id)!.actor.getSnapshot() as AnyMachineSnapshot;
  }

  has(id: string): boolean {
    return this.hosted.has(id);
  }

  /** Deliver `event` from `from`; the receiver sees the sender as `event.from` (kept if already set,
   * so a lock's waiter re-sent to itself still answers its first caller). */
  deliver(to: string, event: KEvent, from: string): Delivery {
    const h = this.hosted.get(to);
    if (!h) throw new Error(`no actor '${to}' in this host`);
    const before = objsOf(h.actor);
    const pre: Effect[] = [];
    // KASAN for messages: any event reaching an actor whose own object is freed is a use.
    const self = before[to];
    if (self && !self.alive) pre.push({ op: 'access', obj: to, how: event.type });
    const ev = event.from === undefined ? { ...event, from } : event;
    const prior = h.actor.getSnapshot();
    // P's unhandled event: no active state has a transition for it (a pure function of the state).
    const state = stateString(prior.value);
    if (!handles(prior, state, event.type)) pre.push({ op: 'dropped', state, event: event.type });
    this.journal?.push({ id: to, snap: prior });
    h.out.length = 0;
    h.actor.send(ev);
    return this.run(h, before, event.type, pre);
  }

  views(): ActorView[] {
    return [...this.hosted.values()].map(({ spec, actor }) => {
      const snap = actor.getSnapshot();
      return { id: spec.id, kind: spec.kind, state: stateString(snap.value), waiting: snap.hasTag('waiting') };
    });
  }

  stop(): void {
    for (const h of this.hosted.values()) h.actor.stop();
    this.hosted.clear();
  }

  /** What the delivery just made did: the receiver's state, its sends and effects. */
  private run(h: Hosted, before: Objs, eventType: string, pre: Effect[]): Delivery {
    const snap = h.actor.getSnapshot();
    if (snap.status === 'error') {
      const err = snap.error as Error | undefined;
      throw new ActorCrash(h.spec.id, eventType, err?.stack ?? String(err));
    }
    const sends: Delivery['sends'] = [];
    const effects: Effect[] = pre;
    for (const e of h.out) {
      if (e.type === 'send') sends.push({ to: e.to, event: e.event });
      else if (e.type === 'access') effects.push(e.mm ? { op: 'access', obj: e.obj, how: e.how, mm: e.mm } : { op: 'access', obj: e.obj, how: e.how });
      else if (e.type === 'bug') effects.push({ op: 'bug', oracle: e.oracle, message: e.message });
      else if (e.type === 'warn') effects.push({ op: 'warn', message: e.message });
      else if (e.type === 'fault') effects.push({ op: 'fault', kind: e.kind, message: e.message });
    }
    const after = snap.context?.objs as Objs | undefined;
    if (after) diffObjs(before, after, effects);
    return this.digested(h, { state: stateString(snap.value), waiting: snap.hasTag('waiting'), sends, effects });
  }

  private digested(h: Hosted, d: Delivery): Delivery {
    if (this.journal) d.digest = digestOf(h.actor.getSnapshot());
    return d;
  }
}

const NO_OBJS: Objs = Object.freeze({}) as Objs;
const objsOf = (actor: AnyActorRef): Objs => (actor.getSnapshot().context?.objs as Objs | undefined) ?? NO_OBJS;

/** The fields of an object the trace follows: its counts and what it pins. */
export const TRACKED = [...COUNT_FIELDS, 'refs', 'links'] as const;
/** What an alloc records: the tracked fields, and those an object is born with and keeps: where a
 * page or a VMA is (every live page must lie in a live VMA of its mm), a PASID's id (the idr's range
 * and uniqueness). One constant: diffObjs runs on every delivery. */
const BORN_WITH = [...TRACKED, 'addr', 'start', 'end', 'value'] as const;
/** Equal as JSON: counts are numbers, `refs` and `links` arrays of ids (compared element by element first). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    if (i === a.length) return true;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Objects are replaced, never mutated, so identity tells what changed. */
function diffObjs(before: Objs, after: Objs, effects: Effect[]): void {
  if (before === after) return;
  for (const id in after) {
    const o = after[id]!;
    const b = before[id];
    if (b === o) continue;
    if (!b) {
      const init: Record<string, unknown> = {};
      for (const f of BORN_WITH) if (o[f] !== undefined) init[f] = o[f];
      effects.push({ op: 'alloc', obj: id, kind: o.kind, owner: o.owner, init });
      if (!o.alive) effects.push({ op: 'free', obj: id, kind: o.kind });
      continue;
    }
    for (const f of TRACKED) {
      if (!same(b[f], o[f])) effects.push({ op: 'count', obj: id, field: f, from: b[f], to: o[f] });
    }
    if (b.alive && !o.alive) effects.push({ op: 'free', obj: id, kind: o.kind });
    if (!b.alive && o.alive) effects.push({ op: 'bug', oracle: 'invariant', message: `${id} revived after free` });
  }
}
