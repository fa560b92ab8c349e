// Live inspection: every actor's xstate inspection events, from every thread, to the Stately
// inspector through @statelyai/inspect's WebSocket inspector. A relay on localhost (an ephemeral
// port) takes the inspector's events and hands them to every other client: the bridge page it
// serves at `url` (which frames stately.ai/inspect, so it needs the internet), or any WebSocket
// client of `wsUrl`. A client that joins late gets every event so far.
//
// Events come straight from xstate (inline transport) or as serialisable copies from a worker,
// tagged `worker`. Each thread numbers its actors' sessions from `x:0`, so a worker's session ids
// are prefixed with its name (`mm/x:0`).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebSocketInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { WebSocketServer, type WebSocket } from 'ws';
import type { InspectionEvent } from 'xstate';
import { machines } from '../../machines/index.ts';
import type { WireInspection } from '../engine/transports.ts';
import { untilInterrupted } from './interrupt.ts';

/** What `inspect` accepts: xstate's InspectionEvent (live refs), or a transport's plain copy
 * (runtime/threads/inspection.ts: refs reduced to `{ id, sessionId }`, tagged `worker`). */
export interface AnyInspectionEvent {
  type: string;
  worker?: string;
  rootId?: string;
  actorRef: { id?: string; sessionId: string; logic?: { id?: string; config?: unknown }; _parent?: { sessionId: string } };
  sourceRef?: { sessionId: string };
  /** The machine's id, when a copy carries it (to find its definition). */
  machine?: string;
  event?: unknown;
  snapshot?: unknown;
}

// The package exports no version; its package.json sits one folder above its entry.
const VERSION = (JSON.parse(readFileSync(join(dirname(createRequire(import.meta.url).resolve('@statelyai/inspect')), '../package.json'), 'utf8')) as { version: string }).version;

/** A snapshot as data: xstate's carries the machine and child refs. */
const plainSnapshot = (s: unknown) => {
  if (!s) return { status: 'active' };
  const { status, value, context, output } = s as Record<string, unknown>;
  return { status, value, context, output };
};

/** The machine behind an actor: its logic, the copy's `machine`, its worker (one per kind), or
 * its id's stem (`mm#1` → `mm`). */
function definitionOf(e: AnyInspectionEvent, definitions: Record<string, unknown>): unknown {
  if (e.actorRef.logic?.config) return e.actorRef.logic.config;
  const stem = (e.actorRef.id ?? '').split('#')[0]!;
  for (const k of [e.machine, e.worker, stem]) if (k && definitions[k]) return definitions[k];
  return undefined;
}

/** An inspection event → the Stately inspector's event. A session id gets its worker's prefix
 * unless the transport already gave it one. */
export function toStately(e: AnyInspectionEvent, definitions: Record<string, unknown> = {}): StatelyInspectionEvent | null {
  const pre = (id: string | undefined) => (id === undefined || !e.worker || id.startsWith(`${e.worker}/`) ? id : `${e.worker}/${id}`);
  const sessionId = pre(e.actorRef?.sessionId);
  if (!sessionId) return null;
  const base = { sessionId, rootId: pre(e.rootId) ?? sessionId, createdAt: Date.now().toString(), _version: VERSION, id: null as unknown as string };
  switch (e.type) {
    case '@xstate.actor': {
      const config = definitionOf(e, definitions);
      return {
        ...base,
        type: '@xstate.actor',
        name: e.actorRef.id ?? sessionId,
        definition: config ? JSON.stringify(config) : undefined,
        parentId: pre(e.actorRef._parent?.sessionId),
        // Not getSnapshot(): the actor is still being built; its first @xstate.snapshot follows.
        snapshot: plainSnapshot(e.snapshot) as never,
      };
    }
    case '@xstate.event':
      return { ...base, type: '@xstate.event', event: e.event as never, sourceId: pre(e.sourceRef?.sessionId) };
    case '@xstate.snapshot':
      return { ...base, type: '@xstate.snapshot', event: e.event as never, snapshot: plainSnapshot(e.snapshot) as never };
    default:
      return null;
  }
}

