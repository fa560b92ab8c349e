// comlink's Node endpoint with the failure paths comlink leaves open: a call to a worker that has
// exited, crashed or been closed never settles in comlink 4.4.2. This wrapper remembers the id of
// every call in flight and, when the other side is gone, answers each one itself with a thrown
// error, so the awaiting caller rejects instead of hanging.
import type { Endpoint } from 'comlink';
import nodeEndpoint, { type NodeEndpoint } from 'comlink/dist/esm/node-adapter.mjs';

/** The other side of an endpoint is gone (exited, crashed, silent, closed). */
export class WorkerGone extends Error {
  constructor(
    readonly worker: string,
    message: string,
    /** The worker's own error stack, when it died of an exception. */
    readonly workerStack?: string,
  ) {
    super(message);
    this.name = 'WorkerGone';
  }
}

type Listener = EventListenerOrEventListenerObject;
type Msg = { id?: string; type?: string } | undefined;

export interface GuardedEndpoint extends Endpoint {
  /** Calls posted and not yet answered, with the time each was posted (performance.now()). */
  readonly inFlight: ReadonlyMap<string, number>;
  /** Reject every call in flight, and every later one, with `err`. Idempotent: the first wins. */
  fail(err: Error): void;
  readonly failure: Error | undefined;
}

export function guardedEndpoint(nep: NodeEndpoint): GuardedEndpoint {
  const inner = nodeEndpoint(nep);
  /** comlink's listeners, each with the wrapper that first settles the answer's call. */
  const listeners = new Map<Listener, (ev: Event) => void>();
  const inFlight = new Map<string, number>();
  let failure: Error | undefined;
  const call = (l: Listener, ev: Event) => (typeof l === 'function' ? l(ev) : l.handleEvent(ev));

  // comlink's own wire format for a thrown value: its `throw` handler rethrows `value` as is.
  const answer = (id: string, err: Error) => {
    const data = { id, type: 'HANDLER', name: 'throw', value: { isError: false, value: err } };
    for (const l of listeners.keys()) call(l, { data } as MessageEvent);
  };

  return {
    inFlight,
    get failure() {
      return failure;
    },
    postMessage(msg: Msg, transfer?: Transferable[]) {
      if (failure) {
        // A RELEASE from comlink's finalizer after the end is dropped: nobody awaits it.
        if (msg?.id && msg.type !== 'RELEASE') queueMicrotask(() => answer(msg.id!, failure!));
        return;
      }
      if (msg?.id) inFlight.set(msg.id, performance.now());
      inner.postMessage(msg, transfer);
    },
    // An answer settles its call in the listener comlink added, not in one of our own: a second
    // 'message' listener would cost every message an EventEmitter dispatch to two listeners.
    addEventListener(type: string, l: Listener) {
      const settle = (ev: Event) => {
        const id = ((ev as MessageEvent).data as Msg)?.id;
        if (id) inFlight.delete(id);
        call(l, ev);
      };
      listeners.set(l, settle);
      inner.addEventListener(type, settle);
    },
    removeEventListener(type: string, l: Listener) {
      const settle = listeners.get(l);
      listeners.delete(l);
      if (settle) inner.removeEventListener(type, settle);
    },
    start: inner.start,
    fail(err: Error) {
      if (failure) return;
      failure = err;
      const ids = [...inFlight.keys()];
      inFlight.clear();
      for (const id of ids) answer(id, err);
    },
  };
}
