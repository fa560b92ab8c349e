// A swarm of bitstate searches (Holzmann, Joshi and Groce, "Swarm verification techniques", IEEE
// TSE 37(6), 2011): N stateful dfs searches of the whole space, each with a bitstate visited set
// whose hashes and order of deliveries its own seed sets, so that each misses other states. For a
// space no visited set holds: together they reach more than any one. Each member's find is kept
// (the first member to find an oracle writes its counterexample); the result lists every member's
// states and coverage, and it is never exhausted.
import type { OracleName } from '../oracles/types.ts';
import { explore } from './explore.ts';
import type { ExploreOptions } from './options.ts';
import { mergeResults, type ExploreResult, type SwarmMember } from './result.ts';

/** Members 0..n-1 of a swarm, one after another (each stops when `o.stop` says so). */
export async function exploreSwarm(o: ExploreOptions & { bitstate: number }, members: number): Promise<ExploreResult> {
  const written = new Set<OracleName>();
  const claim = (oracle: OracleName) => !written.has(oracle) && !!written.add(oracle);
  const parts: ExploreResult[] = [];
  for (let member = 0; member < members && !(parts.length && o.stop?.()); member++) parts.push(await explore({ ...o, member, claim }));
  return swarmResult(parts, !!o.stop?.());
}

/** The members' results as one swarm's: every member's states, coverage and oracles listed
 * (`members`: which member each part is, when not 0..n-1: a campaign some of whose members have
 * not finished). */
export function swarmResult(parts: ExploreResult[], interrupted: boolean, seconds?: number, members?: number[]): ExploreResult {
  const merged = mergeResults(parts);
  const swarm: SwarmMember[] = parts.map((p, i) => {
    const member = members?.[i] ?? i;
    const st = p.dfs!.states!;
    return { member, states: st.states, transitions: st.transitions, coverage: st.bitstate!.coverage, oracles: [...new Set(p.violations.map((v) => v.oracle))].sort() };
  });
  // One after another (no `seconds`), the swarm took the sum of the members' times.
  const took = seconds ?? Number(parts.reduce((t, p) => t + p.seconds, 0).toFixed(2));
  return { ...merged, jobs: 1, seconds: took, interrupted, dfs: { ...merged.dfs!, exhausted: false, swarm } };
}
