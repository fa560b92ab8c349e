// Replaying a lasso (a livelock's counterexample): the prefix, then the cycle, and a check that
// the cycle really comes back to the global state the prefix reached: every actor's state (its
// digest: value and context) and every message in flight, channel by channel, as the stateful
// search compares states (src/explore/stateful.ts). Works on either transport (both journal).
import { createHash } from 'node:crypto';
import { livelock } from '../oracles/livelock.ts';
import type { Violation } from '../oracles/types.ts';
import { boot, traceEvent, type Choice } from '../runtime/run.ts';
import { channelOf, type ActorSpec, type Message, type TraceEvent, type Transport } from '../runtime/types.ts';
import { Diverged, indexOfChoice } from '../scheduler/replay.ts';

export interface LassoRun {
  /** The cycle returned to the state after the prefix. */
  closes: boolean;
  trace: TraceEvent[];
  violation: Violation | null;
}

export async function replayLasso(specs: ActorSpec[], transport: Transport, choices: readonly Choice[], prefix: number): Promise<LassoRun> {
  if (!transport.journal) throw new Error(`the ${transport.name} transport reports no state digests`);
  const queues = new Map<string, Message[]>();
  const digests = new Map<string, string>();
  const trace: TraceEvent[] = [];
  let seq = 0;
  const post = (from: string, d: { sends: { to: string; event: Message['event'] }[]; digest?: string }, cause: number | null) => {
    digests.set(from, d.digest ?? '');
    for (const s of d.sends) {
      const m: Message = { seq: seq++, cause, from, to: s.to, event: s.event };
      const ch = channelOf(m);
      queues.set(ch, [...(queues.get(ch) ?? []), m]);
    }
  };
  const key = () => {
    const h = createHash('sha1');
    for (const d of digests.values()) h.update(`${d}\u0000`);
    for (const ch of [...queues.keys()].sort()) {
      const q = queues.get(ch)!;
      if (!q.length) continue;
      h.update(`\u0001${ch}`);
      for (const m of q) h.update(`\u0002${JSON.stringify(m.event)}`);
    }
    return h.digest('hex');
  };
  await transport.journal(true);
  try {
    await boot(transport, specs, trace, post);
    let atPrefix = prefix === 0 ? key() : '';
    for (let i = 0; i < choices.length; i++) {
      const enabled = [...queues.values()].flatMap((q) => q).sort((a, b) => a.seq - b.seq);
      const j = indexOfChoice(enabled, choices[i]!);
      if (j < 0) throw new Diverged(i, choices[i]!, [...new Set(enabled.map(channelOf))]);
      const msg = enabled[j]!;
      const q = queues.get(channelOf(msg))!;
      q.splice(q.indexOf(msg), 1);
      const d = await transport.deliver(msg);
      const ev = traceEvent(msg, d, trace.length);
      trace.push(ev);
      post(msg.to, d, ev.step);
      if (i + 1 === prefix) atPrefix = key();
    }
    const closes = choices.length > prefix && key() === atPrefix;
    const [violation] = closes ? livelock({ trace, lasso: prefix, objects: null as never, views: [], quiescent: false, maxSteps: 0 }) : [];
    return { closes, trace, violation: violation ?? null };
  } finally {
    await transport.journal(false);
  }
}
