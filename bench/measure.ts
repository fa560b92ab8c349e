// What the bench sections share: rates in CPU time, subject and floor side by side in turns, and
// the one-thread floor (a bare xstate actor.send of a two-state machine).
import { createActor, setup } from 'xstate';

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Rate of `step` (which returns how many things it did) per second of this process's CPU time,
 * over about `ms` of wall time (at least one step). */
export async function cpuRate(step: () => Promise<number> | number, ms: number): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  do n += await step();
  while (performance.now() - t0 < ms);
  const c = process.cpuUsage(c0);
  return n / ((c.user + c.system) / 1e6);
}

/** Subject and floor both on this thread, timed in CPU time, which other processes on a shared
 * machine do not stretch as they do wall time (GC threads count against whichever side
 * allocates). `rounds` short rounds of each, in alternating order, after a warm-up: the medians. */
export async function sideBySideCpu(subject: () => Promise<number> | number, floor: () => Promise<number> | number, roundMs = 160, rounds = 15): Promise<[number, number]> {
  await cpuRate(subject, roundMs * 2);
  await cpuRate(floor, roundMs * 2);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2) {
      a.push(await cpuRate(subject, roundMs));
      b.push(await cpuRate(floor, roundMs));
    } else {
      b.push(await cpuRate(floor, roundMs));
      a.push(await cpuRate(subject, roundMs));
    }
  }
  return [median(a), median(b)];
}

/** The floor of one thread: actor.send on a two-state machine, 1000 sends a batch. */
const toggle = setup({}).createMachine({ initial: 'off', states: { off: { on: { toggle: 'on' } }, on: { on: { toggle: 'off' } } } });
export function actorSend(): () => number {
  const actor = createActor(toggle).start();
  return () => {
    for (let i = 0; i < 1000; i++) actor.send({ type: 'toggle' });
    return 1000;
  };
}
