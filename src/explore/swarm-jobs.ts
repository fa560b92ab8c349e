// --swarm N --jobs J: a swarm's members on a pool of J threads (piscina), each member's bit array
// in its thread (Holzmann, Joshi and Groce, "Swarm verification techniques": the members are
// independent, so they parallelize without sharing anything). Each member writes its
// counterexamples into a folder of its own; then, for each oracle, the lowest member's is kept in
// --out, the file a swarm on one thread writes (the first member to find it), so what is written
// does not depend on which thread finished first.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { OracleName } from '../oracles/types.ts';
import { FLAG_COUNT, STOP } from './job.ts';
import type { RunOptions } from './parallel.ts';
import type { ExploreResult } from './result.ts';
import { swarmResult } from './swarm.ts';
import { runJobOn, withJobPool } from './job-pool.ts';

/** Where member `m` writes its counterexamples, inside --out. */
export const memberDir = (out: string, m: number): string => join(out, `.swarm-member-${m}`);

export async function exploreSwarmJobs(o: RunOptions & { bitstate: number }, members: number): Promise<ExploreResult> {
  const t0 = performance.now();
  // A flag buffer per member: each writes each oracle once in its own folder; Ctrl-C stops all.
  const flags = Array.from({ length: members }, () => new SharedArrayBuffer(FLAG_COUNT * 4));
  const stopAll = () => flags.forEach((f) => Atomics.store(new Int32Array(f), STOP, 1));
  o.onInterrupt?.(stopAll);
  try {
    return await withJobPool(o.jobs, async (pool) => {
      const { interrupted, onInterrupt: _oi, onProgress, variant, jobs: _j, visitedSlots: _v, ...rest } = o;
      const parts = await Promise.all(Array.from({ length: members }, (_, member) => runJobOn(pool, { ...rest, ...(o.out ? { out: memberDir(o.out, member) } : {}), kernel: variant.name, member }, flags[member]!, onProgress)));
      if (o.out) keepFirstFinds(o.out, parts);
      return { ...swarmResult(parts, interrupted(), Number(((performance.now() - t0) / 1000).toFixed(2))), jobs: o.jobs };
    });
  } finally {
    if (o.out) for (let m = 0; m < members; m++) rmSync(memberDir(o.out, m), { recursive: true, force: true });
  }
}

/** Each oracle's counterexample from the lowest member that found it, moved into `out`; the
 * members' results name the files where they now are (or none, for a member not kept). */
function keepFirstFinds(out: string, parts: ExploreResult[]): void {
  const kept = new Set<OracleName>();
  parts.forEach((p, member) => {
    const dir = memberDir(out, member);
    for (const v of p.violations) {
      const name = `${v.oracle}.json`;
      if (!kept.has(v.oracle) && existsSync(join(dir, name))) {
        kept.add(v.oracle);
        renameSync(join(dir, name), join(out, name));
        v.file = join(out, name);
      } else delete v.file;
    }
    if (existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  });
}
