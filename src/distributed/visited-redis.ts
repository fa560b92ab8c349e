// The stateful dfs's visited set shared by every job of a campaign, in Redis: TLC's distributed
// fingerprint set (Y. Yu, P. Manolios, L. Lamport, "Model checking TLA+ specifications", CHARME
// 1999). A state is a 64-bit fingerprint (visited.ts); the set is sharded by its low bits into
// hashes fp -> the job that owns it (expands it). The search claims states synchronously (the
// StateStore seam), so a claim is decided locally and published later:
//   - claim locally: a state this job has not met is taken as its own and expanded at once;
//   - publish claims in batches, one pipeline per batch (a Lua HSETNX per shard, an XADD to the
//     claims log, an XREAD of it): not a round trip per state;
//   - learn other jobs' claims from the log, asynchronously, and cut at such a state when the
//     search reaches it.
// Two jobs can thus both expand a state claimed in the same instant (states are visited about
// once); Redis decides which owns it, and only the owner's edges count (graph-fp.ts). A job's
// retry owns the states its earlier tries claimed (the owner is the job's id), and expands every
// state a dead try published, even one another job owns: other jobs cut there, and the dead try
// may have reached its own states only through it (claims log entries name the job and the try).
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keyOf, type StateStore } from '../explore/visited.ts';

/** Whose a state is, as this job knows it. */
export const Owner = {
  /** Claimed here, Redis not heard from yet. */
  Pending: 0,
  /** Claimed here, and Redis says this job owns it. */
  Mine: 1,
  /** Claimed here, but another job had claimed it first. */
  Lost: 2,
  /** Another job's (from the claims log), never claimed here. */
  Theirs: 3,
} as const;
export type Owner = (typeof Owner)[keyof typeof Owner];

export const SHARDS = 16;
const BATCH = 512;
const SYNC_MS = 25;
/** Claims log entries read at once. */
const READ = 1000;

const CLAIM = `
local lost = {}
for i = 2, #ARGV do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[1]) == 0 and redis.call('HGET', KEYS[1], ARGV[i]) ~= ARGV[1] then
    lost[#lost + 1] = i - 1
  end
end
return lost`;

export interface VisitedKeys {
  shard: (i: number) => string;
  claims: string;
  claimers: string;
}

/** A 64-bit fingerprint as Redis stores it: 8 bytes. */
const bytes = (fp: bigint): Buffer => {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64LE(fp);
  return b;
};

