// The `workers` transport in controlled mode: the main thread's runSchedule stays the only
// scheduler; each delivery is one comlink call to the thread hosting the receiver, and what the
// receiver sends comes back in its Delivery. Same schedule → byte-identical trace to `inline`.
import type { Transport } from '../types.ts';
import { WorkerPool, type PoolOptions } from './pool.ts';
import { isWorkerFault, workerFaultOf } from '../thread-faults.ts';

export interface WorkersTransport extends Transport {
  /** The threads, for a free-running run (runFree) between controlled ones. */
  readonly pool: WorkerPool;
}

export async function workersTransport(opts: PoolOptions = {}): Promise<WorkersTransport> {
  const pool = await WorkerPool.open(opts);
  return {
    name: 'workers',
    pool,
    start: (specs) => pool.start(specs),
    // A worker fault (src/runtime/thread-faults.ts): the thread really dies or hangs; the pool's failure is that fault.
    deliver: (msg) => (isWorkerFault(msg) ? workerFaultOf(msg, pool.deliver(msg)) : pool.deliver(msg)),
    views: () => pool.views(),
    close: () => pool.close(),
    journal: (on) => pool.journal(on),
    undo: (receivers) => pool.undo(receivers),
  };
}