const BRIDGE = (ws: string) => `<!doctype html><meta charset="utf-8"><title>svmsim · Stately inspector</title>
<style>html,body,iframe{margin:0;height:100%;width:100%;border:0}</style>
<iframe id="i" src="https://stately.ai/inspect"></iframe>
<script>
const frame = document.getElementById('i'); const queue = []; let ready = false;
addEventListener('message', (m) => { if (m.data && m.data.type === '@statelyai.connected') { ready = true; queue.splice(0).forEach((d) => frame.contentWindow.postMessage(d, '*')); } });
new WebSocket(${JSON.stringify(ws)}).onmessage = (m) => { const d = JSON.parse(m.data); ready ? frame.contentWindow.postMessage(d, '*') : queue.push(d); };
</script>`;

export interface InspectorOptions {
  /** 0 (default): any free port. */
  port?: number;
  host?: string;
  /** Machine configs by machine id, for actors whose events carry no logic (a transport's
   * copies); default: every machine in machines/index.ts. */
  definitions?: Record<string, unknown>;
}

export interface LiveInspector {
  /** The bridge page to open in a browser (it frames stately.ai/inspect). */
  url: string;
  /** The relay, for any WebSocket client. */
  wsUrl: string;
  /** Pass to makeTransport(name, { inspect }) or inlineTransport({ inspect }). */
  inspect: (e: InspectionEvent | WireInspection) => void;
  /** Events relayed so far. */
  sent(): number;
  /** Wait until the relay has every event, then close the inspector, the relay and its clients. */
  stop(): Promise<void>;
  /** Keep serving (a browser opened after a fast run still gets every event) until Ctrl-C,
   * SIGTERM or `signal` aborts; then stop. */
  untilInterrupted(signal?: AbortSignal): Promise<void>;
  /** One line to print: where to look. */
  banner: string;
}

export async function startInspector(opts: InspectorOptions = {}): Promise<LiveInspector> {
  const host = opts.host ?? '127.0.0.1';
  const http: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(BRIDGE(wsUrl));
  });
  await new Promise<void>((ok, fail) => http.once('error', fail).listen(opts.port ?? 0, host, ok));
  const port = (http.address() as AddressInfo).port;
  const wsUrl = `ws://${host}:${port}`;
  const wss = new WebSocketServer({ server: http });
  const log: string[] = [];
  let source: WebSocket | undefined;
  let relayed = 0;
  const sourceUp = new Promise<void>((ok) => {
    wss.on('connection', (ws) => {
      // The first client is our own inspector; later ones are viewers and get the story so far.
      if (!source) {
        source = ws;
        ws.on('message', (data) => {
          const msg = data.toString();
          log.push(msg);
          relayed++;
          for (const c of wss.clients) if (c !== ws && c.readyState === c.OPEN) c.send(msg);
        });
        ok();
      } else for (const msg of log) ws.send(msg);
    });
  });
  const inspector = createWebSocketInspector({ url: wsUrl, maxDeferredEvents: Number.MAX_SAFE_INTEGER });
  await sourceUp;
  const definitions = opts.definitions ?? Object.fromEntries(Object.values(machines).map((m) => [m.id, m.config]));
  let queued = 0;
  const url = `http://${host}:${port}/`;
  const self: LiveInspector = {
    url,
    wsUrl,
    banner: `inspector: open ${url} (the Stately inspector; it needs the internet) · raw events: ${wsUrl}`,
    inspect: (e) => {
      const ev = toStately(e as AnyInspectionEvent, definitions);
      if (ev) {
        queued++;
        inspector.adapter.send(ev);
      }
    },
    sent: () => relayed,
    stop: async () => {
      // Close only once the relay has every event the inspector queued (or after 5 s).
      for (let t = 0; relayed < queued && t < 500; t++) await new Promise((r) => setTimeout(r, 10));
      inspector.stop();
      // A close handshake goes out after the data already queued: viewers get every event.
      await Promise.all([...wss.clients].map((c) => new Promise<void>((ok) => {
        const t = setTimeout(() => c.terminate(), 2000);
        c.once('close', () => (clearTimeout(t), ok()));
        c.close();
      })));
      await new Promise<void>((ok) => wss.close(() => http.close(() => ok())));
    },
    untilInterrupted: async (signal) => {
      await untilInterrupted(signal);
      await self.stop();
    },
  };
  return self;
}