export class RedisVisited {
  /** Local ids (dense, the order states were met here) and what each one is. */
  private readonly ids = new Map<bigint, number>();
  readonly fps: bigint[] = [];
  readonly owner: Owner[] = [];
  private batch: number[] = [];
  private inflight = new Set<Promise<void>>();
  private lastId = '0';
  /** The last read of the claims log reached its end. */
  private caughtUp = false;
  private timer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;
  /** Claims published, and lost to a job that claimed first. */
  published = 0;
  lost = 0;
  /** This try of the job (a process's run of it): its claims log entries say so. */
  private readonly try = randomBytes(4).toString('hex');
  /** What earlier tries of this job published (the claims log says), and how many tries those were. */
  private readonly earlier = new Set<bigint>();
  private readonly tries = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: VisitedKeys,
    private readonly job: string,
    private readonly shards = SHARDS,
    /** Claims published at once, and log entries read at once (smaller in tests). */
    private readonly sizes: { batch: number; read: number } = { batch: BATCH, read: READ },
  ) {
    redis.defineCommand('svmsimClaim', { numberOfKeys: 1, lua: CLAIM });
  }

  /** Read all that other jobs claimed so far (a job that starts late would otherwise expand
   * again what they did), then sync every SYNC_MS while the search runs. */
  async start(): Promise<void> {
    do await this.sync();
    while (!this.caughtUp);
    this.timer = setInterval(() => this.sync(), SYNC_MS);
  }

  /** The seam: the engine's 64-bit fingerprints, as the set's keys. */
  store(): StateStore {
    const ids = this.ids;
    return {
      claim: (fp) => this.claimKey(keyOf(fp)),
      get size() {
        return ids.size;
      },
      // A key and its id in this job's map, and its owner: about 40 bytes a state held here.
      get bytes() {
        return ids.size * 40;
      },
    };
  }

  claimKey(fp: bigint): { id: number; fresh: boolean } {
    if (this.failure) throw this.failure;
    const had = this.ids.get(fp);
    if (had !== undefined) return { id: had, fresh: false };
    const id = this.add(fp, Owner.Pending);
    this.batch.push(id);
    if (this.batch.length >= this.sizes.batch) this.sync();
    return { id, fresh: true };
  }

  private add(fp: bigint, o: Owner): number {
    const id = this.fps.length;
    this.ids.set(fp, id);
    this.fps.push(fp);
    this.owner.push(o);
    return id;
  }

  /** Publish the claims batched so far and read the log, in one pipeline. */
  private sync(): Promise<void> {
    const ids = this.batch;
    this.batch = [];
    const p = this.exchange(ids).catch((e: Error) => {
      this.failure = e;
    });
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  private async exchange(ids: number[]): Promise<void> {
    const byShard = new Map<number, number[]>();
    for (const id of ids) {
      const s = Number(this.fps[id]! & BigInt(this.shards - 1));
      let l = byShard.get(s);
      if (!l) byShard.set(s, (l = []));
      l.push(id);
    }
    const pipe = this.redis.pipeline();
    const order = [...byShard];
    // The log first: a claim Redis took (a try that dies mid-pipeline) is always in the log, where
    // a retry of this job finds it.
    const logged = ids.length ? 2 : 0;
    if (logged) {
      pipe.xadd(this.keys.claims, '*', 'job', this.job, 'try', this.try, 'fps', Buffer.concat(ids.map((id) => bytes(this.fps[id]!))));
      pipe.sadd(this.keys.claimers, this.job);
    }
    for (const [s, l] of order) (pipe as unknown as { svmsimClaim: (...a: unknown[]) => void }).svmsimClaim(this.keys.shard(s), this.job, ...l.map((id) => bytes(this.fps[id]!)));
    pipe.xreadBuffer('COUNT', this.sizes.read, 'STREAMS', this.keys.claims, this.lastId);
    const out = (await pipe.exec())!;
    for (const [e] of out) if (e) throw e;
    order.forEach(([, l], i) => {
      const lostAt = new Set(out[logged + i]![1] as number[]);
      l.forEach((id, j) => {
        this.owner[id] = lostAt.has(j + 1) ? Owner.Lost : Owner.Mine;
        if (lostAt.has(j + 1)) this.lost++;
      });
    });
    this.published += ids.length;
    this.learn(out[out.length - 1]![1] as [Buffer, [Buffer, Buffer[]][]][] | null);
  }

  /** Other jobs' claims from the log: met later, those states are cut. */
  private learn(streams: [Buffer, [Buffer, Buffer[]][]][] | null): void {
    this.caughtUp = (streams ?? []).every(([, entries]) => entries.length < this.sizes.read);
    for (const [, entries] of streams ?? []) {
      for (const [id, fields] of entries) {
        this.lastId = id.toString();
        const f = new Map<string, Buffer>();
        for (let i = 0; i < fields.length; i += 2) f.set(fields[i]!.toString(), fields[i + 1]!);
        const fps = f.get('fps')!;
        if (f.get('job')?.toString() === this.job) {
          const t = f.get('try')?.toString() ?? '';
          if (t !== this.try) this.deadTry(t, fps);
          continue;
        }
        for (let i = 0; i < fps.length; i += 8) {
          const fp = fps.readBigInt64LE(i);
          if (!this.ids.has(fp) && !this.earlier.has(fp)) this.add(fp, Owner.Theirs);
        }
      }
    }
  }

  /** An earlier try of this job died after it published these claims. Other jobs cut where it
   * claimed, and it may have reached a state of its own only through one another job owns (both
   * claimed it at once): this try expands each of them again, never cutting there. */
  private deadTry(t: string, fps: Buffer): void {
    this.tries.add(t);
    for (let i = 0; i < fps.length; i += 8) {
      const fp = fps.readBigInt64LE(i);
      this.earlier.add(fp);
      // Learnt as another job's: forgotten, so that the search claims it as new (its old id
      // stays in fps and owner, never expanded here).
      const id = this.ids.get(fp);
      if (id !== undefined && this.owner[id] === Owner.Theirs) this.ids.delete(fp);
    }
  }

  /** Publish every claim left and wait for Redis's answers: each claim is then Mine or Lost. */
  async finish(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sync();
    while (this.inflight.size) await Promise.all([...this.inflight]);
    if (this.failure) throw this.failure;
  }

  /** Earlier tries of this job that published claims (a retry after its process died). */
  get earlierTries(): number {
    return this.tries.size;
  }

  /** States this job met that it owns. */
  mine(id: number): boolean {
    return this.owner[id] === Owner.Mine;
  }
}
