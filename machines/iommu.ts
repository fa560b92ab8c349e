// The VT-d hardware: the PASID table (each entry → an mm's PGD), the PASID cache, the IOTLB with its
// paging-structure cache, the page-request queue (PRQ) and queued invalidation (qi_submit_sync,
// complete before the driver's next step). Translation looks in the IOTLB, then the PASID cache or
// table, then walks the page tables; a stale cache is exactly what intel_mm_release must flush.
import { assign, emit, enqueueActions, setup } from 'xstate';
import { access, callerOf, ret, send } from './emit.ts';
import { obj, patch, type Objs } from './objects.ts';

interface Entry {
  pgd: string;
  mm: string;
  entry: string;
  /** The PASID object and svm the entry was set for. */
  pasidObj: string;
}
interface Walk {
  from: string;
  fn: string;
  pasid: number;
  addr: number;
  write: boolean;
  forMm: string;
  gen: number;
  pasidObj: string;
}
interface Ctx {
  id: string;
  prqThread: string;
  /** Only with response faults allowed: the devices whose page responses go through the fault
   * injector (machines/injector.ts), and which faults it may inject there. */
  inject?: { to: string; devices: Record<string, string[]> };
  objs: Objs;
  seq: number;
  table: Record<string, Entry>;
  pcache: Record<string, Entry>;
  iotlb: Record<string, string>;
  /** The PASID object each PASID's IOTLB entries were filled for. */
  tlbPasid: Record<string, string>;
  /** Paging-structure cache: the page table a PASID's last walk went through. */
  pwc: Record<string, string>;
  /** Invalidation generation per PASID: a walk that raced a flush fills no cache. */
  gen: Record<string, number>;
  prq: Record<string, unknown>[];
  irqPending: boolean;
  walk: Walk | null;
  walkQueue: Ev[];
}
type Ev = { type: string; from?: string; [k: string]: unknown };

const key = (pasid: unknown, addr: unknown) => `${String(pasid)}:${String(addr)}`;
const ofPasid = (pasid: unknown) => (k: string) => k.startsWith(`${String(pasid)}:`);
const without = <T,>(r: Record<string, T>, drop: (k: string) => boolean) =>
  Object.fromEntries(Object.entries(r).filter(([k]) => !drop(k)));
const uniq = (xs: string[]) => [...new Set(xs)].sort();

/** The caches as objects (owned by no process) whose links name what their entries point at: the
 * pages and PASIDs an IOTLB entry translates for, the PASIDs the PASID cache holds. Made at their
 * first fill, so a run that never fills one has no such object. */
function withCaches(c: Ctx, objs: Objs, iotlb: Record<string, string>, pcache: Record<string, Entry>, tlbPasid: Record<string, string>): Objs {
  const tlbLinks = uniq([...Object.values(iotlb), ...Object.keys(iotlb).map((k) => tlbPasid[k.split(':')[0]!]!)]);
  const pcLinks = uniq(Object.values(pcache).map((e) => e.pasidObj));
  let out = objs;
  for (const [id, kind, links] of [['iotlb', 'iotlb', tlbLinks], ['pasid-cache', 'pasid-cache', pcLinks]] as const) {
    const o = out[id];
    if (!o ? links.length > 0 : o.links!.join() !== links.join()) out = o ? patch(out, id, { links }) : { ...out, [id]: obj(kind, '', { links }) };
  }
  return out === c.objs ? c.objs : out;
}

