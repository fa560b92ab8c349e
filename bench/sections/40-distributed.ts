// Campaigns on BullMQ and a redis-server this section starts on a free port, side by side in one
// run: the stateful dfs of two-processes in this process against a campaign with 1 and 2 local
// workers; random's speed-up from 1 to 2 workers; and the cost per state of the shared visited
// set (claims through Redis against a local map). Two scenarios: two-processes, and the largest
// fault scenario (fault-response-lost: a lost page response and a device timeout).
import type { BenchSection } from '../index.ts';
import { explore } from '../../src/explore/explore.ts';
import { localStore } from '../../src/explore/visited.ts';
import { connectRedis } from '../../src/distributed/connection.ts';
import { runCampaign, type CampaignRequest } from '../../src/distributed/submit.ts';
import { startWorker } from '../../src/distributed/worker.ts';
import { RedisVisited } from '../../src/distributed/visited-redis.ts';
import { keys } from '../../src/distributed/campaign.ts';
import { inProcess, options } from '../../tools/campaign-options.ts';
import { startRedis } from '../../tools/redis-server.ts';

async function timed(url: string, workers: number, req: CampaignRequest) {
  const redis = await connectRedis(url);
  const ws = Array.from({ length: workers }, () => startWorker(redis, { url, concurrency: 1 }));
  const t0 = performance.now();
  try {
    const out = await runCampaign(redis, req, { detached: () => false });
    if (out.detached) throw new Error('detached');
    return { seconds: (performance.now() - t0) / 1000, result: out.result, failed: out.failed };
  } finally {
    await Promise.all(ws.map((w) => w.close()));
    redis.disconnect();
  }
}

export async function claimCost(url: string, n: number) {
  const redis = await connectRedis(url);
  const fps = Array.from({ length: n }, (_, i) => BigInt(i + 1) * 0x9e3779b97f4a7c15n & 0x7fffffffffffffffn);
  const v = new RedisVisited(redis, keys('bench'), 'bench');
  await v.start();
  let t0 = performance.now();
  for (const fp of fps) v.claimKey(fp);
  await v.finish();
  const redisUs = ((performance.now() - t0) * 1000) / n;
  const local = localStore();
  t0 = performance.now();
  for (const fp of fps) local.claim({ hi: Number(fp >> 32n) >>> 0, lo: Number(fp & 0xffffffffn) >>> 0 });
  const localUs = ((performance.now() - t0) * 1000) / n;
  redis.disconnect();
  return { states: n, redisMicrosPerState: Number(redisUs.toFixed(2)), localMicrosPerState: Number(localUs.toFixed(2)), ratio: Number((redisUs / localUs).toFixed(1)) };
}

/** The stateful dfs of one scenario on `fixed`: in this process, then as campaigns of 1 and 2 workers. */
async function dfsRow(url: string, scenario: string) {
  const dfs = options(scenario, 'fixed', 'dfs');
  const t0 = performance.now();
  const local = await explore(inProcess(dfs));
  const localSeconds = (performance.now() - t0) / 1000;
  const one = await timed(url, 1, { options: dfs });
  const two = await timed(url, 2, { options: dfs });
  const row = (r: typeof one) => {
    const st = r.result.dfs!.states!;
    return { seconds: Number(r.seconds.toFixed(1)), states: st.states, top: st.top, schedules: st.paths, exhausted: r.result.dfs!.exhausted };
  };
  return {
    scenario,
    inProcess: { seconds: Number(localSeconds.toFixed(1)), states: local.dfs!.states!.states, schedules: local.dfs!.states!.paths },
    oneWorker: row(one),
    twoWorkers: row(two),
    inProcessOverOneWorker: Number((localSeconds / one.seconds).toFixed(2)),
    oneOverTwoWorkers: Number((one.seconds / two.seconds).toFixed(2)),
  };
}

/** Issue 29's bench: a dfs campaign of two-processes on two workers, undisturbed and with one
 * job's process SIGKILLed mid-run (src/distributed/job-run.ts's kill-after-claims fault, read by
 * the job processes as they start) and retried: the same states below the dealt top, transitions
 * and schedules, and the seconds of each. */
export async function killedRow(url: string) {
  const dfs = options('two-processes', 'fixed', 'dfs');
  const calm = await timed(url, 2, { options: dfs });
  process.env.SVMSIM_FAULT_KILL_AFTER_CLAIMS = '.d1of:5000';
  const killed = await timed(url, 2, { options: dfs }).finally(() => delete process.env.SVMSIM_FAULT_KILL_AFTER_CLAIMS);
  const row = (r: typeof calm) => {
    const st = r.result.dfs!.states!;
    return { seconds: Number(r.seconds.toFixed(1)), ownedStates: st.states - (st.top ?? 0), transitions: st.transitions, schedules: st.paths, exhausted: r.result.dfs!.exhausted, failed: r.failed.length };
  };
  const [a, b] = [row(calm), row(killed)];
  return { scenario: 'two-processes', undisturbed: a, killed: b, same: a.ownedStates === b.ownedStates && a.transitions === b.transitions && Math.abs(a.schedules / b.schedules - 1) < 1e-12 && a.exhausted && b.exhausted, killedOverUndisturbed: Number((b.seconds / a.seconds).toFixed(2)) };
}

export const section: BenchSection = {
  name: 'distributed',
  async run() {
    const redis = await startRedis();
    try {
      const dfs = [await dfsRow(redis.url, 'two-processes'), await dfsRow(redis.url, 'fault-response-lost')];
      const rnd = options('exit-with-mmap', 'pre-fix', 'random');
      const r1 = await timed(redis.url, 1, { options: rnd, schedules: 1000, chunk: 100 });
      const r2 = await timed(redis.url, 2, { options: rnd, schedules: 1000, chunk: 100 });
      const killedWorker = await killedRow(redis.url);
      return {
        dfs,
        killedWorker,
        random: { schedules: 1000, oneWorkerSeconds: Number(r1.seconds.toFixed(1)), twoWorkersSeconds: Number(r2.seconds.toFixed(1)), speedUp: Number((r1.seconds / r2.seconds).toFixed(2)) },
        visitedSet: await claimCost(redis.url, 200_000),
      };
    } finally {
      await redis.stop();
    }
  },
};
