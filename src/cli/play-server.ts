// The `svmsim play` server, on 127.0.0.1: the page (GET /), the view as JSON (GET /state), the
// history so far as a schedule file (GET /schedule.json), actions (POST /action), and a WebSocket
// (/ws) on which every page gets each new view. The session lives here, not in the page: a reload
// shows the history as it was, and every page open on the server shows the same one. A taken
// port is no error: the server takes a free one and says so.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { HERE_STRATEGIES, PlayError, RUN_STRATEGIES, type HereStrategy, type PlaySession, type RunStrategy } from '../play/session.ts';
import { playCharts, playView, type PlayView } from '../views/play-model.ts';
import { playHtml } from '../views/play-html.ts';

export interface PlayServerOptions {
  session: PlaySession;
  /** The port asked for (0: any); taken, another is used. */
  port: number;
  /** Where "save" writes the history (up to the cursor). */
  out: string;
}

export interface PlayServer {
  url: string;
  /** The port asked for was taken. */
  moved: boolean;
  clients(): number;
  stop(): Promise<void>;
}

const MAX_BODY = 1 << 16;

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > MAX_BODY) throw new PlayError('request too large');
  }
  try {
    const v = JSON.parse(text || '{}') as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // said below
  }
  throw new PlayError('an action is a JSON object: {"op": "step" | "undo" | "redo" | "go" | "run" | "explore" | "take" | "save", ...}');
}

const num = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new PlayError(`${what} must be an integer >= 0`);
  return v;
};

/** Do one action; the answer says what it did besides changing the view. */
async function perform(s: PlaySession, a: Record<string, unknown>, out: string): Promise<Record<string, unknown>> {
  switch (a.op) {
    case 'step':
      if (typeof a.ch !== 'string') throw new PlayError('step needs a channel (ch)');
      await s.step({ ch: a.ch, k: a.k === undefined ? 0 : num(a.k, 'k') });
      return {};
    case 'undo':
      await s.undo();
      return {};
    case 'redo':
      await s.redo();
      return {};
    case 'go':
      await s.goTo(num(a.to, 'to'));
      return {};
    case 'run':
      await s.run((a.strategy ?? 'fifo') as RunStrategy, a.seed === undefined ? 0 : num(a.seed, 'seed'));
      return {};
    case 'explore': {
      const r = await s.exploreHere({ strategy: (a.strategy ?? 'portfolio') as HereStrategy, schedules: a.schedules === undefined ? undefined : Math.max(1, num(a.schedules, 'schedules')), seed: a.seed === undefined ? 0 : num(a.seed, 'seed') });
      return { explored: r.found.length };
    }
    case 'take':
      await s.takeFound(num(a.index, 'index'));
      return {};
    case 'save': {
      const f = await s.save(out);
      return { saved: { path: out, choices: f.choices.length, violation: f.violation?.oracle ?? null } };
    }
    default:
      throw new PlayError(`unknown action '${String(a.op)}'`);
  }
}

function listen(http: Server, port: number): Promise<boolean> {
  return new Promise((ok, fail) => {
    const first = () => {
      http.off('error', onError);
      ok(false);
    };
    const onError = (e: NodeJS.ErrnoException) => {
      // The first listen's callback would fire on the second's success: it is taken off first.
      http.off('listening', first);
      if (e.code !== 'EADDRINUSE' || port === 0) return fail(e);
      http.once('error', fail).listen(0, '127.0.0.1', () => ok(true));
    };
    http.once('error', onError).once('listening', first).listen(port, '127.0.0.1');
  });
}

export async function startPlayServer(o: PlayServerOptions): Promise<PlayServer> {
  const { session } = o;
  const charts = playCharts(session.snapshot().actors);
  let view: PlayView | null = null;
  const current = () => {
    const snap = session.snapshot();
    if (!view || view.snap !== snap) view = playView(snap);
    return view;
  };
  const send = (res: ServerResponse, code: number, type: string, body: string, extra: Record<string, string> = {}) =>
    res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', ...extra }).end(body);
  const json = (res: ServerResponse, code: number, v: unknown) => send(res, code, 'application/json', JSON.stringify(v));
  const http = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/') return send(res, 200, 'text/html; charset=utf-8', playHtml(current(), { charts, runStrategies: RUN_STRATEGIES, hereStrategies: HERE_STRATEGIES }));
    if (req.method === 'GET' && path === '/state') return json(res, 200, current());
    if (req.method === 'GET' && path === '/schedule.json') {
      void session.schedule().then(
        (f) => send(res, 200, 'application/json', JSON.stringify(f, null, 2) + '\n', { 'content-disposition': `attachment; filename="play-${f.scenario.name}-${f.kernel}.json"` }),
        (e: Error) => json(res, 500, { error: e.message }),
      );
      return;
    }
    if (req.method === 'POST' && path === '/action') {
      void bodyOf(req)
        .then((a) => perform(session, a, o.out))
        .then(
          (done) => json(res, 200, { ...done, view: current() }),
          (e: Error) => json(res, e instanceof PlayError ? 400 : 500, { error: e.message }),
        );
      return;
    }
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    send(res, 404, 'text/plain', 'not found\n');
  });
  const moved = await listen(http, o.port);
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  const wss = new WebSocketServer({ server: http, path: '/ws' });
  wss.on('connection', (ws) => ws.send(JSON.stringify(current())));
  session.onChange = () => {
    if (!wss.clients.size) return;
    const m = JSON.stringify(current());
    for (const c of wss.clients) if (c.readyState === c.OPEN) c.send(m);
  };
  let stopped: Promise<void> | undefined;
  return {
    url,
    moved,
    clients: () => wss.clients.size,
    stop: () =>
      (stopped ??= new Promise<void>((ok) => {
        session.onChange = null;
        for (const c of wss.clients) c.terminate();
        wss.close(() => http.close(() => ok()));
        http.closeAllConnections();
      })),
  };
}
