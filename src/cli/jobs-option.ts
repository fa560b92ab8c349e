// --jobs J as explore and history read it: an integer from 1 to JOBS_PER_CORE per core, refused
// beyond (one line, exit 2) before any work.
import { availableParallelism } from 'node:os';
import { BadInput, intOption } from '../errors.ts';

/** Jobs per core beyond which --jobs is refused: each job has its own transport (on workers, a
 * thread per machine kind), and 64 jobs on 2 cores ran out of memory before their threads began. */
export const JOBS_PER_CORE = 2;

export function jobsOption(value: string, transport: string, cores = availableParallelism()): number {
  const jobs = intOption('--jobs', value, 1);
  const max = Math.max(1, JOBS_PER_CORE * cores);
  if (jobs > max) {
    const each = transport === 'workers' ? ' and, on workers, its own thread per machine kind' : '';
    throw new BadInput(`--jobs ${jobs}: at most ${max} on this machine (${JOBS_PER_CORE} per core, ${cores} core(s) by os.availableParallelism()); each job has its own transport${each}`);
  }
  return jobs;
}
