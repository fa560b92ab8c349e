// The live view: the trace viewer served on 127.0.0.1 (an ephemeral port), updated over a
// WebSocket as deliveries arrive. It needs no internet: the page is the offline trace viewer
// (uPlot inlined), and its updates are the parts of the page that change (the sequence diagram,
// the data, the verdict), sent at most every THROTTLE_MS. A browser opened late gets the run so
// far. It serves until Ctrl-C, SIGTERM or the caller's signal, then closes every connection.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Violation } from '../oracles/types.ts';
import type { TraceEvent } from '../runtime/types.ts';
import { untilInterrupted } from './interrupt.ts';
import { buildReport, type ReportInput } from './report-model.ts';
import { reportHtml, reportParts } from './report-html.ts';

export const THROTTLE_MS = 100;

/** The page's client: apply each update, following the newest step unless the user moved away. */
const CLIENT = `
(() => {
  const badge = $('live');
  const ws = new WebSocket('ws://' + location.host + '/live');
  ws.onmessage = (m) => {
    const u = JSON.parse(m.data);
    const follow = at < 0 || at === N - 1, keep = at;
    $('seqpane').innerHTML = u.seq; $('meta').innerHTML = u.meta; $('verdict').innerHTML = u.verdict; $('vlist').innerHTML = u.violations;
    D = JSON.parse(u.data); load();
    show(follow ? N - 1 : keep);
    badge.textContent = (u.done ? 'live · run over · ' : 'live · running · ') + N + ' steps';
    badge.dataset.state = u.done ? 'done' : 'running';
  };
  ws.onclose = () => { badge.textContent += ' · disconnected'; badge.dataset.state = 'closed'; };
})();
`;

const BADGE = '<span id="live" class="verdict" data-state="waiting" style="background:#e8eefc;color:#1d4ed8">live · waiting for the first step</span>';

export interface LiveViewOptions {
  /** What the page names and how its lanes are known: scenario, kernel, strategy, transport, world. */
  input: Omit<ReportInput, 'trace' | 'violations'>;
  port?: number;
  host?: string;
}

export interface LiveView {
  url: string;
  /** A delivery arrived (the transport's onStep). */
  step(ev: TraceEvent): void;
  /** The run is over: its final trace and verdict. */
  done(trace: TraceEvent[], violations: Violation[]): void;
  /** Viewers connected now. */
  clients(): number;
  /** Resolves when the first viewer connects (or at once if one has). */
  firstViewer(): Promise<void>;
  /** Updates sent so far (to every viewer). */
  updates(): number;
  /** Serve until Ctrl-C, SIGTERM or `signal`, then stop. */
  untilInterrupted(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  banner: string;
}

export async function startLiveView(o: LiveViewOptions): Promise<LiveView> {
  const host = o.host ?? '127.0.0.1';
  let trace: TraceEvent[] = [];
  let violations: Violation[] = [];
  let finished = false;
  /** The trace so far, up to the first event not yet consistent (a free run's report that
   * arrived ahead of its cause): each step at its index, caused by an earlier one. */
  const settled = () => {
    let n = 0;
    while (n < trace.length && trace[n]!.step === n && (trace[n]!.cause ?? -1) < n) n++;
    return n === trace.length ? trace : trace.slice(0, n);
  };
  const input = (): ReportInput => ({ ...o.input, trace: settled(), violations });
  const http: Server = createServer((req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end(); // the browser asks; there is none
      return;
    }
    if (req.url !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(reportHtml(buildReport(input()), { extraScript: CLIENT, badge: BADGE }));
  });
  await new Promise<void>((ok, fail) => http.once('error', fail).listen(o.port ?? 0, host, ok));
  const url = `http://${host}:${(http.address() as AddressInfo).port}/`;
  const wss = new WebSocketServer({ server: http, path: '/live' });
  let sent = 0;
  const message = () => JSON.stringify({ ...reportParts(buildReport(input(), { charts: false })), done: finished });
  /** The run's version (one per step, and the verdict), and the version each viewer has: a viewer
   * that connected after the last step already has it, and gets no update until the next. */
  let version = 0;
  const has = new WeakMap<object, number>();
  const broadcast = () => {
    const behind = [...wss.clients].filter((c) => c.readyState === c.OPEN && (has.get(c) ?? -1) < version);
    if (!behind.length) return;
    const m = message();
    for (const c of behind) (c.send(m), has.set(c, version), sent++);
  };
  let viewed!: () => void;
  const firstViewer = new Promise<void>((ok) => (viewed = ok));
  // A viewer that connects gets the run so far at once.
  wss.on('connection', (ws) => {
    ws.send(message());
    has.set(ws, version);
    sent++;
    viewed();
  });
  let timer: NodeJS.Timeout | undefined;
  const soon = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      broadcast();
    }, THROTTLE_MS);
  };
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= close());
  const close = async () => {
    clearTimeout(timer);
    await Promise.all(
      [...wss.clients].map(
        (c) =>
          new Promise<void>((ok) => {
            const t = setTimeout(() => c.terminate(), 1000);
            c.once('close', () => (clearTimeout(t), ok()));
            c.close();
          }),
      ),
    );
    await new Promise<void>((ok) => {
      wss.close(() => http.close(() => ok()));
      http.closeAllConnections(); // the page's keep-alive connection too
    });
  };
  return {
    url,
    banner: `live: open ${url} (the trace viewer, updated as deliveries arrive; offline) · Ctrl-C to stop`,
    step(ev) {
      trace.push(ev);
      version++;
      soon();
    },
    done(t, v) {
      trace = t;
      violations = v;
      finished = true;
      version++;
      clearTimeout(timer);
      timer = undefined;
      broadcast();
    },
    clients: () => wss.clients.size,
    firstViewer: () => firstViewer,
    updates: () => sent,
    stop,
    async untilInterrupted(signal) {
      await untilInterrupted(signal);
      await stop();
    },
  };
}
