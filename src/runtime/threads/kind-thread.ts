// A kind thread: one thread hosting every actor of one kind (all the mm's, all the files, ...) in
// an ActorHost, exposed to the main thread with comlink. Controlled mode: the main thread's
// scheduler calls deliver() for each message. Free-running: see free-node.ts.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort, workerData } from 'node:worker_threads';
import { KINDS } from '../../../machines/index.ts';
import { ActorCrash, ActorHost } from '../host.ts';
import { toWire, type WireInspection } from './inspection.ts';
import type { KindThreadApi, KindThreadData, Reply } from './protocol.ts';
import type { KEvent } from '../types.ts';
import { FreeNode } from './free-node.ts';

const data = workerData as KindThreadData;
const inspections: WireInspection[] = [];
const host = new ActorHost(data.inspect ? { inspect: (e) => inspections.push(toWire(e, data.kind)) } : {});
const drainInspections = () => (inspections.length ? inspections.splice(0) : undefined);

/** Test-only: misbehave on one delivery, to prove the main thread fails instead of hanging. */
function beforeDeliver(to: string, event: KEvent): void {
  // An injected worker fault (src/runtime/thread-faults.ts): this thread dies, or spins forever.
  if (event.type === 'worker-crash') process.exit(3);
  if (event.type === 'worker-hang') for (;;);
  const f = data.fault;
  if (!f || f.actor !== to || f.event !== event.type) return;
  if (f.kind === 'exit') process.exit(3);
  if (f.kind === 'uncaught') setImmediate(() => {
    throw new Error(`injected fault in worker ${data.kind} on ${to} ← ${event.type}`);
  });
  if (f.kind === 'hang') for (;;);
}

/** A machine's exception travels as data: comlink's error path would lose the actor and event. */
function reply<T>(run: () => T): Reply<T> {
  let r: Reply<T>;
  try {
    r = { ok: run() };
  } catch (e) {
    if (!(e instanceof ActorCrash)) throw e;
    r = { crash: { actor: e.actor, event: e.event, stack: e.causeStack } };
  }
  const i = drainInspections();
  if (i) r.inspections = i;
  return r;
}

const free = new FreeNode({ kind: data.kind, index: KINDS.indexOf(data.kind), host, drainInspections, beforeDeliver });

const api: KindThreadApi = {
  start: (specs) => reply(() => host.start(specs)),
  deliver: (to, event, from) =>
    reply(() => {
      beforeDeliver(to, event);
      return host.deliver(to, event, from);
    }),
  views: () => host.views(),
  journal: (on) => host.setJournal(on),
  undo: (n) => reply(() => host.undo(n)),
  connect: (peers, observer) => free.connect(peers, observer),
  load: (run) => reply(() => free.load(run)),
  go: (epoch) => free.go(epoch),
  halt: () => free.halt(),
  flush: () => free.flush(),
};

Comlink.expose(api, nodeEndpoint(parentPort!));
parentPort!.postMessage({ ready: true });
