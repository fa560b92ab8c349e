// The controlled run loop: every message between actors waits here, and the strategy picks which
// one is delivered next. Messages on one channel (sender → receiver) stay FIFO like a MessagePort;
// channels interleave freely; `reorder` lets any pending message go first.
import type { Strategy } from '../scheduler/strategy.ts';
import { channelOf, type ActorSpec, type ActorView, type Delivery, type Message, type TraceEvent, type Transport } from './types.ts';

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

export async function runSchedule(opts: RunOptions): Promise<RunResult> {
  const { transport, strategy, reorder = false } = opts;
  const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  strategy.beginRun(opts.seed ?? 0);
  const queues = new Map<string, Message[]>();
  let seq = 0;
  let pending = 0;
  const post = (from: string, d: Delivery, cause: number | null) => {
    for (const s of d.sends) {
      const m: Message = { seq: seq++, cause, from, to: s.to, event: s.event };
      const ch = channelOf(m);
      let q = queues.get(ch);
      if (!q) queues.set(ch, (q = []));
      q.push(m);
      pending++;
    }
  };
  const trace: TraceEvent[] = [];
  // Start-up: an actor whose initial context allocates objects (an mm and its PGD) gets a
  // `boot` step, so the trace alone holds every lifetime.
  for (const { from, delivery } of await transport.start(opts.specs)) {
    let cause: number | null = null;
    if (delivery.effects.length) {
      cause = trace.length;
      trace.push({ step: cause, seq: -1, from: 'boot', to: from, event: 'xstate.init', args: {}, state: delivery.state, effects: delivery.effects, cause: null });
    }
    post(from, delivery, cause);
  }
  const choices: Choice[] = [];
  const enabled: Message[] = [];
  let delivered = 0;
  while (pending > 0 && delivered < maxSteps) {
    delivered++;
    enabled.length = 0;
    for (const q of queues.values()) {
      if (reorder) enabled.push(...q);
      else if (q.length) enabled.push(q[0]!);
    }
    enabled.sort((a, b) => a.seq - b.seq);
    const i = strategy.pick(enabled, choices.length);
    const msg = enabled[i];
    if (!msg) throw new Error(`strategy ${strategy.name} picked ${i} of ${enabled.length}`);
    const ch = channelOf(msg);
    const q = queues.get(ch)!;
    const k = q.indexOf(msg);
    q.splice(k, 1);
    pending--;
    choices.push({ ch, k, of: enabled.length });
    // Inline answers at once: no promise and no microtask per delivery.
    const answer = transport.deliver(msg);
    const d = answer instanceof Promise ? await answer : answer;
    const { type, ...args } = msg.event;
    const ev: TraceEvent = {
      step: trace.length,
      seq: msg.seq,
      from: msg.from,
      to: msg.to,
      event: type,
      args,
      state: d.state,
      effects: d.effects,
      cause: msg.cause,
    };
    trace.push(ev);
    post(msg.to, d, ev.step);
    opts.onStep?.(ev, pending);
  }
  return { trace, choices, views: await transport.views(), quiescent: pending === 0, steps: delivered };
}
