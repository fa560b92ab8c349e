// Drive one machine by hand: send events as if from an actor, read what it emitted.
import { createActor, type AnyStateMachine } from 'xstate';
import type { Emitted } from '../../machines/objects.ts';
import { stateString } from '../../src/runtime/host.ts';

export function drive(machine: AnyStateMachine, input: Record<string, unknown>) {
  const out: Emitted[] = [];
  const actor = createActor(machine, { input });
  actor.on('*', (e: Emitted) => out.push(e));
  actor.start();
  const take = () => out.splice(0).filter((e) => (e as { type: string }).type !== 'noop');
  const started = take();
  return {
    started,
    /** Deliver `event` from `from`; returns what the machine emitted. */
    send(event: { type: string; [k: string]: unknown }, from = 'test') {
      actor.send({ from, ...event });
      if (actor.getSnapshot().status === 'error') throw actor.getSnapshot().error;
      return take();
    },
    get state() {
      return stateString(actor.getSnapshot().value);
    },
    get context() {
      return actor.getSnapshot().context;
    },
    get waiting() {
      return actor.getSnapshot().hasTag('waiting');
    },
  };
}

/** The messages among emitted things, as `to:type`. */
export const sends = (es: Emitted[]) => es.filter((e) => e.type === 'send').map((e) => `${(e as { to: string }).to}:${(e as { event: { type: string } }).event.type}`);
export const bugs = (es: Emitted[]) => es.filter((e) => e.type === 'bug').map((e) => (e as { message: string }).message);
export const sent = (es: Emitted[], type: string) =>
  (es.find((e) => e.type === 'send' && (e as { event: { type: string } }).event.type === type) as { event: Record<string, unknown> } | undefined)?.event;
