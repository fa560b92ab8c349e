// `explore --strategy dfs --bitstate B --swarm N --queue URL`: a swarm (Holzmann, Joshi and Groce,
// "Swarm verification techniques", IEEE TSE 37(6), 2011) as a campaign: one job per member, each
// the whole space with member i's bitstate hashes and delivery order, exactly as the in-process
// swarm runs member i (src/explore/swarm.ts), so its result does not depend on where it runs. The
// members share nothing but the campaign's counterexamples: for each oracle the lowest member's
// (shrunk) file is kept, the file the in-process swarm writes; the results merge as its do.
import type { Redis } from 'ioredis';
import type { ExploreResult } from '../explore/result.ts';
import type { ScheduleFile } from '../explore/schedule-file.ts';
import { swarmResult } from '../explore/swarm.ts';
import { jobId, type CampaignSpec, type Part } from './campaign.ts';
import { counterexamples, jobResults, type CampaignEnd } from './results.ts';

/** Members 0..n-1, one job each. */
export const memberParts = (members: number): Part[] => Array.from({ length: members }, (_, member) => ({ kind: 'member', member }));

/** A member's counterexample's rank (lower is kept): a shrunk file before an unshrunk one, then
 * the lowest member (the in-process swarm keeps the first member's). */
export const memberRank = (f: ScheduleFile, member: number): number => (f.shrunk ? 0 : 2 ** 40) + member;

/** The members that have a result, by member, with it. */
async function memberResults(r: Redis, spec: CampaignSpec): Promise<{ member: number; result: ExploreResult }[]> {
  const results = await jobResults(r, spec.id);
  const out: { member: number; result: ExploreResult }[] = [];
  for (let member = 0; member < (spec.swarm ?? 0); member++) {
    const result = results.get(jobId(spec.id, { kind: 'member', member }));
    if (result) out.push({ member, result });
  }
  return out;
}

/** The swarm's result: the finished members' results merged as the in-process swarm's are (every
 * member's states, transitions, coverage and oracles listed; never exhausted), each oracle's
 * counterexample the one the campaign kept. Null when no member has finished. */
export async function swarmCampaignResult(r: Redis, spec: CampaignSpec, end: CampaignEnd): Promise<ExploreResult | null> {
  const done = await memberResults(r, spec);
  if (!done.length) return null;
  const merged = swarmResult(
    done.map((d) => d.result),
    end.interrupted || !end.finished,
    end.seconds,
    done.map((d) => d.member),
  );
  const cex = new Map((await counterexamples(r, spec.id)).map((f) => [f.violation.oracle, f]));
  for (const v of merged.violations) {
    const f = cex.get(v.oracle);
    if (f) Object.assign(v, { deliveries: f.deliveries, preemptions: f.preemptions, original: f.original });
    delete v.file;
  }
  return { ...merged, seed: end.seed, jobs: done.length };
}

export type MemberState = 'waiting' | 'active' | 'done' | 'failed';

export interface MemberStatus {
  member: number;
  state: MemberState;
  /** Once done: its states, transitions, coverage estimate and the oracles it hit. */
  states?: number;
  transitions?: number;
  coverage?: number;
  oracles?: string[];
}

/** `status`: each member's job state and, once done, what it found. */
export async function memberStatus(r: Redis, spec: CampaignSpec, stateOf: (job: string) => Promise<string>): Promise<MemberStatus[]> {
  const results = await jobResults(r, spec.id);
  return Promise.all(
    Array.from({ length: spec.swarm ?? 0 }, async (_, member): Promise<MemberStatus> => {
      const id = jobId(spec.id, { kind: 'member', member });
      const result = results.get(id);
      if (!result) {
        const s = await stateOf(id);
        return { member, state: s === 'failed' ? 'failed' : s === 'active' ? 'active' : 'waiting' };
      }
      const st = result.dfs!.states!;
      return { member, state: 'done', states: st.states, transitions: st.transitions, coverage: st.bitstate!.coverage, oracles: [...new Set(result.violations.map((v) => v.oracle))].sort() };
    }),
  );
}

/** One line per member for `status`. */
export function memberLines(members: MemberStatus[]): string[] {
  return members.map((m) =>
    m.state !== 'done'
      ? `  member ${m.member}: ${m.state}`
      : `  member ${m.member}: ${m.states} states, ${m.transitions} transitions, coverage ${m.coverage}${m.oracles!.length ? `; found ${m.oracles!.join(', ')}` : ''}`,
  );
}

