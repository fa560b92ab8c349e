// The in-process transport: every actor in one ActorHost on this thread.
import type { InspectionEvent } from 'xstate';
import { ActorHost } from './host.ts';
import type { Transport } from './types.ts';
import { isWorkerFault, simulatedWorkerFault } from './thread-faults.ts';

export function inlineTransport(opts: { inspect?: (e: InspectionEvent) => void } = {}): Transport {
  const host = new ActorHost(opts);
  return {
    name: 'inline',
    start: async (specs) => host.start(specs),
    deliver: (msg) => (isWorkerFault(msg) ? simulatedWorkerFault(msg) : host.deliver(msg.to, msg.event, msg.from)),
    views: async () => host.views(),
    stateText: (id) => {
      const snap = host.snapshotOf(id);
      return JSON.stringify([snap.value, snap.context]);
    },
    close: async () => host.stop(),
    journal: async (on) => host.setJournal(on),
    undo: (receivers) => host.undo(receivers.length),
  };
}
