// A campaign: one `explore --queue` run, shared out as BullMQ jobs. What it explores is written
// once to Redis (its spec); each job names its share: a range of seeds (random, pct, and any other
// exploring strategy), or a subtree of the dfs (owner k of n at one split level: explore's
// `split`). Keys live under svmsim:c:<id>: (see `keys`).
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { JobOptions } from '../explore/job.ts';
import { BadInput } from '../variants/variants.ts';
import type { Scenario } from '../scenario/schema.ts';

/** The BullMQ queue every campaign's jobs go to (job ids are prefixed with the campaign). */
export const QUEUE = 'svmsim-explore';

/** What each job runs, as `explore` takes it (less its share). */
export type CampaignOptions = Omit<JobOptions, 'shard' | 'job' | 'visited' | 'out' | 'schedules' | 'seconds' | 'split' | 'store' | 'open'>;

export interface CampaignSpec {
  id: string;
  created: number;
  options: CampaignOptions;
  /** random, pct, ...: schedules in all (unset: until `deadline`); seeds per job. */
  schedules?: number;
  /** Epoch ms after which no job runs on (--time). */
  deadline?: number;
  chunk: number;
  /** dfs: jobs to deal the tree to at first, at this split level; runs after which a job's
   * subtree counts as large and is split again in two. */
  parts: number;
  level: number;
  splitAfter: number;
  /** Tries of a job (a crash of the process running it counts), then it is failed. */
  attempts: number;
  /** --swarm N: N bitstate searches (options.bitstate bits), one job each (src/distributed/swarm.ts). */
  swarm?: number;
  /** A swarm's --time: each member's own (as in process), not a deadline for the campaign. */
  memberSeconds?: number;
}

/** A job's share: seeds [from, to), or the dfs subtrees dealt to owner k of n at `level` (after
 * the dealt node at path `after`, when an earlier job handed its rest on: stateful.ts Split). */
export type Part =
  | { kind: 'seeds'; from: number; to: number }
  | { kind: 'subtree'; owner: number; owners: number; level: number; after?: string }
  /** A swarm's member: the whole space, with member `member`'s hashes and order (swarm.ts). */
  | { kind: 'member'; member: number };

export interface JobData {
  campaign: string;
  part: Part;
}

/** `fuzz --queue`'s job: one world to judge (src/distributed/fuzz-queue.ts), its result stored in
 * the campaign's results hash under the job's id. */
export interface WorldJobData {
  campaign: string;
  world: { world: Scenario; seed: number; kernel: string; budget: number | null };
}

/** Any job on the campaign queue. */
export type QueueJobData = JobData | WorldJobData;

export const keys = (id: string) => {
  const k = (s: string) => `svmsim:c:${id}:${s}`;
  return {
    spec: k('spec'),
    /** Every job id the campaign has enqueued (set), and those finished with a result (hash). */
    jobs: k('jobs'),
    results: k('results'),
    graphs: k('graphs'),
    /** The smallest counterexample per oracle (schedule files as JSON) and its size. */
    cex: k('cex'),
    cexSize: k('cex-size'),
    /** Schedules run so far (all tries), states claimed; stop flags. */
    progress: k('progress'),
    /** Schedules each job's current try has counted into progress (a retry takes back its dead
     * tries' count before it counts its own, so a killed try's partial work counts once). */
    trySchedules: k('try-schedules'),
    /** The shared visited set: fingerprint shards (hashes fp -> owning job) and the claims log. */
    shard: (i: number) => k(`fp:${i}`),
    claims: k('claims'),
    /** Every job that published a claim (set): each must end with a result for `exhausted`. */
    claimers: k('claimers'),
    /** The seeds handed out so far (--time: jobs are added while the time lasts). */
    nextSeed: k('next-seed'),
    /** dfs: where a job that handed its rest on stopped dealing (its retries stop there too). */
    splits: k('splits'),
  };
};

export const LATEST = 'svmsim:latest';
export const CAMPAIGNS = 'svmsim:campaigns';

export const newCampaignId = (): string => `${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${randomBytes(3).toString('hex')}`;

/** A job's BullMQ id: the campaign and its share (BullMQ ids may not contain ':'). */
export function jobId(campaign: string, p: Part): string {
  if (p.kind === 'member') return `${campaign}.m${p.member}`;
  return p.kind === 'seeds' ? `${campaign}.s${p.from}-${p.to}` : `${campaign}.d${p.owner}of${p.owners}`;
}

export async function saveSpec(r: Redis, spec: CampaignSpec): Promise<void> {
  await r.multi().set(keys(spec.id).spec, JSON.stringify(spec)).set(LATEST, spec.id).sadd(CAMPAIGNS, spec.id).exec();
}

export async function loadSpec(r: Redis, id?: string): Promise<CampaignSpec> {
  const which = id ?? (await r.get(LATEST));
  if (!which) throw new BadInput('no campaign in this queue yet (start one with `svmsim explore --queue URL`)');
  const json = await r.get(keys(which).spec);
  if (!json) throw new BadInput(`no campaign '${which}' in this queue`);
  return JSON.parse(json) as CampaignSpec;
}

/** The seed ranges of a campaign with a known number of schedules. */
export function seedParts(schedules: number, chunk: number): Part[] {
  const out: Part[] = [];
  for (let from = 0; from < schedules; from += chunk) out.push({ kind: 'seeds', from, to: Math.min(schedules, from + chunk) });
  return out;
}

/** The dfs tree dealt to `parts` jobs at `level`. */
export const subtreeParts = (parts: number, level: number): Part[] => Array.from({ length: parts }, (_, owner) => ({ kind: 'subtree', owner, owners: parts, level }));

/** What a large subtree hands on, in two: the dealt nodes after `after`, owner k of n dealt to k
 * and k+n of 2n (a branch whose path hash is k mod n is k or k+n mod 2n) at the same level, so
 * the halves cover exactly the whole. */
export function halves(p: Extract<Part, { kind: 'subtree' }>, after: string): Part[] {
  return [0, 1].map((i) => ({ kind: 'subtree', owner: p.owner + i * p.owners, owners: p.owners * 2, level: p.level, after }));
}
