// One campaign job, in the process a worker keeps for it (worker.ts): its share explored with
// explore() as a job of `--jobs` is, against the campaign's Redis: counterexamples offered as they
// are found (and again once shrunk), schedules counted as they run, the visited set shared (dfs),
// and at the end its result and state graph stored. A dfs job whose subtree turns out large
// (spec.splitAfter runs) keeps the dealt nodes up to the one it is in and hands the rest on to two
// new jobs, owner k and k+n of 2n.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { explore, reductionOf, type ExploreOptions } from '../explore/explore.ts';
import { isStateful } from '../scheduler/dfs.ts';
import type { ExploreResult } from '../explore/result.ts';
import type { ScheduleFile } from '../explore/schedule-file.ts';
import type { Split } from '../explore/stateful.ts';
import { variantByName } from '../variants/variants.ts';
import type { OracleName } from '../oracles/types.ts';
import { halves, keys, loadSpec, type CampaignSpec, type JobData, type Part } from './campaign.ts';
import { encodeGraph, ownedGraph } from './graph-fp.ts';
import { enqueue, openQueue } from './queue.ts';
import { offerCounterexample, storeResult } from './results.ts';
import { RedisVisited } from './visited-redis.ts';
import { memberRank } from './swarm.ts';

/** The campaign's stop flag (Ctrl-C with --cancel, --stop-on-first), read every POLL_MS. */
const POLL_MS = 200;

/** Take back what this job's earlier tries counted into the campaign's schedules (a try that died
 * counted part of the share the retry now runs again). */
const FORGET_TRIES = `
local n = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if n ~= 0 then redis.call('HINCRBY', KEYS[1], 'schedules', -n) end
redis.call('HSET', KEYS[2], ARGV[1], 0)
return n`;

/** Schedules run, into the campaign's count and this try's. */
const count = (redis: Redis, k: ReturnType<typeof keys>, id: string, n: number) => redis.multi().hincrby(k.progress, 'schedules', n).hincrby(k.trySchedules, id, n).exec();

export async function runCampaignJob(redis: Redis, id: string, data: JobData): Promise<void> {
  const spec = await loadSpec(redis, data.campaign);
  const k = keys(spec.id);
  await redis.eval(FORGET_TRIES, 2, k.progress, k.trySchedules, id);
  const out = mkdtempSync(join(tmpdir(), 'svmsim-job-'));
  // The stop flag, and the oracles the campaign has a counterexample for: a job writes (and
  // shrinks) one only for an oracle it is the first to hit, as a job of --jobs does.
  let halted = false;
  const known = new Set<string>();
  const look = async () => {
    const [h, hit] = await Promise.all([redis.hget(k.progress, 'halt'), redis.hkeys(k.cexSize)]);
    halted = h === '1';
    for (const o of hit) known.add(o);
  };
  await look();
  const poll = setInterval(() => void look().catch(() => {}), POLL_MS);
  const pending: Promise<unknown>[] = [];
  // A swarm's member ranks its files by member (the lowest member's is kept), any other by size.
  const member = data.part.kind === 'member' ? data.part.member : undefined;
  const offer = (oracle: OracleName, schedule0: number) => {
    const f = join(out, `${oracle}.json`);
    if (!existsSync(f)) return;
    const read = JSON.parse(readFileSync(f, 'utf8')) as ScheduleFile;
    const file = { ...read, schedule: read.schedule + schedule0 };
    pending.push(offerCounterexample(redis, spec.id, file, member === undefined ? undefined : memberRank(file, member)));
  };
  try {
    const part = data.part;
    const schedule0 = part.kind === 'seeds' ? part.from : 0;
    const base: ExploreOptions = {
      ...spec.options,
      variant: variantByName(spec.options.kernel),
      out,
      // --time: what is left of it (a job that starts late runs nothing).
      ...(spec.deadline !== undefined ? { seconds: Math.max(0.001, (spec.deadline - Date.now()) / 1000) } : {}),
      stop: () => halted,
      claim: (oracle) => !known.has(oracle),
      halt: () => void redis.hset(k.progress, 'halt', '1'),
    };
    let result: ExploreResult;
    let graph: Buffer | undefined;
    if (part.kind === 'seeds') {
      result = await explore({
        ...base,
        seed: spec.options.seed + part.from,
        schedules: part.to - part.from,
        onProgress: (p) => {
          pending.push(count(redis, k, id, p.schedules));
          for (const o of p.oracles) offer(o, schedule0);
        },
      });
      for (const v of result.violations) v.schedule += schedule0;
    } else if (part.kind === 'member') {
      // A swarm's member: the whole space, member i's hashes and order, as the in-process swarm
      // runs it; it writes (and shrinks) every oracle it finds, and --stop-on-first stops only
      // it, as a member on --jobs threads does (its own flags); --time is each member's own.
      result = await explore({
        ...base,
        member: part.member,
        ...(spec.memberSeconds !== undefined ? { seconds: spec.memberSeconds } : {}),
        claim: () => true,
        halt: undefined,
        onProgress: (p) => {
          pending.push(count(redis, k, id, p.schedules));
          for (const o of p.oracles) offer(o, 0);
        },
      });
    } else if (!isStateful(reductionOf(spec.options))) {
      // The stateless dfs: its share of the tree, no visited set to share.
      const split = { owner: part.owner, owners: part.owners, level: part.level };
      result = await explore({ ...base, split, onProgress: (p) => pending.push(count(redis, k, id, p.schedules)) });
    } else {
      ({ result, graph } = await subtree(redis, spec, id, part, base, offer, pending));
    }
    for (const v of result.violations) offer(v.oracle, schedule0);
    await Promise.all(pending);
    for (const v of result.violations) delete v.file;
    await storeResult(redis, spec.id, id, result, graph);
  } finally {
    clearInterval(poll);
    rmSync(out, { recursive: true, force: true });
  }
}

