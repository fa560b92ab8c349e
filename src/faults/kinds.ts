// The faults a scenario may allow: devices, responses, drivers and worker threads that break the
// contracts the driver relies on (intel-svm.h: no page request outstanding at unbind; every page
// request answered exactly once). Each fault is a choice of the scheduler: a message that races
// the normal one, sent only when the fault is allowed (see README "Faults").

/** What a fault may be scoped to: a device (its DMA engine), a process (its files), or the run. */
export type FaultScope = 'device' | 'process' | 'run';

export interface FaultKind {
  /** The scopes it accepts; the first is the default when `--faults` names it. */
  scopes: FaultScope[];
  /** One line for `svmsim faults` and the README. */
  what: string;
}

export const FAULT_KINDS = {
  'device-timeout': {
    scopes: ['device'],
    what: 'the device gives up on a page request (its timer races the page response) and fails the job; its driver then treats the PASID as idle, so release no longer waits for that request',
  },
  'page-response-lost': {
    scopes: ['device'],
    what: "a Page Group Response to the device is lost on the way: the device's request is never answered",
  },
  'page-response-dup': {
    scopes: ['device'],
    what: 'a Page Group Response reaches the device twice',
  },
  'device-retry': {
    scopes: ['device'],
    what: 'the device ignores an INVALID response and re-issues the page request, again and again (a request retried forever)',
  },
  'dma-stop-slow': {
    scopes: ['device', 'process'],
    what: "the device is slow to acknowledge the driver's dma_stop: the driver's release times out waiting and unbinds anyway",
  },
  'worker-crash': {
    scopes: ['run'],
    what: "on the workers transport, the page-request thread's worker dies in the middle of a run (simulated on inline): the run ends there; explore counts it, respawns the pool and goes on",
  },
  'worker-hang': {
    scopes: ['run'],
    what: "on the workers transport, the page-request thread's worker stops answering in the middle of a run: the pool's watchdog ends the run; explore counts it, respawns the pool and goes on",
  },
} as const satisfies Record<string, FaultKind>;

export type FaultName = keyof typeof FAULT_KINDS;
export const FAULT_NAMES = Object.keys(FAULT_KINDS) as FaultName[];
export const isFaultName = (s: string): s is FaultName => s in FAULT_KINDS;

/** The default budget: how many of a kind may fire in one run, per scope. */
export const DEFAULT_BUDGET = 1;
export const MAX_BUDGET = 16;
