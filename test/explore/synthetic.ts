// A test-only transport for tiny synthetic worlds (shuttle-style): each actor is a function from
// a received event to sends and effects, so the exact number of schedules a search runs can be
// worked out by hand.
import type { ActorSpec, Delivery, Effect, KEvent, Transport } from '../../src/runtime/types.ts';
import { runSchedule } from '../../src/runtime/run.ts';
import { scheduleOnce } from '../../src/explore/schedule.ts';
import type { ExploringStrategy } from '../../src/scheduler/exploring.ts';

export interface Out {
  sends?: { to: string; event: KEvent }[];
  effects?: Effect[];
}
export interface SynthActor {
  start?: Out;
  on?: (event: KEvent, received: number) => Out;
}

export function syntheticWorld(actors: Record<string, SynthActor>): { specs: ActorSpec[]; transport: Transport } {
  // An actor's state is how many messages it has received; the journal is implicit in that.
  const received = new Map<string, number>();
  let journaled = false;
  const delivery = (o: Out = {}, id?: string): Delivery => ({ state: 'x', waiting: false, sends: o.sends ?? [], effects: o.effects ?? [], ...(journaled && id ? { digest: String(received.get(id) ?? 0) } : {}) });
  const transport: Transport = {
    name: 'synthetic',
    start: async (specs) => {
      received.clear();
      return specs.map((s) => ({ from: s.id, delivery: delivery(actors[s.id]!.start, s.id) }));
    },
    deliver: async (m) => {
      const n = received.get(m.to) ?? 0;
      received.set(m.to, n + 1);
      return delivery(actors[m.to]!.on?.(m.event, n), m.to);
    },
    views: async () => Object.keys(actors).map((id) => ({ id, kind: 'synthetic', state: String(received.get(id) ?? 0), waiting: false })),
    close: async () => {},
    journal: async (on) => {
      journaled = on;
    },
    undo: (receivers) => {
      for (const id of receivers) received.set(id, received.get(id)! - 1);
    },
  };
  return { specs: Object.keys(actors).map((id) => ({ id, kind: 'synthetic', input: {} })), transport };
}

/** Run a search to the end; the orders it delivered in, as `to:event` lists. */
export async function exhaust(world: ReturnType<typeof syntheticWorld>, strategy: ExploringStrategy, o: { reorder?: boolean; limit?: number; onRun?: (order: string) => void } = {}) {
  const orders: string[] = [];
  for (let i = 0; i < (o.limit ?? 10_000); i++) {
    const { result, more } = await scheduleOnce(strategy, () =>
      runSchedule({ specs: world.specs, transport: world.transport, strategy, reorder: o.reorder, onStep: (ev) => strategy.observe?.(ev) }),
    );
    if (result) orders.push(result.trace.map((t) => `${t.to}:${t.event}`).join(' '));
    if (result) o.onRun?.(orders[orders.length - 1]!);
    if (!more) break;
  }
  return orders;
}

export const send = (to: string, type: string, lane?: string) => ({ to, event: lane ? { type, lane } : { type } });

/** Two threads of three messages each on their own channel: a → x, b → y. */
export const twoThreads = () =>
  syntheticWorld({
    a: { start: { sends: [send('x', 'a1'), send('x', 'a2'), send('x', 'a3')] } },
    b: { start: { sends: [send('y', 'b1'), send('y', 'b2'), send('y', 'b3')] } },
    x: {},
    y: {},
  });
/** The events of a run, in delivery order. */
export const order = (r: { trace: { event: string }[] }) => r.trace.map((t) => t.event).join(' ');
