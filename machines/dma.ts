// The device's DMA engine: jobs (PASID, address, read/write) translated by the IOMMU; a miss
// becomes a page request (PCIe PRI) and the job waits for the response, then retries or fails.
// A Response Failure makes the device disable its page-request interface for every PASID.
// Any number of dma_submits may wait (each blocked ioctl is answered once its own jobs are over).
// dma_stop (the driver's release) cancels a PASID's queued jobs and answers once none is in flight.
// Faults (only when the scenario allows them; `fx` is absent otherwise): a timer that races the
// page response (device-timeout), and a device that ignores INVALID and retries (device-retry).
import { assign, emit, enqueueActions, setup } from 'xstate';
import { bug, callerOf, noop, ret, send } from './emit.ts';
import type { Emitted } from './objects.ts';

interface Job {
  pasid: number;
  addr: number;
  write: boolean;
  forMm: string;
  /** The caller whose ioctl waits for this job (dma_submit with wait); absent for a posted job. */
  waiter?: string;
  /** The page request flags the device sets (a scenario's `request`; absent: a plain request). */
  request?: Flags;
}
/** struct page_req_dsc's flags (intel-svm.c 4.4) the device chooses; absent ones are a plain
 * request's: pasid_present, lpig, no srr, not privileged, no execute. */
interface Flags {
  pasid_present?: boolean;
  lpig?: boolean;
  srr?: boolean;
  priv_req?: boolean;
  exe_req?: boolean;
}
/** A waiting dma_submit (a driver's ioctl blocked on its jobs): answered when its last job ends. */
interface Waiter {
  from: string;
  fn: string;
  left: number;
}
interface Ctx {
  id: string;
  iommu: string;
  queue: Job[];
  job: Job | null;
  tries: number;
  /** PRI enabled; which PASID's Response Failure disabled it. */
  pri: boolean;
  priDisabledBy: number | null;
  stopped: number[];
  stopCallers: { from: string; fn: string; pasid: number }[];
  /** The waiting dma_submits, in submit order: any number, one per blocked caller. */
  waiting: Waiter[];
  /** Only with device faults allowed. */
  fx?: Fx;
}
interface Fx {
  /** The PRG index of the request outstanding (responses are matched to it); absent if unneeded. */
  prg?: number;
  /** Budgets left: device-timeout, device-retry. */
  timeout?: number;
  retry?: number;
  /** device-retry fired for the job in hand: it retries every INVALID, forever. */
  stubborn?: boolean;
  /** The PRG index whose timer is armed (its pass and timeout still race), or -1. */
  armed?: number;
}
type Ev = { type: string; from?: string; [k: string]: unknown };

/** Page requests per job before the device gives up on it. */
export const MAX_TRIES = 3;
/** PRG indexes the model's device cycles through (9 bits in hardware): reused, as a device does. */
export const PRG_INDEXES = 4;

/** The waiters once `ended(w)` more of each one's jobs are over: those with none left are answered (`answer`) and leave. */
function settle(waiting: Waiter[], ended: (w: Waiter) => number, answer: (w: Waiter) => void): Waiter[] {
  const out: Waiter[] = [];
  for (const w of waiting) {
    const n = ended(w);
    if (n && w.left <= n) answer(w);
    else out.push(n ? { ...w, left: w.left - n } : w);
  }
  return out;
}

const fault = (kind: string, message: string): Emitted => ({ type: 'fault', kind, message });

/** The page requests (PCIe PRI) a job's translation fault sends: one Page Request Group. A plain
 * request is the group's last (lpig). A request not last in its group (lpig clear, no srr) is
 * followed by the group's last request, for the next page: the group is answered once, for the
 * last (4.4: `if (req->lpig)` Page Group Response, with that request's result). A stream request
 * (srr, lpig clear) stands alone and gets a Page Stream Response. The flags the scenario set go
 * on each request as struct page_req_dsc names them. */
