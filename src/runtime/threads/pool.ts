// The kind threads of one transport: a thread per actor kind (process, mm, file, vma, svm,
// faultHandler, iommu, dma), each hosting every actor of its kind. The pool routes an actor id to
// its thread, turns a worker's failure into an ActorCrash naming the actor and the event, and
// closes every thread and port it opened: on close(), on error, and when its signal aborts.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { once } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { KINDS } from '../../../machines/index.ts';
import { ActorCrash } from '../host.ts';
import type { ActorSpec, ActorView, Delivery, Message } from '../types.ts';
import { WorkerGone } from './endpoint.ts';
import type { WireInspection } from './inspection.ts';
import type { Crashed, KindThreadApi, KindThreadData, ObserverApi, Reply, TestFault } from './protocol.ts';
import { spawnWorker, type Spawned } from './spawn.ts';

export interface PoolOptions {
  /** Receives every actor's xstate inspection events, from every worker, as plain data. */
  inspect?: (e: WireInspection) => void;
  /** See DEFAULT_WATCHDOG_MS. */
  watchdogMs?: number;
  /** Aborting closes the pool (Ctrl-C): calls in flight reject, every thread ends. */
  signal?: AbortSignal;
  /** The kinds to start a worker for (default: every kind in machines/index.ts); a world with
   * an actor of another kind is refused. */
  kinds?: readonly string[];
  /** Test-only: a worker misbehaves on one delivery. */
  fault?: TestFault;
}

type Kind = Spawned<KindThreadApi>;

/** A machine's exception in a worker, rethrown here with the worker's stack. */
export function crashError(worker: string, c: Crashed): ActorCrash {
  const e = new ActorCrash(c.actor, c.event, c.stack);
  e.stack = `${e.name}: ${e.message}\n  in worker ${worker}:\n${c.stack}`;
  return e;
}

export class WorkerPool {
  readonly workers = new Map<string, Kind>();
  /** Free-running: where the workers' reports go (set by runFree for its run). */
  observer: (Pick<ObserverApi, 'report' | 'crash'> & { fail(e: Error): void }) | undefined;
  epoch = 0;
  readonly inspect: ((e: WireInspection) => void) | undefined;
  private route = new Map<string, Kind>();
  /** Each worker's deliver(), kept: comlink builds a proxy per property access. */
  private delivers = new Map<Kind, Comlink.Remote<KindThreadApi>['deliver']>();
  private order = new Map<string, number>();
  /** The first worker that died or went silent, with the last delivery it was given. */
  private failure: { error: Error; actor: string; event: string } | undefined;
  /** The last message each worker was given (by kind). */
  private last = new Map<string, Message>();
  /** Controlled mode: every actor's state as its last start or delivery left it, so views() at
   * the end of a run needs no call. Any other call may change the actors: it forgets them. */
  private known: Map<string, ActorView> | undefined;
  private closed: Promise<void> | undefined;
  /** The main thread's ends of the observer channels, each with the promise of its 'close'. */
  private observerPorts: { port: MessagePort; closed: Promise<unknown> }[] = [];
  private connected: Promise<void> | undefined;
  private readonly onAbort = () => void this.close();

