// Free-running: the workers deliver to each other directly and the main thread only observes.
// Each delivery is recorded in the order its report arrives, with the thread that ran it and its
// Lamport clock. Reports from different workers travel on different ports, so one may overtake
// the report of the delivery that sent its message: it then waits for it, and so do the reports
// its worker made after it (a worker's own order is real). The trace is thus always a causal
// order, a schedule the controlled runner replays to the same trace. Quiescence: every message
// sent has been delivered, which the recorder knows exactly, since a report carries a delivery
// and the sends it made.
import type { RunResult } from '../run.ts';
import { DEFAULT_MAX_STEPS } from '../run.ts';
import type { ActorSpec, Message, TraceEvent } from '../types.ts';
import { WorkerGone } from './endpoint.ts';
import { crashError, type WorkerPool } from './pool.ts';
import type { Crashed, MsgRef, Report } from './protocol.ts';
import { DEFAULT_WATCHDOG_MS } from './spawn.ts';

/** How long a failing run waits for the live workers' reports before it names the message. */
const FLUSH_MS = 1000;

export interface FreeOptions {
  specs: ActorSpec[];
  /** Seeds the jitter (each worker draws from its own stream of it). */
  seed?: number;
  /** Each message waits a random 0..jitterUs µs before it leaves its worker. */
  jitterUs?: number;
  maxSteps?: number;
  /** With messages in flight, no delivery for this long is a silent worker (default 10 s). */
  watchdogMs?: number;
  onStep?: (ev: TraceEvent, pending: number) => void;
}

export async function runFree(pool: WorkerPool, o: FreeOptions): Promise<RunResult> {
  const byKind = pool.setWorld(o.specs);
  await pool.connect();
  const epoch = ++pool.epoch;
  const rec = new Recorder(pool, o.maxSteps ?? DEFAULT_MAX_STEPS, o.onStep);
  pool.observer = rec;
  const watchdogMs = o.watchdogMs ?? DEFAULT_WATCHDOG_MS;
  const watchdog = setInterval(() => rec.checkSilence(watchdogMs), Math.max(10, Math.min(1000, watchdogMs / 4)));
  const workers = [...pool.workers.values()];
  try {
    const route = Object.fromEntries(o.specs.map((s) => [s.id, s.kind]));
    const load = { epoch, route, seed: o.seed ?? 0, jitterUs: o.jitterUs ?? 0 };
    const loaded = await Promise.all(
      workers.map((w) => {
        const specs = byKind.get(w.name)!;
        return pool.call(w, specs[0]?.id ?? w.name, 'xstate.init', (api) => api.load({ ...load, specs }));
      }),
    );
    rec.boot(loaded.flat(), o.specs);
    if (!rec.finished) {
      await Promise.all(workers.map((w) => pool.call(w, w.name, 'go', async (api) => ({ ok: await api.go(epoch) }))));
      await rec.done;
    }
  } finally {
    clearInterval(watchdog);
    pool.observer = undefined;
  }
  // Over budget: stop the threads before asking for their views.
  if (!rec.quiescent) await Promise.all(workers.map((w) => pool.call(w, w.name, 'halt', async (api) => ({ ok: await api.halt() }))));
  return { trace: rec.trace, choices: [], views: await pool.views(), quiescent: rec.quiescent, steps: rec.steps };
}

class Recorder {
  readonly trace: TraceEvent[] = [];
  steps = 0;
  quiescent = false;
  finished = false;
  /** A worker is gone: the run fails once the reports already sent have arrived. */
  private failing = false;
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (e: Error) => void;
  private seq = 0;
  /** Sent and recorded, not yet delivered: what is in flight. */
  private readonly inFlight = new Map<MsgRef, Message>();
  /** Each worker's reports not yet recorded, in the order the worker made them. */
  private readonly waiting = new Map<string, Report[]>();
  private lastReport = performance.now();

  constructor(
    private readonly pool: WorkerPool,
    private readonly maxSteps: number,
    private readonly onStep?: (ev: TraceEvent, pending: number) => void,
  ) {
    this.done = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    this.done.catch(() => {}); // awaited by runFree only once the run has started
  }

