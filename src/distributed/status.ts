// `svmsim status`: one campaign as it stands: its jobs by state, schedules run and their rate,
// states in the shared visited set, and the violations found so far (smallest counterexample).
import type { Redis } from 'ioredis';
import { keys, loadSpec } from './campaign.ts';
import { jobCounts, openQueue, type JobCounts } from './queue.ts';
import { counterexamples } from './results.ts';
import { SHARDS } from './visited-redis.ts';
import { perSecond } from '../explore/rate.ts';
import { memberLines, memberStatus, type MemberStatus } from './swarm.ts';

export interface CampaignStatus {
  campaign: string;
  scenario: string;
  kernel: string;
  strategy: string;
  started: string;
  /** Set once the submitting explore saw every job finish. */
  ended?: string;
  jobs: Omit<JobCounts, 'errors'>;
  failed: JobCounts['errors'];
  schedules: number;
  schedulesPerSecond: number;
  /** dfs: distinct states claimed in the shared visited set. */
  states: number;
  violations: { oracle: string; message: string; seed: number; deliveries: number; preemptions: number; shrunk: boolean }[];
  /** A swarm (--swarm N): each member's job and, once done, its states and coverage. */
  swarm?: MemberStatus[];
}

export async function campaignStatus(redis: Redis, id?: string): Promise<CampaignStatus> {
  const spec = await loadSpec(redis, id);
  const k = keys(spec.id);
  const q = openQueue(redis);
  try {
    const [counts, progress, cex, ...lens] = await Promise.all([
      jobCounts(q, redis, spec.id),
      redis.hgetall(k.progress),
      counterexamples(redis, spec.id),
      ...Array.from({ length: SHARDS }, (_, i) => redis.hlen(k.shard(i))),
    ]);
    const { errors, ...jobs } = counts;
    const swarm = spec.swarm === undefined ? undefined : await memberStatus(redis, spec, (job) => q.getJobState(job));
    const schedules = Number(progress.schedules ?? 0);
    const ended = progress.ended ? Number(progress.ended) : undefined;
    const secs = ((ended ?? Date.now()) - spec.created) / 1000;
    return {
      campaign: spec.id,
      scenario: spec.options.scenario.name,
      kernel: spec.options.kernel,
      strategy: spec.options.strategy,
      started: new Date(spec.created).toISOString(),
      ...(ended ? { ended: new Date(ended).toISOString() } : {}),
      jobs,
      failed: errors,
      schedules,
      schedulesPerSecond: perSecond(schedules, secs),
      // A swarm's members share no visited set: their states are their own (in `swarm`).
      states: swarm ? swarm.reduce((a, m) => a + (m.states ?? 0), 0) : lens.reduce((a, b) => a + b, 0),
      violations: cex
        .map((f) => ({ oracle: f.violation.oracle, message: f.violation.message, seed: f.seed, deliveries: f.deliveries, preemptions: f.preemptions, shrunk: f.shrunk }))
        .sort((a, b) => a.oracle.localeCompare(b.oracle)),
      ...(swarm ? { swarm } : {}),
    };
  } finally {
    await q.close();
  }
}

export function statusText(s: CampaignStatus): string {
  const j = s.jobs;
  const lines = [
    `campaign ${s.campaign}: ${s.scenario} on ${s.kernel} (${s.strategy}), started ${s.started}${s.ended ? `, ended ${s.ended}` : ''}`,
    `jobs: ${j.waiting} waiting, ${j.active} active, ${j.done} done, ${j.failed} failed`,
    `schedules: ${s.schedules} (${s.schedulesPerSecond}/s)${s.strategy === 'dfs' ? `; states: ${s.states}` : ''}`,
  ];
  if (s.swarm) lines.push(`swarm of ${s.swarm.length} bitstate searches (states: the finished members' sum, not distinct states):`, ...memberLines(s.swarm));
  for (const f of s.failed) lines.push(`  failed ${f.job}: ${f.error.split('\n')[0]}`);
  if (!s.violations.length) lines.push('violations: none so far');
  else lines.push('violations (smallest counterexample each):', ...s.violations.map((v) => `  [${v.oracle}] ${v.deliveries} deliveries, ${v.preemptions} preemptions${v.shrunk ? ' (shrunk)' : ''}: ${v.message}`));
  return lines.join('\n');
}
