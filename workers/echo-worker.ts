// The bench's floor (bench/sections/10-transport.ts): a worker that does nothing but answer, to
// time a bare comlink round trip between two workers beside the transport's deliveries.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort, type MessagePort } from 'node:worker_threads';

export interface EchoApi {
  echo<T>(x: T): T;
  /** Answer echo() calls arriving on this end of a channel. */
  serve(port: MessagePort): void;
  /** Call echo() on the worker at the other end of this channel from now on. */
  connect(port: MessagePort): void;
  /** Await the peer's echo `n` times in a row; returns the time it took in ms. */
  ping(n: number, payload: unknown): Promise<number>;
}

let peer: Comlink.Remote<EchoApi> | undefined;
const api: EchoApi = {
  echo: (x) => x,
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
