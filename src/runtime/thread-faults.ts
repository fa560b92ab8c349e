// Worker faults (workers transport): the thread hosting an actor dies (`worker-crash`: it exits)
// or stops answering (`worker-hang`: it spins, and the pool's watchdog gives up on it) in the
// middle of a run. The injector (machines/injector.ts) races the fault against a pass from the
// start, so when it strikes is a scheduling choice; its delivery goes to the target actor's thread.
// The run ends there with a WorkerFault on both transports (inline simulates it), so a schedule
// replays the same; `explore` counts it, respawns the pool and goes on with the next schedule.
import type { Message } from './types.ts';

export const WORKER_FAULT_EVENTS = new Set(['worker-crash', 'worker-hang']);
export const isWorkerFault = (m: Pick<Message, 'event'>): boolean => WORKER_FAULT_EVENTS.has(m.event.type);
/** The watchdog a pool gets when a hang may be injected: long enough for any delivery here. */
export const HANG_WATCHDOG_MS = 1500;

export class WorkerFault extends Error {
  constructor(
    readonly kind: 'worker-crash' | 'worker-hang',
    readonly actor: string,
    readonly detail: string,
  ) {
    super(`${kind}: the worker thread hosting ${actor} ${kind === 'worker-crash' ? 'died' : 'stopped answering'}: ${detail}`);
  }
}

/** The fault as the inline transport has it: no thread to lose, the same end of the run. */
export function simulatedWorkerFault(m: Message): never {
  throw new WorkerFault(m.event.type as WorkerFault['kind'], m.to, 'simulated on the inline transport');
}

/** A workers-transport delivery of a worker fault: the pool's failure, as that fault. */
export async function workerFaultOf(m: Message, delivery: Promise<unknown>): Promise<never> {
  try {
    await delivery;
  } catch (e) {
    throw new WorkerFault(m.event.type as WorkerFault['kind'], m.to, (e as Error).message.split('\n')[0]!);
  }
  throw new WorkerFault(m.event.type as WorkerFault['kind'], m.to, 'the worker answered (no fault hook)');
}
