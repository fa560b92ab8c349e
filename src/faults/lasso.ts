// Replaying a lasso (a livelock's counterexample): the prefix, then the cycle, and a check that
// the cycle really comes back to the global state the prefix reached: every actor's state (its
// digest: value and context) and every message in flight, channel by channel, as the stateful
// search compares states (src/explore/stateful.ts). Works on either transport (both journal).
import { createHash } from 'node:crypto';
import { livelock } from '../oracles/livelock.ts';
import type { Violation } from '../oracles/types.ts';
import { boot, traceEvent, type Choice } from '../runtime/run.ts';
import { channelOf, type ActorSpec, type Delivery, type Message, type TraceEvent, type Transport } from '../runtime/types.ts';
import type { ExploringStrategy } from '../scheduler/exploring.ts';
import { isPreemption } from '../scheduler/preemption.ts';
import { Diverged, indexOfChoice } from '../scheduler/replay.ts';

export interface LassoRun {
  /** The cycle returned to the state after the prefix. */
  closes: boolean;
  trace: TraceEvent[];
  violation: Violation | null;
  /** Context switches, as the shrinker counts them (../scheduler/preemption.ts). */
  preemptions: number;
}

/** A run that knows its global state's key: the actors' digests and the messages in flight. */
class Walk {
  readonly queues = new Map<string, Message[]>();
  readonly digests = new Map<string, string>();
  readonly trace: TraceEvent[] = [];
  readonly choices: Choice[] = [];
  preemptions = 0;
  private seq = 0;
  private last: number | null = null;

  constructor(private readonly transport: Transport) {}

  private post = (from: string, d: Pick<Delivery, 'sends' | 'digest' | 'hash'>, cause: number | null) => {
    // The engine's transport reports a 64-bit hash of the state, by the same equality as a digest.
    this.digests.set(from, d.digest ?? (d.hash ? `${d.hash.hi}:${d.hash.lo}` : ''));
    for (const s of d.sends) {
      const m: Message = { seq: this.seq++, cause, from, to: s.to, event: s.event };
      const ch = channelOf(m);
      this.queues.set(ch, [...(this.queues.get(ch) ?? []), m]);
    }
  };

  boot = (specs: ActorSpec[]) => boot(this.transport, specs, this.trace, this.post);

  /** The channels' first messages, oldest first: what a run without reordering may deliver. */
  heads(): Message[] {
    return [...this.queues.values()].flatMap((q) => q.slice(0, 1)).sort((a, b) => a.seq - b.seq);
  }

  async deliver(msg: Message, enabled: readonly Message[]): Promise<TraceEvent> {
    if (isPreemption(enabled, msg, this.last)) this.preemptions++;
    const q = this.queues.get(channelOf(msg))!;
    q.splice(q.indexOf(msg), 1);
    this.choices.push({ ch: channelOf(msg), k: 0, of: enabled.length });
    const d = await this.transport.deliver(msg);
    const ev = traceEvent(msg, d, this.trace.length);
    this.trace.push(ev);
    this.last = ev.step;
    this.post(msg.to, d, ev.step);
    return ev;
  }

  async replay(c: Choice, i: number): Promise<void> {
    const enabled = [...this.queues.values()].flatMap((q) => q).sort((a, b) => a.seq - b.seq);
    const j = indexOfChoice(enabled, c);
    if (j < 0) throw new Diverged(i, c, [...new Set(enabled.map(channelOf))]);
    await this.deliver(enabled[j]!, this.heads());
  }

  key(): string {
    const h = createHash('sha1');
    for (const d of this.digests.values()) h.update(`${d}\u0000`);
    for (const ch of [...this.queues.keys()].sort()) {
      const q = this.queues.get(ch)!;
      if (!q.length) continue;
      h.update(`\u0001${ch}`);
      for (const m of q) h.update(`\u0002${JSON.stringify(m.event)}`);
    }
    return h.digest('hex');
  }
}

async function journaled<T>(transport: Transport, body: (w: Walk) => Promise<T>): Promise<T> {
  if (!transport.journal) throw new Error(`the ${transport.name} transport reports no state digests`);
  await transport.journal(true);
  try {
    return await body(new Walk(transport));
  } finally {
    await transport.journal(false);
  }
}

export function replayLasso(specs: ActorSpec[], transport: Transport, choices: readonly Choice[], prefix: number): Promise<LassoRun> {
  return journaled(transport, async (w) => {
    await w.boot(specs);
    let atPrefix = prefix === 0 ? w.key() : '';
    for (let i = 0; i < choices.length; i++) {
      await w.replay(choices[i]!, i);
      if (i + 1 === prefix) atPrefix = w.key();
    }
    const closes = choices.length > prefix && w.key() === atPrefix;
    const [violation] = closes ? livelock({ trace: w.trace, lasso: prefix, objects: null as never, views: [], quiescent: false, maxSteps: 0 }) : [];
    return { closes, trace: w.trace, violation: violation ?? null, preemptions: w.preemptions };
  });
}

/** The key of the global state after `choices` (the state a lasso's cycle starts from). */
export const keyAfter = (specs: ActorSpec[], transport: Transport, choices: readonly Choice[]): Promise<string> =>
  journaled(transport, async (w) => {
    await w.boot(specs);
    for (let i = 0; i < choices.length; i++) await w.replay(choices[i]!, i);
    return w.key();
  });

/** A run under `strategy` that stops at the first state whose key is `target`: its choices, or
 * null if the run ends (or reaches `maxSteps`) without passing through that state. */
export const runTo = (specs: ActorSpec[], transport: Transport, strategy: ExploringStrategy, target: string, maxSteps: number) =>
  journaled(transport, async (w) => {
    strategy.beginRun(0);
    await w.boot(specs);
    while (w.key() !== target) {
      const enabled = w.heads();
      if (!enabled.length || w.choices.length >= maxSteps) return null;
      const ev = await w.deliver(enabled[strategy.pick(enabled, w.choices.length)]!, enabled);
      strategy.observe?.(ev);
    }
    return w.choices;
  });
