// The device's DMA engine: jobs (PASID, address, read/write) translated by the IOMMU; a miss
// becomes a page request (PCIe PRI) and the job waits for the response, then retries or fails.
// A Response Failure makes the device disable its page-request interface for every PASID.
// dma_stop (the driver's release) cancels a PASID's queued jobs and answers once none is in flight.
import { assign, emit, enqueueActions, setup } from 'xstate';
import { bug, callerOf, noop, ret, send } from './emit.ts';

interface Job {
  pasid: number;
  addr: number;
  write: boolean;
  forMm: string;
  /** The driver's ioctl waits for this job (dma_submit with wait). */
  sync: boolean;
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
  /** A waiting dma_submit: answered when its last job ends. */
  syncCaller: { from: string; fn: string; left: number } | null;
}
type Ev = { type: string; from?: string; [k: string]: unknown };

/** Page requests per job before the device gives up on it. */
export const MAX_TRIES = 3;

export const dmaMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; iommu: string } },
  actions: {
    // The driver queues jobs; a PASID handed out again is no longer stopped. A waiting submit
    // is answered when its jobs end, a posted one at once.
    dma_submit: enqueueActions(({ context, event, enqueue }) => {
      const sync = event.wait === true;
      const n = Number(event.count ?? 1);
      const job: Job = { pasid: Number(event.pasid), addr: Number(event.addr), write: !!event.write, forMm: String(event.forMm), sync };
      const queue = [...context.queue, ...Array.from({ length: n }, () => job)];
      const stopped = context.stopped.filter((p) => p !== job.pasid);
      // One assign: each one costs xstate a new snapshot.
      enqueue.assign(sync ? { queue, stopped, syncCaller: { ...callerOf(event), left: n } } : { queue, stopped });
      if (!sync) enqueue.emit(ret(callerOf(event)));
    }),
    takeJob: assign(({ context }) => ({ job: context.queue[0]!, queue: context.queue.slice(1), tries: 0 })),
    // Issue the DMA: translation and access by the IOMMU.
    dma_map: emit(({ context }) =>
      send(context.iommu, { type: 'dma_map', pasid: context.job!.pasid, addr: context.job!.addr, write: context.job!.write, forMm: context.job!.forMm }),
    ),
    // Translation fault: a page request into the IOMMU's PRQ (last page in group).
    page_request: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ tries: context.tries + 1 });
      const j = context.job!;
      enqueue.emit(send(context.iommu, { type: 'page_request', pasid: j.pasid, addr: j.addr, write: j.write, forMm: j.forMm, lpig: true }));
    }),
    // QI_RESP_FAILURE: the device disables PRI (PCIe), for every PASID.
    disable_pri: assign(({ context }) => ({ pri: false, priDisabledBy: context.job!.pasid })),
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
      const w = context.syncCaller;
      const next: Partial<Ctx> = { job: null, stopCallers: context.stopCallers.filter((s) => s.pasid !== pasid) };
      if (context.job!.sync && w) {
        if (w.left === 1) enqueue.emit(ret(w));
        next.syncCaller = w.left === 1 ? null : { ...w, left: w.left - 1 };
      }
      // One assign: each one costs xstate a new snapshot.
      enqueue.assign(next);
    }),
    // dma_stop: cancel queued jobs of the PASID; answer now unless one is in flight.
    dma_stop: enqueueActions(({ context, event, enqueue }) => {
      const pasid = Number(event.pasid);
      const cancelled = context.queue.filter((j) => j.pasid === pasid && j.sync).length;
      const w = context.syncCaller;
      const next: Partial<Ctx> = {};
      // Cancelled jobs end a waiting submit too.
      if (w && cancelled) {
        if (w.left <= cancelled) enqueue.emit(ret(w));
        next.syncCaller = w.left <= cancelled ? null : { ...w, left: w.left - cancelled };
      }
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
    canRequest: ({ context }) => context.pri && context.tries < MAX_TRIES,
    responseSuccess: ({ event }) => event.result === 'SUCCESS',
    responseFailure: ({ event }) => event.result === 'FAILURE',
    stoppedJob: ({ context }) => context.stopped.includes(context.job!.pasid),
  },
}).createMachine({
  id: 'dma',
  context: ({ input }) => ({ ...input, queue: [], job: null, tries: 0, pri: true, priDisabledBy: null, stopped: [], stopCallers: [], syncCaller: null }),
  on: {
    dma_submit: { actions: 'dma_submit' },
    dma_stop: { actions: 'dma_stop' },
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
          { guard: 'stoppedJob', target: 'idle', actions: 'endJob' },
          { guard: 'responseSuccess', target: 'dma_map', actions: 'dma_map' },
          { guard: 'responseFailure', target: 'idle', actions: ['disable_pri', 'endJob'] },
          // QI_RESP_INVALID: the job fails gracefully, nothing else is disturbed.
          { target: 'idle', actions: 'endJob' },
        ],
      },
    },
  },
});