function pageRequests(j: Job): Record<string, unknown>[] {
  const { lpig = true, srr = false, ...rest } = j.request ?? {};
  const flags = Object.fromEntries(Object.entries(rest).filter(([k, v]) => v !== (k === 'pasid_present')));
  const one = { addr: j.addr, lpig, ...(srr ? { srr } : {}), ...flags };
  return lpig || srr ? [one] : [one, { addr: j.addr + 1, lpig: true, ...flags }];
}

export const dmaMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; iommu: string } },
  actions: {
    // The driver queues jobs; a PASID handed out again is no longer stopped. A waiting submit
    // is answered when its jobs end, a posted one at once.
    dma_submit: enqueueActions(({ context, event, enqueue }) => {
      const sync = event.wait === true;
      const n = Number(event.count ?? 1);
      const caller = callerOf(event);
      const job: Job = { pasid: Number(event.pasid), addr: Number(event.addr), write: !!event.write, forMm: String(event.forMm), ...(sync ? { waiter: caller.from } : {}), ...(event.request ? { request: event.request as Flags } : {}) };
      const queue = [...context.queue, ...Array.from({ length: n }, () => job)];
      const stopped = context.stopped.filter((p) => p !== job.pasid);
      // One assign: each one costs xstate a new snapshot.
      enqueue.assign(sync ? { queue, stopped, waiting: [...context.waiting, { ...caller, left: n }] } : { queue, stopped });
      if (!sync) enqueue.emit(ret(caller));
    }),
    takeJob: assign(({ context }) => ({
      job: context.queue[0]!,
      queue: context.queue.slice(1),
      tries: 0,
      ...(context.fx?.stubborn ? { fx: { ...context.fx, stubborn: false } } : {}),
    })),
    // Issue the DMA: translation and access by the IOMMU. A request without PASID is translated
    // by the device's domain (second-level), not by a PASID's page tables.
    dma_map: emit(({ context }) => {
      const j = context.job!;
      return send(context.iommu, { type: 'dma_map', pasid: j.pasid, addr: j.addr, write: j.write, forMm: j.forMm, ...(j.request?.pasid_present === false ? { pasid_present: false } : {}) });
    }),
    // Translation fault: a page request into the IOMMU's PRQ (last page in group). With
    // device-timeout allowed, the device's response timer starts on a lane of its own: it races
    // the response, and whichever arrives first decides.
    page_request: enqueueActions(({ context, enqueue }) => {
      const fx = context.fx;
      const stubborn = fx?.stubborn === true;
      const prg = fx?.prg !== undefined ? (fx.prg + 1) % PRG_INDEXES : undefined;
      enqueue.assign({ tries: stubborn ? context.tries : context.tries + 1, ...(prg !== undefined ? { fx: { ...fx, prg } } : {}) });
      const j = context.job!;
      const tag = prg !== undefined ? { prg } : {};
      for (const d of pageRequests(j)) enqueue.emit(send(context.iommu, { type: 'page_request', pasid: j.pasid, addr: d.addr, write: j.write, forMm: j.forMm, ...d, ...tag }));
      if ((fx?.timeout ?? 0) === 0) return;
      // The timer's two outcomes, pass first: the default completion keeps the request alive.
      enqueue.assign({ fx: { ...fx, prg, armed: prg } });
      enqueue.emit(send(context.id, { type: 'timer_pass', ...tag }, 'pass'));
      enqueue.emit(send(context.id, { type: 'page_timeout', ...tag }, 'timer'));
    }),
    // An ATS invalidation request (the page-drain's device-TLB descriptor, 66ac4db36f4c): the
    // device answers with its invalidation completion, which PCIe ordering keeps behind the page
    // requests it sent before (one channel to the IOMMU, first in first out).
    ats_invalidate: emit(({ context, event }) => send(context.iommu, { type: 'ats_invalidate_complete', sid: event.sid, pasid: event.pasid })),
    // The timer's race was decided without a timeout (pass first, or the response came first).
    disarm: assign(({ context, event }) => (context.fx?.armed === event.prg ? { fx: { ...context.fx, armed: -1 } } : {})),
    // device-timeout fired: the device gives up on the request and fails the job (the request
    // stays queued in the IOMMU, or in the fault handler's hands).
    give_up: enqueueActions(({ context, enqueue }) => {
      const fx = context.fx!;
      enqueue.assign({ fx: { ...fx, timeout: fx.timeout! - 1, armed: -1 } });
      enqueue.emit(fault('device-timeout', `${context.id} gave up on its page request${fx.prg !== undefined ? ` (prg ${fx.prg})` : ''} for PASID ${context.job!.pasid} addr ${context.job!.addr}; the job fails`));
    }),
    // device-retry: an INVALID response either fails the job (pass) or, first, makes the device
    // retry it forever: two outcomes on lanes of their own, the first delivered decides.
    race_retry: enqueueActions(({ context, enqueue }) => {
      enqueue.emit(send(context.id, { type: 'retry_pass' }, 'pass'));
      enqueue.emit(send(context.id, { type: 'fault.device-retry' }, 'fault.device-retry'));
    }),
    go_stubborn: enqueueActions(({ context, enqueue }) => {
      const fx = context.fx!;
      enqueue.assign({ fx: { ...fx, retry: fx.retry! - 1, stubborn: true } });
      enqueue.emit(fault('device-retry', `${context.id} ignores INVALID for PASID ${context.job!.pasid} addr ${context.job!.addr} and retries the request, from now on forever`));
    }),
    // QI_RESP_FAILURE: the device disables PRI (PCIe), for every PASID — also when the failure
    // answers a request it had given up on (the response's PASID is the one that failed).
    disable_pri: assign(({ event }) => ({ pri: false, priDisabledBy: Number(event.pasid) })),
    // A job failed because another PASID's failure turned PRI off: one PASID disturbed another.
    checkIsolation: emit(({ context }) =>
      !context.pri && context.priDisabledBy !== null && context.priDisabledBy !== context.job!.pasid
        ? bug('isolation', `${context.id}: PASID ${context.job!.pasid}'s DMA failed because PASID ${context.priDisabledBy}'s page request got Response Failure (PRI disabled)`)
        : noop,
    ),
    // The job is over (done or failed): answer a dma_stop that waited for it.
    endJob: enqueueActions(({ context, enqueue }) => {
      const pasid = context.job!.pasid;
      for (const c of context.stopCallers.filter((s) => s.pasid === pasid)) enqueue.emit(ret(c));
      const by = context.job!.waiter;
      const next: Partial<Ctx> = { job: null, stopCallers: context.stopCallers.filter((s) => s.pasid !== pasid) };
      if (by !== undefined) next.waiting = settle(context.waiting, (w) => (w.from === by ? 1 : 0), (w) => enqueue.emit(ret(w)));
      // One assign: each one costs xstate a new snapshot.
      enqueue.assign(next);
    }),
    // dma_stop: cancel queued jobs of the PASID; answer now unless one is in flight.
    dma_stop: enqueueActions(({ context, event, enqueue }) => {
      const pasid = Number(event.pasid);
      const next: Partial<Ctx> = {};
      // Cancelled jobs end a waiting submit too.
      const cancelled = (w: Waiter) => context.queue.filter((j) => j.pasid === pasid && j.waiter === w.from).length;
      if (context.waiting.length) next.waiting = settle(context.waiting, cancelled, (w) => enqueue.emit(ret(w)));
      next.stopped = [...context.stopped.filter((p) => p !== pasid), pasid];
      next.queue = context.queue.filter((j) => j.pasid !== pasid);
      if (context.job?.pasid === pasid) next.stopCallers = [...context.stopCallers, { ...callerOf(event), pasid }];
      else enqueue.emit(ret(callerOf(event)));
      // One assign: each one costs xstate a new snapshot.
      enqueue.assign(next);
    }),
  },
  guards: {
    hasJob: ({ context }) => context.queue.length > 0,
    mapped: ({ event }) => event.ok === true,
    canRequest: ({ context }) => context.pri && (context.tries < MAX_TRIES || context.fx?.stubborn === true),
    responseSuccess: ({ event }) => event.result === 'SUCCESS',
    responseFailure: ({ event }) => event.result === 'FAILURE',
    stoppedJob: ({ context }) => context.stopped.includes(context.job!.pasid),
    // Not the response (or timer) of the request outstanding: the device drops it (PRG index).
    stale: ({ context, event }) => event.prg !== undefined && event.prg !== context.fx?.prg,
    staleFailure: ({ context, event }) => event.result === 'FAILURE' && event.prg !== undefined && event.prg !== context.fx?.prg,
    timerLive: ({ context, event }) => (context.fx?.timeout ?? 0) > 0 && context.fx?.armed === event.prg,
    stubborn: ({ context }) => context.fx?.stubborn === true,
    mayRetry: ({ context }) => (context.fx?.retry ?? 0) > 0,
  },
}).createMachine({
  id: 'dma',
  context: ({ input }) => ({ ...input, queue: [], job: null, tries: 0, pri: true, priDisabledBy: null, stopped: [], stopCallers: [], waiting: [] }),
  on: {
    dma_submit: { actions: 'dma_submit' },
    dma_stop: { actions: 'dma_stop' },
    ats_invalidate: { actions: 'ats_invalidate' },
    // A late Response Failure (for a request the device gave up on) still disables PRI; any
    // other late response is dropped. Only reachable with faults.
    page_response: { guard: 'responseFailure', actions: 'disable_pri' },
    // A timer outcome that no longer decides anything (the request was answered, or passed).
    timer_pass: { actions: 'disarm' },
    page_timeout: { actions: 'disarm' },
    // device-retry's race, once decided: the losing outcome comes late and decides nothing.
    retry_pass: {},
    'fault.device-retry': {},
  },
  initial: 'idle',
  states: {
    idle: {
      always: { guard: 'hasJob', target: 'dma_map', actions: ['takeJob', 'dma_map'] },
    },
    // Waiting for the translation (and the access) to complete.
    dma_map: {
      tags: ['waiting'],
      on: {
        'ret.dma_map': [
          { guard: 'mapped', target: 'idle', actions: 'endJob' },
          { guard: 'canRequest', target: 'page_request', actions: 'page_request' },
          { target: 'idle', actions: ['checkIsolation', 'endJob'] },
        ],
      },
    },
    // Waiting for the Page Group Response.
    page_request: {
      tags: ['waiting'],
      on: {
        page_response: [
          { guard: 'staleFailure', actions: 'disable_pri' },
          { guard: 'stale' },
          { guard: 'stoppedJob', target: 'idle', actions: 'endJob' },
          { guard: 'responseSuccess', target: 'dma_map', actions: 'dma_map' },
          { guard: 'responseFailure', target: 'idle', actions: ['disable_pri', 'endJob'] },
          // A device that retries every INVALID (device-retry fired for this job).
          { guard: 'stubborn', target: 'dma_map', actions: 'dma_map' },
          { guard: 'mayRetry', target: 'retry_race', actions: 'race_retry' },
          // QI_RESP_INVALID: the job fails gracefully, nothing else is disturbed.
          { target: 'idle', actions: 'endJob' },
        ],
        // device-timeout: the timer beat the response.
        page_timeout: [{ guard: 'timerLive', target: 'idle', actions: ['give_up', 'endJob'] }, { actions: 'disarm' }],
      },
    },
    // device-retry's race: fail the job as INVALID says, or retry it forever.
    retry_race: {
      tags: ['waiting'],
      on: {
        retry_pass: { target: 'idle', actions: 'endJob' },
        'fault.device-retry': { target: 'dma_map', actions: ['go_stubborn', 'dma_map'] },
      },
    },
  },
});
