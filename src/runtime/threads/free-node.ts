// A kind thread running free: its actors' sends go straight to the worker hosting the receiver,
// over a MessagePort to each peer (comlink proxies), and every delivery is reported to the
// observer on the main thread with this thread's Lamport clock. Nothing here decides an order:
// the threads' real timing (and the jitter) does.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { MessagePort } from 'node:worker_threads';
import { ActorCrash, type ActorHost } from '../host.ts';
import type { WireInspection } from './inspection.ts';
import type { Crashed, FreeLoad, MsgRef, ObserverApi, PeerApi, Report, WireMessage } from './protocol.ts';
import { channelOf, type Delivery, type KEvent } from '../types.ts';
import { Outbox } from './outbox.ts';

export interface NodeDeps {
  kind: string;
  /** This worker's place among the kinds: its jitter stream. */
  index: number;
  host: ActorHost;
  /** Inspection events gathered since the last call. */
  drainInspections: () => WireInspection[] | undefined;
  /** Runs before each delivery (the test-only fault hook). */
  beforeDeliver: (to: string, event: KEvent) => void;
}

export class FreeNode {
  /** Each peer's post(), by kind (the proxy kept: comlink builds one per property access). */
  private readonly peers = new Map<string, Comlink.Remote<PeerApi>['post']>();
  private observer: Pick<Comlink.Remote<ObserverApi>, 'report' | 'crash' | 'flush'> | undefined;
  private readonly outbox = new Outbox();
  private epoch = -1;
  private halted = true;
  private clock = 0;
  private sent = 0;
  private route: Record<string, string> = {};
  private held: WireMessage[] = [];

  constructor(private readonly d: NodeDeps) {}

  connect(peers: Record<string, MessagePort>, observer: MessagePort): void {
    for (const [kind, port] of Object.entries(peers)) {
      // One port per pair of workers, both ways: each end exposes `post` and calls the other's.
      Comlink.expose({ post: (m: WireMessage) => this.receive(m) } satisfies PeerApi, nodeEndpoint(port));
      this.peers.set(kind, Comlink.wrap<PeerApi>(nodeEndpoint(port)).post);
    }
    const o = Comlink.wrap<ObserverApi>(nodeEndpoint(observer));
    this.observer = { report: o.report, crash: o.crash, flush: o.flush };
  }

  /** Create this worker's actors for a new run; their start sends wait for go(). */
  load(run: FreeLoad): Report[] {
    this.halt();
    this.epoch = run.epoch;
    this.clock = this.sent = 0;
    this.route = run.route;
    this.held = [];
    this.outbox.reset(run.seed, this.d.index, run.jitterUs);
    const started = this.d.host.start(run.specs);
    this.halted = false;
    return started.map(({ from, delivery }) => {
      const firstSend = this.sent;
      for (const s of delivery.sends) this.held.push(this.wire(from, s.to, s.event));
      return { epoch: run.epoch, worker: this.d.kind, ref: null, actor: from, delivery, firstSend, clock: 0 };
    });
  }

  go(epoch: number): void {
    if (epoch !== this.epoch) return;
    const held = this.held;
    this.held = [];
    for (const m of held) this.dispatch(m);
  }

  halt(): void {
    this.halted = true;
    this.outbox.clear();
  }

  /** A port is FIFO: once the observer answers this, it has every report sent before. */
  async flush(): Promise<void> {
    await this.observer?.flush();
  }

  private wire(from: string, to: string, event: KEvent): WireMessage {
    return { epoch: this.epoch, ref: `${this.d.kind}:${this.sent++}` as MsgRef, from, to, event, clock: this.clock };
  }

  private dispatch(m: WireMessage): void {
    this.outbox.push(channelOf(m), () => {
      if (this.halted || m.epoch !== this.epoch) return;
      const kind = this.route[m.to];
      if (kind === this.d.kind) setImmediate(() => this.receive(m));
      else if (kind) this.peers.get(kind)!(m).catch((e: Error) => this.crash({ actor: m.to, event: m.event.type, stack: e.stack ?? String(e) }));
      else this.crash({ actor: m.to, event: m.event.type, stack: `no actor '${m.to}' in this world (sent by ${m.from})` });
    });
  }

  private receive(m: WireMessage): void {
    if (this.halted || m.epoch !== this.epoch) return;
    this.clock = Math.max(this.clock, m.clock) + 1;
    let delivery: Delivery;
    try {
      this.d.beforeDeliver(m.to, m.event);
      delivery = this.d.host.deliver(m.to, m.event, m.from);
    } catch (e) {
      const err = e as Error;
      return this.crash(e instanceof ActorCrash ? { actor: e.actor, event: e.event, stack: e.causeStack } : { actor: m.to, event: m.event.type, stack: err.stack ?? String(err) });
    }
    const report: Report = { epoch: this.epoch, worker: this.d.kind, ref: m.ref, delivery, firstSend: this.sent, clock: this.clock };
    const inspections = this.d.drainInspections();
    if (inspections) report.inspections = inspections;
    void this.observer!.report(report);
    for (const s of delivery.sends) this.dispatch(this.wire(m.to, s.to, s.event));
  }

  private crash(c: Crashed): void {
    if (this.halted) return;
    this.halt();
    void this.observer!.crash({ ...c, worker: this.d.kind, epoch: this.epoch });
  }
}
