// The global state of a run that a search walks forward and back: every actor's interned state,
// every message in flight (per channel, in order), the trace and the choices so far, and the
// state's 64-bit fingerprint, kept up to date by each delivery and each undo (hash.ts: one XOR per
// component that changed). A delivery is logged; undo takes the newest back: the receiver's
// interned state, the message (back at its place in its channel), the messages it sent.
import { boot, traceEvent, type Choice } from '../runtime/run.ts';
import { channelOf, type ActorSpec, type Delivery, type KEvent, type Message, type TraceEvent, type Transport } from '../runtime/types.ts';
import { isPreemption } from '../scheduler/preemption.ts';
import type { Knowledge } from './dependence.ts';
import { strHash, xorActor, xorChannel, type Fp } from './hash.ts';

interface Logged {
  msg: Message;
  k: number;
  actor: number;
  prev: Fp;
  sent: number;
}

const NONE: Fp = Object.freeze({ hi: 0, lo: 0 });
const bySeq = (a: Message, b: Message) => a.seq - b.seq;

export class GlobalState {
  readonly trace: TraceEvent[] = [];
  readonly choices: Choice[] = [];
  /** Preemptions on the path up to each depth (as countingPreemptions counts them). */
  readonly preempted: number[] = [0];
  readonly fp: Fp = { hi: 0, lo: 0 };
  pending = 0;
  private seq = 0;
  private readonly queues = new Map<string, Message[]>();
  private readonly channels = new Map<string, Fp>();
  private readonly actors = new Map<string, number>();
  /** Each actor's state as the fingerprint counts it: the engine's hash of it, or (a transport
   * without the table) its digest's. */
  private cls: Fp[] = [];
  private readonly eventHashes = new WeakMap<object, Fp>();
  /** The channel of each message in flight, by seq. */
  private readonly channelOfSeq: string[] = [];
  private readonly log: Logged[] = [];
  /** What the partial-order reduction learns from each delivery (dependence.ts), if it is on. */
  knowledge: Knowledge | null = null;

  constructor(
    private readonly transport: Transport,
    private readonly reorder: boolean,
  ) {}

  /** Deliveries since the start. */
  get depth(): number {
    return this.log.length;
  }

  async boot(specs: ActorSpec[]): Promise<void> {
    specs.forEach((s, i) => this.actors.set(s.id, i));
    this.cls = specs.map(() => NONE);
    await boot(this.transport, specs, this.trace, (from, d, cause) => {
      this.setState(this.actors.get(from)!, d);
      this.post(from, d, cause);
    });
  }

  /** The deliverable messages, in seq order: each channel's head (every message with reorder). */
  enabled(): Message[] {
    const out: Message[] = [];
    for (const q of this.queues.values()) {
      if (this.reorder) out.push(...q);
      else if (q.length) out.push(q[0]!);
    }
    return out.sort(bySeq);
  }

  /** Deliver `msg`, one of `all` (the deliverable messages); a promise only if the transport answers with one. */
  deliver(msg: Message, all: readonly Message[]): void | Promise<void> {
    const depth = this.log.length;
    const lastStep = depth ? this.trace[this.trace.length - 1]!.step : null;
    this.preempted[depth + 1] = this.preempted[depth]! + (isPreemption(all, msg, lastStep) ? 1 : 0);
    const ch = this.channelOfSeq[msg.seq]!;
    const q = this.queues.get(ch)!;
    const k = q.indexOf(msg);
    const c = this.channelHash(ch);
    this.xorQueue(c, q);
    q.splice(k, 1);
    this.xorQueue(c, q);
    this.pending--;
    this.choices.push({ ch, k, of: all.length });
    const actor = this.actors.get(msg.to)!;
    const entry: Logged = { msg, k, actor, prev: this.cls[actor]!, sent: 0 };
    this.log.push(entry);
    const answer = this.transport.deliver(msg);
    if (answer instanceof Promise) return answer.then((d) => this.delivered(entry, d));
    this.delivered(entry, answer);
  }