/** Fault injection for the tests: `JOB:N` kills the process running a job whose id contains JOB
 * once its first try has published N claims (mid-run, unlike job-process.ts's kill at the start),
 * or, if jobs racing it claimed first so that it never gets to N, once it has published all its
 * claims and before its result is stored: either way the first try dies holding claims. */
function killAfterClaims(id: string, v: RedisVisited): { stop: () => void; atEnd: () => void } {
  const [job, n] = (process.env.SVMSIM_FAULT_KILL_AFTER_CLAIMS ?? '').split(':');
  if (!job || !id.includes(job) || v.earlierTries > 0) return { stop: () => {}, atEnd: () => {} };
  const die = () => process.kill(process.pid, 'SIGKILL');
  const timer = setInterval(() => v.published >= Number(n) && die(), 5);
  return { stop: () => clearInterval(timer), atEnd: die };
}

/** A dfs job: its subtree against the shared visited set, split in two halves handed on if large. */
async function subtree(
  redis: Redis,
  spec: CampaignSpec,
  id: string,
  part: Extract<Part, { kind: 'subtree' }>,
  base: ExploreOptions,
  offer: (o: OracleName, s0: number) => void,
  pending: Promise<unknown>[],
): Promise<{ result: ExploreResult; graph: Buffer }> {
  const k = keys(spec.id);
  // A retry keeps the cut its first try made: the jobs it handed on have the rest.
  const until = (await redis.hget(k.splits, id)) ?? undefined;
  const split: Split = { owner: part.owner, owners: part.owners, level: part.level, after: part.after, until };
  const visited = new RedisVisited(redis, k, id);
  await visited.start();
  const killer = killAfterClaims(id, visited);
  let runs = 0;
  const handOn = async (at: string) => {
    await redis.hset(k.splits, id, at);
    const q = openQueue(redis);
    try {
      await enqueue(q, redis, spec, halves(part, at));
    } finally {
      await q.close();
    }
  };
  const result = await explore({
    ...base,
    split,
    store: visited.store(),
    onProgress: (p) => {
      runs += p.schedules;
      pending.push(count(redis, k, id, p.schedules));
      for (const o of p.oracles) offer(o, 0);
      if (split.until === undefined && split.at !== undefined && runs >= spec.splitAfter) {
        split.until = split.at;
        pending.push(handOn(split.at));
      }
    },
  });
  killer.stop();
  await visited.finish();
  killer.atEnd();
  const st = result.dfs!.states!;
  const g = ownedGraph(st.graph!, visited.fps, (i) => visited.mine(i));
  delete st.graph;
  return { result, graph: encodeGraph(g) };
}
