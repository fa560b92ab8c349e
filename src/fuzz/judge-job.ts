// One world judged in a piscina worker (`fuzz --jobs`, pool.ts): the same judgeWorld as in the
// fuzz process, with the run's stop flag shared. A machine that throws comes back as data (the
// actor, the event, the stack), for the fuzz process to fail the run with (a structured clone
// of an Error keeps neither its class nor its fields).
import { ActorCrash } from '../runtime/host.ts';
import type { Scenario } from '../scenario/schema.ts';
import { variantByName } from '../variants/variants.ts';
import { judgeWorld, type Judged } from './judge.ts';

export interface JudgeTask {
  world: Scenario;
  seed: number;
  kernel: string;
  budget: number | null;
  /** Int32 [0]: the run was stopped (Ctrl-C, SIGTERM). */
  flags: SharedArrayBuffer;
}

export type JudgeReply = { judged: Judged } | { crash: { actor: string; event: string; stack: string } };

/** Test-only: the world named by SVMSIM_FAULT_FUZZ_CRASH crashes as a machine would (actor mm#1
 * on mm.put), in a pool's job or a queue's (src/distributed/fuzz-queue.ts). */
export function injectedCrash(world: Scenario): void {
  const name = process.env.SVMSIM_FAULT_FUZZ_CRASH;
  if (name && world.name === name) throw new ActorCrash('mm#1', 'mm.put', new Error(`injected crash in ${name} (SVMSIM_FAULT_FUZZ_CRASH)`).stack!);
}

export async function runJudge(t: JudgeTask): Promise<JudgeReply> {
  const flags = new Int32Array(t.flags);
  try {
    injectedCrash(t.world);
    return { judged: await judgeWorld(t.world, { variant: variantByName(t.kernel), budget: t.budget, seed: t.seed, stop: () => Atomics.load(flags, 0) !== 0 }) };
  } catch (e) {
    if (e instanceof ActorCrash) return { crash: { actor: e.actor, event: e.event, stack: e.causeStack } };
    throw e;
  }
}
