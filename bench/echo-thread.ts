// The bench's floors (bench/sections/10-transport.ts): a worker that does nothing but answer, to
// time a bare comlink round trip beside the transport's deliveries: main thread ↔ worker (the
// hop of a controlled delivery) and worker ↔ worker (the hop of a free-running one).
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort, type MessagePort } from 'node:worker_threads';

export interface EchoApi {
  echo<T>(x: T): T;
  /** From now on, answer() returns `r`. */
  answerWith(r: unknown): void;
  /** The shape of a controlled delivery with none of its work: three arguments in, the reply
   * given to answerWith() out. */
  answer(to: string, event: unknown, from: string): unknown;
  /** Answer echo() calls arriving on this end of a channel. */
  serve(port: MessagePort): void;
  /** Call echo() on the worker at the other end of this channel from now on. */
  connect(port: MessagePort): void;
  /** Await the peer's echo `n` times in a row; returns the time it took in ms. */
  ping(n: number, payload: unknown): Promise<number>;
}

let peer: Comlink.Remote<EchoApi> | undefined;
let reply: unknown;
const api: EchoApi = {
  echo: (x) => x,
  answerWith(r) {
    reply = r;
  },
  answer: () => reply,
  serve: (port) => Comlink.expose(api, nodeEndpoint(port)),
  connect(port) {
    peer = Comlink.wrap<EchoApi>(nodeEndpoint(port));
  },
  async ping(n, payload) {
    const echo = peer!.echo;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await echo(payload);
    return performance.now() - t0;
  },
};

Comlink.expose(api, nodeEndpoint(parentPort!));
parentPort!.postMessage({ ready: true });