export const iommuMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; prqThread: string; inject?: Ctx['inject'] } },
  actions: {
    // intel_iommu_enable_pasid: extended context entry → pasid_table; PASID/PRI/ATS on.
    intel_iommu_enable_pasid: emit(({ event }) => ret(callerOf(event), { did: 1 })),
    // pasid_table[pasid].val = __pa(pgd) | 1: a present entry (an object: leaks if never cleared).
    pasid_table_set: enqueueActions(({ context, event, enqueue }) => {
      const seq = context.seq + 1;
      const entry = `pasid-entry#${seq}`;
      enqueue.assign({
        seq,
        table: { ...context.table, [String(event.pasid)]: { pgd: String(event.pgd), mm: String(event.mm), entry, pasidObj: String(event.pasidObj) } },
        objs: { ...context.objs, [entry]: obj('pasid-entry', String(event.owner), { pasid: event.pasid, pgd: event.pgd, links: [String(event.pasidObj), String(event.svm), String(event.pgd)] }) },
      });
      enqueue.emit(ret(callerOf(event)));
    }),
    // pasid_table[pasid].val = 0: not present. The PASID cache may still hold it.
    pasid_table_clear: enqueueActions(({ context, event, enqueue }) => {
      const e = context.table[String(event.pasid)];
      if (e) {
        enqueue.assign({
          table: without(context.table, (k) => k === String(event.pasid)),
          objs: patch(context.objs, e.entry, { alive: false }),
        });
      }
      enqueue.emit(ret(callerOf(event)));
    }),
    // qi_submit_sync: the invalidation descriptor, then its wait descriptor: done on return.
    qi_submit_sync: enqueueActions(({ context, event, enqueue }) => {
      const p = String(event.pasid);
      const gen = { ...context.gen, [p]: (context.gen[p] ?? 0) + 1 };
      if (event.desc === 'pasid-cache') {
        const pcache = without(context.pcache, (k) => k === p);
        enqueue.assign({ gen, pcache, objs: withCaches(context, context.objs, context.iotlb, pcache, context.tlbPasid) });
      } else {
        const start = Number(event.start ?? -Infinity);
        const end = Number(event.end ?? Infinity);
        const inRange = (k: string) => ofPasid(p)(k) && Number(k.split(':')[1]) >= start && Number(k.split(':')[1]) < end;
        const iotlb = without(context.iotlb, inRange);
        enqueue.assign({ gen, iotlb, pwc: without(context.pwc, (k) => k === p), objs: withCaches(context, context.objs, iotlb, context.pcache, context.tlbPasid) });
      }
      enqueue.emit(ret(callerOf(event), { tag: event.tag }));
    }),
    // A DMA translation: an IOTLB hit goes straight to the page.
    iotlb_hit: enqueueActions(({ context, event, enqueue }) => {
      const page = context.iotlb[key(event.pasid, event.addr)]!;
      enqueue.emit(access(page, event.write ? 'dma-write' : 'dma-read', String(event.forMm)));
      enqueue.emit(ret(callerOf(event), { ok: true, pasid: event.pasid }));
    }),
    pasid_not_present: emit(({ event }) => ret(callerOf(event), { ok: false, fault: 'pasid-not-present', pasid: event.pasid })),
    // A miss: the PASID cache (filled from the table), then a page walk from the entry's PGD.
    page_walk: enqueueActions(({ context, event, enqueue }) => {
      const p = String(event.pasid);
      const e = context.pcache[p] ?? context.table[p]!;
      const walk: Walk = { ...callerOf(event), pasid: Number(event.pasid), addr: Number(event.addr), write: !!event.write, forMm: String(event.forMm), gen: context.gen[p] ?? 0, pasidObj: e.pasidObj };
      const pcache = { ...context.pcache, [p]: e };
      enqueue.assign({ walk, pcache, objs: withCaches(context, context.objs, context.iotlb, pcache, context.tlbPasid) });
      enqueue.emit(send(e.mm, { type: 'iommu_walk', pgd: e.pgd, pt: context.pwc[p] ?? null, addr: event.addr, write: !!event.write, forMm: event.forMm, pasid: event.pasid }));
    }),
    // The walk came back: fill the IOTLB unless an invalidation raced it, answer the device.
    walk_done: enqueueActions(({ context, event, enqueue }) => {
      const w = context.walk!;
      const p = String(w.pasid);
      const page = (event.page as string | null) ?? null;
      // One assign: each one costs xstate a new snapshot.
      if (page && (context.gen[p] ?? 0) === w.gen) {
        const iotlb = { ...context.iotlb, [key(p, w.addr)]: page };
        const tlbPasid = { ...context.tlbPasid, [p]: w.pasidObj };
        enqueue.assign({ iotlb, tlbPasid, pwc: { ...context.pwc, [p]: String(event.pt) }, walk: null, objs: withCaches(context, context.objs, iotlb, context.pcache, tlbPasid) });
      } else enqueue.assign({ walk: null });
      enqueue.emit(ret(w, page ? { ok: true, pasid: w.pasid } : { ok: false, fault: 'page-not-present', pasid: w.pasid }));
    }),
    // Held until the walk in flight returns: translations, and invalidations.
    queueWalk: assign(({ context, event }) => ({ walkQueue: [...context.walkQueue, event] })),
    nextWalk: enqueueActions(({ context, enqueue }) => {
      const [next, ...rest] = context.walkQueue;
      enqueue.assign({ walkQueue: rest });
      enqueue.raise(next as never);
    }),
    // The device's page request lands in the PRQ; raise pr_irq unless it is already pending.
    prq_enqueue: enqueueActions(({ context, event, enqueue }) => {
      const { type: _t, from: _f, ...req } = event;
      enqueue.assign({ prq: [...context.prq, { ...req, dev: event.from }], irqPending: true });
      if (!context.irqPending) enqueue.emit(send(context.prqThread, { type: 'pr_irq' }));
    }),
    // prq_event_thread reads one descriptor between head and tail; an empty queue ends the IRQ.
    prq_next: enqueueActions(({ context, event, enqueue }) => {
      const [req, ...rest] = context.prq;
      enqueue.assign(req ? { prq: rest } : { irqPending: false });
      enqueue.emit(ret(callerOf(event), { req: req ?? null }));
    }),
    // Page Group Response (qi_submit_sync): the device gets the result for its request. With a
    // response fault allowed for the device, the response travels through the fault injector,
    // where the scheduler decides whether it arrives, is lost, or arrives twice.
    qi_page_response: enqueueActions(({ context, event, enqueue }) => {
      const dev = String(event.dev);
      const prg = event.prg !== undefined ? { prg: event.prg } : {};
      const response = { type: 'page_response', pasid: event.pasid, addr: event.addr, result: event.result, ...prg };
      const kinds = context.inject?.devices[dev];
      enqueue.emit(kinds ? send(context.inject!.to, { type: 'inject', to: dev, event: response, kinds }) : send(dev, response));
      enqueue.emit(ret(callerOf(event)));
    }),
  },
  guards: {
    iotlbHit: ({ context, event }) => context.iotlb[key(event.pasid, event.addr)] !== undefined,
    pasidPresent: ({ context, event }) => !!(context.pcache[String(event.pasid)] ?? context.table[String(event.pasid)]),
    walkQueued: ({ context }) => context.walkQueue.length > 0,
  },
}).createMachine({
  id: 'iommu',
  context: ({ input }) => ({
    ...input,
    objs: {},
    seq: 0,
    table: {},
    pcache: {},
    iotlb: {},
    tlbPasid: {},
    pwc: {},
    gen: {},
    prq: [],
    irqPending: false,
    walk: null,
    walkQueue: [],
  }),
  on: {
    intel_iommu_enable_pasid: { actions: 'intel_iommu_enable_pasid' },
    pasid_table_set: { actions: 'pasid_table_set' },
    pasid_table_clear: { actions: 'pasid_table_clear' },
    qi_submit_sync: { actions: 'qi_submit_sync' },
    page_request: { actions: 'prq_enqueue' },
    prq_next: { actions: 'prq_next' },
    qi_page_response: { actions: 'qi_page_response' },
  },
  initial: 'translate',
  states: {
    // The translation unit: one page walk at a time, hits served at once.
    translate: {
      always: { guard: 'walkQueued', actions: 'nextWalk' },
      on: {
        dma_map: [
          { guard: 'iotlbHit', actions: 'iotlb_hit' },
          { guard: 'pasidPresent', target: 'page_walk', actions: 'page_walk' },
          { actions: 'pasid_not_present' },
        ],
      },
    },
    // A walk in flight: translations wait, and so does an invalidation — hardware completes it
    // only once the walks in flight are done, so nothing walks what the flush has let go of.
    page_walk: {
      on: {
        dma_map: { actions: 'queueWalk' },
        qi_submit_sync: { actions: 'queueWalk' },
        'ret.iommu_walk': { target: 'translate', actions: 'walk_done' },
      },
    },
  },
});