  /** Start-up, in spec order as runSchedule does: a `boot` step for an actor whose start
   * allocated objects, then its start sends. */
  boot(reports: Report[], specs: ActorSpec[]): void {
    const order = new Map(specs.map((s, i) => [s.id, i]));
    reports.sort((a, b) => order.get(a.actor!)! - order.get(b.actor!)!);
    for (const r of reports) {
      let cause: number | null = null;
      if (r.delivery.effects.length) {
        cause = this.trace.length;
        this.trace.push({ step: cause, seq: -1, from: 'boot', to: r.actor!, event: 'xstate.init', args: {}, state: r.delivery.state, effects: r.delivery.effects, cause: null });
      }
      this.post(r.actor!, r, cause);
    }
    this.settle();
  }

  report(r: Report): void {
    if (this.finished || r.epoch !== this.pool.epoch) return;
    this.lastReport = performance.now();
    if (r.inspections) for (const i of r.inspections) this.pool.inspect?.(i);
    const q = this.waiting.get(r.worker);
    if (q) q.push(r);
    else this.waiting.set(r.worker, [r]);
    this.drain();
    this.settle();
  }

  crash(c: Crashed & { worker: string; epoch: number }): void {
    if (c.epoch === this.pool.epoch) this.finishWith(crashError(c.worker, c));
  }

  /** The pool closed, or a worker died: then name the first message that was on its way there,
   * once the reports the other workers sent before have arrived (they hold its send). */
  fail(e: Error): void {
    if (this.finished) return;
    const worker = e instanceof WorkerGone ? e.worker : 'pool';
    if (worker === 'pool') return this.finishWith(e);
    if (this.failing) return;
    this.failing = true;
    void this.pool.flushReports(FLUSH_MS).then(() => {
      const m = [...this.inFlight.values()].find((x) => this.pool.kindOf(x.to) === worker);
      this.finishWith(this.pool.gone(e, m?.to ?? worker, m?.event.type ?? '?'));
    });
  }

  checkSilence(ms: number): void {
    if (this.finished || this.failing || !this.inFlight.size || performance.now() - this.lastReport <= ms) return;
    const waiting = [...this.inFlight.values()].slice(0, 4).map((m) => `${m.to} ← ${m.event.type} (worker ${this.pool.kindOf(m.to)})`);
    const m = [...this.inFlight.values()][0]!;
    const err = new WorkerGone(this.pool.kindOf(m.to) ?? '?', `no delivery for ${ms} ms with ${this.inFlight.size} messages in flight (watchdog): ${waiting.join(', ')}`);
    this.finishWith(this.pool.gone(err, m.to, m.event.type));
  }

  private record(m: Message, r: Report): void {
    this.inFlight.delete(r.ref!);
    this.steps++;
    const { type, ...args } = m.event;
    const ev: TraceEvent = { step: this.trace.length, seq: m.seq, from: m.from, to: m.to, event: type, args, state: r.delivery.state, effects: r.delivery.effects, cause: m.cause, thread: r.worker, clock: r.clock };
    this.trace.push(ev);
    this.post(m.to, r, ev.step);
    this.onStep?.(ev, this.inFlight.size);
  }

  /** Record every worker's next reports whose message's send is recorded, until none is. */
  private drain(): void {
    for (let progress = true; progress; ) {
      progress = false;
      for (const q of this.waiting.values()) {
        while (q.length && this.steps < this.maxSteps) {
          const m = this.inFlight.get(q[0]!.ref!);
          if (!m) break;
          this.record(m, q.shift()!);
          progress = true;
        }
      }
    }
  }

  /** Number a delivery's sends in order, as runSchedule does. */
  private post(from: string, r: Report, cause: number | null): void {
    r.delivery.sends.forEach((s, j) => {
      this.inFlight.set(`${r.worker}:${r.firstSend + j}`, { seq: this.seq++, cause, from, to: s.to, event: s.event });
    });
  }

  private settle(): void {
    if (this.finished || this.failing) return;
    if (!this.inFlight.size) this.quiescent = true;
    else if (this.steps < this.maxSteps) return;
    this.finish();
    this.resolve();
  }

  private finish(): void {
    this.finished = true;
    this.waiting.clear();
  }

  private finishWith(e: Error): void {
    if (this.finished) return;
    this.finish();
    this.reject(e);
  }
}