  static async open(opts: PoolOptions = {}): Promise<WorkerPool> {
    const pool = new WorkerPool(opts);
    try {
      await Promise.all([...pool.workers.values()].map((w) => w.ready));
      if (pool.closed) throw new WorkerGone('pool', 'workers closed while starting');
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private constructor(private readonly opts: PoolOptions) {
    this.inspect = opts.inspect;
    for (const kind of opts.kinds ?? KINDS) {
      const data: KindThreadData = { module: './kind-thread.ts', kind, inspect: !!opts.inspect, fault: opts.fault };
      const onGone = (error: WorkerGone) => {
        const m = this.last.get(kind);
        this.failure ??= { error, actor: m?.to ?? kind, event: m?.event.type ?? '?' };
        this.observer?.fail(error);
      };
      this.workers.set(kind, spawnWorker<KindThreadApi>(kind, data, { watchdogMs: opts.watchdogMs, onGone }));
    }
    if (opts.signal?.aborted) void this.close();
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The world of the next run: which thread hosts which actor, and the spec order. */
  setWorld(specs: ActorSpec[]): Map<string, ActorSpec[]> {
    this.route.clear();
    this.order.clear();
    const byKind = new Map<string, ActorSpec[]>([...this.workers.keys()].map((k) => [k, []]));
    specs.forEach((s, i) => {
      const w = this.workers.get(s.kind);
      if (!w) throw new Error(`no worker for actor kind '${s.kind}' (${s.id})`);
      this.route.set(s.id, w);
      this.order.set(s.id, i);
      byKind.get(s.kind)!.push(s);
    });
    return byKind;
  }

  kindOf(actor: string): string | undefined {
    return this.route.get(actor)?.name;
  }

  /** Controlled mode: create every actor (each worker replaces its last run's actors). */
  async start(specs: ActorSpec[]): Promise<{ from: string; delivery: Delivery }[]> {
    this.known = undefined;
    const byKind = this.setWorld(specs);
    const started = await Promise.all(
      [...byKind].map(([kind, mine]) => this.call(this.workers.get(kind)!, mine[0]?.id ?? kind, 'xstate.init', (api) => api.start(mine))),
    );
    const all = started.flat().sort((a, b) => this.order.get(a.from)! - this.order.get(b.from)!);
    this.known = new Map(specs.map((s) => [s.id, { id: s.id, kind: s.kind, state: '', waiting: false }]));
    for (const { from, delivery } of all) this.saw(from, delivery);
    return all;
  }

  /** Controlled mode: one delivery, on the thread that hosts the receiver. The hot path of a
   * run: one comlink call and one promise, nothing else awaited. */
  deliver(msg: Message): Promise<Delivery> {
    const w = this.route.get(msg.to);
    if (!w) return Promise.reject(new Error(`no actor '${msg.to}' in this world`));
    if (this.failure && !this.closed) return Promise.reject(this.gone(this.failure.error, this.failure.actor, this.failure.event));
    this.last.set(w.name, msg);
    let deliver = this.delivers.get(w);
    if (!deliver) this.delivers.set(w, (deliver = w.api.deliver));
    return deliver(msg.to, msg.event, msg.from).then(
      (r) => this.saw(msg.to, this.answer(w, r)),
      (e: Error) => {
        this.known = undefined;
        throw this.closed ? e : this.gone(e, msg.to, msg.event.type);
      },
    );
  }

  /** Stateful search: every worker journals its deliveries from the next start. */
  async journal(on: boolean): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => this.call(w, w.name, 'journal', async (api) => ({ ok: await api.journal(on) }))));
  }

  /** Take back deliveries (their receivers, newest first): each worker undoes its own share. */
  async undo(receivers: string[]): Promise<void> {
    const n = new Map<Kind, number>();
    for (const id of receivers) {
      const w = this.route.get(id);
      if (!w) throw new Error(`no actor '${id}' in this world`);
      n.set(w, (n.get(w) ?? 0) + 1);
    }
    await Promise.all([...n].map(([w, k]) => this.call(w, w.name, 'undo', (api) => api.undo(k))));
  }

  /** Every actor's state, in spec order (as the inline host gives them): in controlled mode as
   * the run's deliveries left them, otherwise asked of every worker. */
  async views(): Promise<ActorView[]> {
    if (this.known && !this.failure) return [...this.known.values()].map((v) => ({ ...v }));
    const all = await Promise.all([...this.workers.values()].map((w) => this.call(w, w.name, 'views', async (api) => ({ ok: await api.views() }))));
    return all.flat().sort((a, b) => (this.order.get(a.id) ?? 0) - (this.order.get(b.id) ?? 0));
  }

