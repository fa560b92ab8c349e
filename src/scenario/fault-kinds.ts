// The faults a scenario may allow: devices, responses, drivers and worker threads that break the
// contracts the driver relies on (intel-svm.h: no page request outstanding at unbind; every page
// request answered exactly once). Each fault is a choice of the scheduler: a message that races
// the normal one, sent only when the fault is allowed (docs/reference/faults.md).
import type { OracleName } from '../oracles/types.ts';

/** What a fault may be scoped to: a device (its DMA engine), a process (its files), or the run. */
export type FaultScope = 'device' | 'process' | 'run';

export interface FaultKind {
  /** The scopes it accepts; the first is the default when `--faults` names it. */
  scopes: FaultScope[];
  /** One line for `svmsim faults` and docs/reference/faults.md. */
  what: string;
  /** What a fault of this kind can lead to in a correct kernel (src/faults/harms.ts): a violation
   * that no fired fault's harms explain is a bug of the model itself. */
  harms: readonly Harm[];
}

/** A violation a fault can cause: its oracle, and the thread that hits it (a violation's first actor). */
export interface Harm {
  oracle: OracleName;
  by?: string;
}

export const FAULT_KINDS = {
  'device-timeout': {
    scopes: ['device'],
    what: 'the device gives up on a page request (its timer races the page response) and fails the job; its driver then treats the PASID as idle, so release no longer waits for that request',
    // The PASID looks idle with the request still queued: the late request is served in the mm that
    // reuses the PASID, or prq_event_thread reads the svm the release's unbind freed under it.
    harms: [{ oracle: 'isolation' }, { oracle: 'use-after-free', by: 'prq' }],
  },
  'page-response-lost': {
    scopes: ['device'],
    what: "a Page Group Response to the device is lost on the way: the device's request is never answered",
    // The device waits forever, and with it release's dma_stop: the exit never frees what it holds.
    harms: [{ oracle: 'stuck' }, { oracle: 'leak' }],
  },
  'page-response-dup': {
    scopes: ['device'],
    what: 'a Page Group Response reaches the device twice',
    // The device drops the second response (its PRG index is answered): no harm.
    harms: [],
  },
  'device-retry': {
    scopes: ['device'],
    what: 'the device ignores an INVALID response and re-issues the page request, again and again (a request retried forever)',
    // A request retried forever: the run never quiesces (stuck at the step limit), and a stateful
    // search closes the cycle it goes round (a livelock lasso, src/faults/lasso.ts).
    harms: [{ oracle: 'stuck' }, { oracle: 'livelock' }],
  },
  'dma-stop-slow': {
    scopes: ['device', 'process'],
    what: "the device is slow to acknowledge the driver's dma_stop: the driver's release times out waiting and unbinds anyway",
    // Unbound with a page request outstanding: prq_event_thread reads the freed svm or mm, or
    // (the PASID freed and bound again by another mm) serves the late request in that mm.
    harms: [{ oracle: 'use-after-free', by: 'prq' }, { oracle: 'isolation', by: 'prq' }],
  },
  'worker-crash': {
    scopes: ['run'],
    what: "on the workers transport, the page-request thread's worker dies in the middle of a run (simulated on inline): the run ends there; explore counts it, respawns the pool and goes on",
    // The run ends at the fault: nothing to judge.
    harms: [],
  },
  'worker-hang': {
    scopes: ['run'],
    what: "on the workers transport, the page-request thread's worker stops answering in the middle of a run: the pool's watchdog ends the run; explore counts it, respawns the pool and goes on",
    harms: [],
  },
} as const satisfies Record<string, FaultKind>;

export type FaultName = keyof typeof FAULT_KINDS;
export const FAULT_NAMES = Object.keys(FAULT_KINDS) as FaultName[];
export const isFaultName = (s: string): s is FaultName => s in FAULT_KINDS;

/** The default budget: how many of a kind may fire in one run, per scope. */
export const DEFAULT_BUDGET = 1;
export const MAX_BUDGET = 16;