  private delivered(entry: Logged, d: Delivery): void {
    const ev = traceEvent(entry.msg, d, this.trace.length);
    this.trace.push(ev);
    this.setState(entry.actor, d);
    entry.sent = d.sends.length;
    const k = this.knowledge;
    if (k) {
      const to = entry.msg.to;
      k.learn(this.channelOfSeq[entry.msg.seq]!, entry.msg, d, (i) => d.sends[i]!.key?.ch ?? channelOf({ from: to, to: d.sends[i]!.to, event: d.sends[i]!.event }));
    }
    this.post(entry.msg.to, d, ev.step);
  }

  /** Take deliveries back until `depth` are left. */
  undoTo(depth: number): void | Promise<void> {
    if (this.log.length <= depth) return;
    const receivers: string[] = [];
    while (this.log.length > depth) {
      const e = this.log.pop()!;
      receivers.push(e.msg.to);
      for (let i = 0; i < e.sent; i++) this.unpost();
      const ch = this.channelOfSeq[e.msg.seq]!;
      let q = this.queues.get(ch);
      if (!q) this.queues.set(ch, (q = []));
      const c = this.channelHash(ch);
      this.xorQueue(c, q);
      q.splice(e.k, 0, e.msg);
      this.xorQueue(c, q);
      this.pending++;
      xorActor(this.fp, e.actor, this.cls[e.actor]!);
      this.cls[e.actor] = e.prev;
      xorActor(this.fp, e.actor, e.prev);
      this.trace.pop();
      this.choices.pop();
    }
    return this.transport.undo!(receivers);
  }

  private setState(actor: number, d: Delivery): void {
    const c = d.hash ?? strHash(d.digest ?? '');
    const was = this.cls[actor]!;
    if (was !== NONE) xorActor(this.fp, actor, was);
    this.cls[actor] = c;
    xorActor(this.fp, actor, c);
  }

  private post(from: string, d: Delivery, cause: number | null): void {
    for (const s of d.sends) {
      const m: Message = { seq: this.seq++, cause, from, to: s.to, event: s.event, key: s.key };
      const ch = s.key ? s.key.ch : channelOf(m);
      this.channelOfSeq[m.seq] = ch;
      let q = this.queues.get(ch);
      if (!q) this.queues.set(ch, (q = []));
      const c = this.channelHash(ch);
      this.xorQueue(c, q);
      q.push(m);
      this.xorQueue(c, q);
      this.pending++;
    }
  }

  /** Actor `i`'s state as the fingerprint counts it (its component's hash). */
  actorHash(i: number): Fp {
    return this.cls[i]!;
  }

  get actorCount(): number {
    return this.cls.length;
  }

  /** The messages in flight, by channel (each channel's queue in order; empty ones too). */
  inFlight(): IterableIterator<[string, readonly Message[]]> {
    return this.queues.entries();
  }

  /** The channel of a message in flight. */
  channelOfMsg(m: Message): string {
    return this.channelOfSeq[m.seq]!;
  }

  /** Whether channel `ch` holds no message. */
  isEmpty(ch: string): boolean {
    return !this.queues.get(ch)?.length;
  }

  /** Take back the newest message sent (the tail of its channel). */
  private unpost(): void {
    const ch = this.channelOfSeq[--this.seq]!;
    const q = this.queues.get(ch)!;
    if (q[q.length - 1]?.seq !== this.seq) throw new Error(`undo: message ${this.seq} is not the last of ${ch}`);
    const c = this.channelHash(ch);
    this.xorQueue(c, q);
    q.pop();
    this.xorQueue(c, q);
    this.pending--;
  }

  private channelHash(ch: string): Fp {
    let c = this.channels.get(ch);
    if (!c) this.channels.set(ch, (c = strHash(ch)));
    return c;
  }

  /** XOR a channel's component (its name's hash `c`, its queue `q`) into the fingerprint, or out. */
  private xorQueue(c: Fp, q: Message[]): void {
    xorChannel(this.fp, c, q, this.hashOfMessage);
  }

  private readonly hashOfMessage = (m: Message): Fp => this.eventHash(m.event);

  /** An event's hash, once per event object (the engine's are interned: once per event). */
  private eventHash(e: KEvent): Fp {
    let h = this.eventHashes.get(e);
    if (!h) this.eventHashes.set(e, (h = strHash(JSON.stringify(e))));
    return h;
  }
}