  private saw(actor: string, d: Delivery): Delivery {
    const v = this.known?.get(actor);
    if (v) {
      v.state = d.state;
      v.waiting = d.waiting;
    }
    return d;
  }

  /** One call to a worker: its inspection events go to the inspector, a crash or the worker's
   * death becomes an ActorCrash naming the actor and the event. */
  async call<T>(w: Kind, actor: string, event: string, f: (api: Comlink.Remote<KindThreadApi>) => Promise<Reply<T>>): Promise<T> {
    if (this.failure && !this.closed) throw this.gone(this.failure.error, this.failure.actor, this.failure.event);
    this.known = undefined;
    let r: Reply<T>;
    try {
      r = await f(w.api);
    } catch (e) {
      throw this.closed ? e : this.gone(e as Error, actor, event);
    }
    return this.answer(w, r);
  }

  /** A worker's reply: its inspection events go to the inspector, a crash is thrown. */
  private answer<T>(w: Kind, r: Reply<T>): T {
    if (r.inspections && this.inspect) for (const i of r.inspections) this.inspect(i);
    if ('crash' in r) {
      this.known = undefined;
      throw crashError(w.name, r.crash);
    }
    return r.ok;
  }

  /** A worker's failure as the crash of the delivery that met it. */
  gone(e: Error, actor: string, event: string): ActorCrash {
    const stack = e instanceof WorkerGone ? `${e.message}${e.workerStack ? `\n${e.workerStack}` : ''}` : (e.stack ?? String(e));
    const worker = e instanceof WorkerGone ? e.worker : (this.kindOf(actor) ?? '?');
    return crashError(worker, { actor, event, stack });
  }

  /** Free-running: a MessageChannel between every two workers and one from each to the main
   * thread's observer; the ports are transferred (Comlink.transfer) and used with comlink. */
  connect(): Promise<void> {
    this.connected ??= (async () => {
      const ws = [...this.workers.values()];
      const peers = new Map<string, Record<string, MessagePort>>(ws.map((w) => [w.name, {}]));
      ws.forEach((a, i) =>
        ws.slice(i + 1).forEach((b) => {
          const { port1, port2 } = new MessageChannel();
          peers.get(a.name)![b.name] = port1;
          peers.get(b.name)![a.name] = port2;
        }),
      );
      await Promise.all(
        ws.map((w) => {
          const { port1, port2 } = new MessageChannel();
          const observer: ObserverApi = { report: (r) => this.observer?.report(r), crash: (c) => this.observer?.crash(c), flush: () => {} };
          Comlink.expose(observer, nodeEndpoint(port1));
          this.observerPorts.push({ port: port1, closed: once(port1, 'close') });
          const mine = peers.get(w.name)!;
          return this.call(w, w.name, 'connect', async (api) => ({
            ok: await api.connect(Comlink.transfer(mine, Object.values(mine)), Comlink.transfer(port2, [port2])),
          }));
        }),
      );
    })();
    return this.connected;
  }

  /** Free-running: wait until the reports every live worker has sent so far have arrived, or
   * `ms` (a live worker may be the one that spins). */
  async flushReports(ms: number): Promise<void> {
    const live = [...this.workers.values()].filter((w) => !w.endpoint.failure);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((res) => (timer = setTimeout(res, ms)));
    await Promise.race([Promise.allSettled(live.map((w) => w.api.flush())), bound]);
    clearTimeout(timer);
  }

  /** End every thread and port; calls in flight reject. Every call returns the same promise. */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    const reason = new WorkerGone('pool', this.opts.signal?.aborted ? 'interrupted' : 'workers closed');
    this.observer?.fail(reason);
    await Promise.all([...this.workers.values()].map((w) => w.close(reason)));
    // comlink's expose() keeps listening on these; releaseProxy would not close them either. A
    // port's handle is released after close(), at its 'close' event (at once if its worker end
    // went first).
    for (const { port } of this.observerPorts) port.close();
    await Promise.all(this.observerPorts.map((p) => p.closed));
    this.observerPorts = [];
  }
}
