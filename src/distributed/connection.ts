// One Redis for a campaign: `redis://[user:password@]HOST:PORT[/DB]` (or rediss:// for TLS). A URL
// that answers nothing, or refuses the credentials, is bad input: one line, fast, before any work.
import { Redis } from 'ioredis';
import { BadInput } from '../variants/variants.ts';

/** How long a first answer may take before the URL counts as answering nothing. */
const CONNECT_MS = 3000;

export function parseQueueUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BadInput(`--queue must be redis://HOST:PORT[/DB], got '${url}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new BadInput(`--queue must be a redis:// or rediss:// URL, got '${url}'`);
  if (u.pathname && u.pathname !== '/' && !/^\/\d+$/.test(u.pathname)) throw new BadInput(`--queue: the database must be a number (redis://HOST:PORT/DB), got '${u.pathname.slice(1)}'`);
  return u;
}

/** The URL without its password, for messages. */
export const shownUrl = (url: string): string => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

/** A client that keeps reconnecting (a Redis restart mid-campaign is waited out), checked first
 * with one PING that must answer within CONNECT_MS. */
export async function connectRedis(url: string): Promise<Redis> {
  const db = dbOf(parseQueueUrl(url));
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: CONNECT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The cause comes as an 'error' event; connect() itself then says only that it closed.
  let cause: Error | undefined;
  probe.on('error', (e: Error) => (cause ??= e));
  try {
    await Promise.race([
      // ioredis selects the URL's DB on connect, but a DB the server lacks comes only as an
      // 'error' event (and its commands then go to DB 0): select it again, and fail on its reply.
      probe
        .connect()
        .then(() => probe.select(db))
        .then(() => probe.ping()),
      new Promise((_, fail) => setTimeout(() => fail(new Error(`no answer within ${CONNECT_MS / 1000} s`)), CONNECT_MS).unref()),
    ]);
  } catch (e) {
    throw new BadInput(`cannot use the queue ${shownUrl(url)}: ${reason(cause ?? (e as Error), db)}`);
  } finally {
    probe.disconnect();
  }
  return client(url);
}

/** A client for a URL known to answer: reconnects for ever, queues commands meanwhile. While Redis
 * is down it says so once, and once when it answers again (not a stack per retry: F15 of issue 29). */
export function client(url: string, say: (line: string) => void = (line) => void process.stderr.write(`${line}\n`)): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(50 * n, 1000) });
  let down = false;
  r.on('error', (e: NodeJS.ErrnoException) => {
    if (down) return;
    down = true;
    say(`svmsim: the queue ${shownUrl(url)} does not answer (${e.code ?? e.message.split('\n')[0]}): reconnecting`);
  });
  r.on('ready', () => {
    if (!down) return;
    down = false;
    say(`svmsim: the queue ${shownUrl(url)} answers again`);
  });
  return r;
}

/** The URL's database number (0 when it names none). */
const dbOf = (u: URL): number => (u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0);

function reason(e: Error, db: number): string {
  const m = e.message.split('\n')[0]!;
  if (/DB index is out of range|invalid DB index/i.test(m)) return `it has no database ${db} (${m}; redis-server's \`databases\` setting says how many it has, numbered from 0)`;
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(m)) return `bad credentials (${m})`;
  return m;
}
