// The controlled run loop: every message between actors waits here, and the strategy picks which
// one is delivered next. Messages on one channel (sender → receiver) stay FIFO like a MessagePort;
// channels interleave freely; `reorder` lets any pending message go first.
import type { Strategy } from './strategy.ts';
import { channelOf, type ActorId, type ActorSpec, type ActorView, type Delivery, type Message, type TraceEvent, type Transport } from './types.ts';

/** One scheduling decision, transport-independent: which channel's message went next. */
export interface Choice {
  /** The channel `from>to` of the delivered message. */
  ch: string;
  /** Its position in that channel's queue (0 unless `reorder`). */
  k: number;
  /** How many messages were deliverable (for dfs and shrinking). */
  of: number;
}

export interface RunOptions {
  specs: ActorSpec[];
  transport: Transport;
  strategy: Strategy;
  seed?: number;
  maxSteps?: number;
  reorder?: boolean;
  /** Called after each delivery (progress, live views). */
  onStep?: (ev: TraceEvent, pending: number) => void;
}

export interface RunResult {
  trace: TraceEvent[];
  choices: Choice[];
  views: ActorView[];
  /** No message left in flight. */
  quiescent: boolean;
  steps: number;
}

export const DEFAULT_MAX_STEPS = 2000;

/** Start every actor (in spec order) and post what each sent. An actor whose initial context
 * allocates objects (an mm and its PGD) gets a `boot` step, so the trace alone holds every lifetime. */
export async function boot(transport: Transport, specs: ActorSpec[], trace: TraceEvent[], post: (from: ActorId, d: Delivery, cause: number | null) => void): Promise<void> {
  for (const { from, delivery } of await transport.start(specs)) {
    let cause: number | null = null;
    if (delivery.effects.length) {
      cause = trace.length;
      trace.push({ step: cause, seq: -1, from: 'boot', to: from, event: 'xstate.init', args: {}, state: delivery.state, effects: delivery.effects, cause: null });
    }
    post(from, delivery, cause);
  }
}

/** An event's fields but its type, once per event object (the engine's events are interned and
 * frozen, so every trace that delivers one shares its args). */
const argsCache = new WeakMap<object, Record<string, unknown>>();
function argsOf(event: Message['event']): Record<string, unknown> {
  let args = argsCache.get(event);
  if (!args) {
    const { type: _t, ...rest } = event;
    args = Object.isFrozen(event) ? Object.freeze(rest) : rest;
    if (Object.isFrozen(event)) argsCache.set(event, args);
  }
  return args;
}

/** The trace event of delivering `msg` at `step`, answered by `d`. */
export function traceEvent(msg: Message, d: Delivery, step: number): TraceEvent {
  return { step, seq: msg.seq, from: msg.from, to: msg.to, event: msg.event.type, args: msg.key ? msg.key.args : argsOf(msg.event), state: d.state, effects: d.effects, cause: msg.cause };
}

export async function runSchedule(opts: RunOptions): Promise<RunResult> {
  const { transport, strategy, reorder = false } = opts;
  const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  strategy.beginRun(opts.seed ?? 0);
  const queues = new Map<string, Message[]>();
  // The channel of each message, by seq (seq numbers are dense from 0).
  const chOf: string[] = [];
  // The deliverable messages in seq order, kept up to date instead of rebuilt each step: the heads
  // of the channels (every pending message with `reorder`). A new message has the highest seq so
  // far, so it is appended; only a channel's next head, after its first is delivered, is inserted.
  const enabled: Message[] = [];
  let seq = 0;
  let pending = 0;
  const post = (from: string, d: Delivery, cause: number | null) => {
    for (const s of d.sends) {
      const m: Message = { seq: seq++, cause, from, to: s.to, event: s.event, key: s.key };
      const ch = s.key ? s.key.ch : channelOf(m);
      chOf[m.seq] = ch;
      let q = queues.get(ch);
      if (!q) queues.set(ch, (q = []));
      q.push(m);
      if (reorder || q.length === 1) enabled.push(m);
      pending++;
    }
  };
  const trace: TraceEvent[] = [];
  await boot(transport, opts.specs, trace, post);
  const choices: Choice[] = [];
  let delivered = 0;
  while (pending > 0 && delivered < maxSteps) {
    delivered++;
    const i = strategy.pick(enabled, choices.length);
    const msg = enabled[i];
    if (!msg) throw new Error(`strategy ${strategy.name} picked ${i} of ${enabled.length}`);
    const ch = chOf[msg.seq]!;
    const q = queues.get(ch)!;
    const k = reorder ? q.indexOf(msg) : 0;
    choices.push({ ch, k, of: enabled.length });
    enabled.splice(i, 1);
    if (reorder) q.splice(k, 1);
    else {
      q.shift();
      if (q.length) insertBySeq(enabled, q[0]!);
    }
    pending--;
    // Inline answers at once: no promise and no microtask per delivery.
    const answer = transport.deliver(msg);
    const d = answer instanceof Promise ? await answer : answer;
    const ev = traceEvent(msg, d, trace.length);
    trace.push(ev);
    post(msg.to, d, ev.step);
    opts.onStep?.(ev, pending);
  }
  return { trace, choices, views: await transport.views(), quiescent: pending === 0, steps: delivered };
}

/** Insert `m` into `list`, kept in seq order. */
function insertBySeq(list: Message[], m: Message): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.seq < m.seq) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, m);
}
