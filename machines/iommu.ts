// The VT-d hardware: the PASID table (each entry → an mm's PGD), the PASID cache, the IOTLB with its
// paging-structure cache, the page-request queue (PRQ) and queued invalidation (qi_submit_sync,
// complete before the driver's next step). Translation looks in the IOTLB, then the PASID cache or
// table, then walks the page tables; a stale cache is exactly what intel_mm_release must flush.
import { assign, emit, enqueueActions, setup } from 'xstate';
import { access, callerOf, ret, send } from './emit.ts';
import { obj, patch, type Objs } from './objects.ts';
import { devIotlbCovers, eiotlbCovers, type DevHw, type QiDesc } from './qi.ts';
import { emptyPrq, prqAt, prqReceive, prqRebase, prqWriteHead, type Prq } from './prq.ts';

interface Entry {
  pgd: string;
  /** The mm whose page tables the entry points at; null with SRE: init_mm's (a supervisor PASID). */
  mm: string | null;
  entry: string;
  /** The PASID object and svm the entry was set for. */
  pasidObj: string;
}
interface Walk {
  from: string;
  did: number;
  sid: number;
  ats: boolean;
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
  /** Each device's DID, SID, ATS and queue depth (what intel_iommu_enable_pasid reads). */
  devHw: Record<string, DevHw>;
  /** Only with response faults allowed: the devices whose page responses go through the fault
   * injector (machines/injector.ts), and which faults it may inject there. */
  inject?: { to: string; devices: Record<string, string[]> };
  objs: Objs;
  seq: number;
  table: Record<string, Entry>;
  /** PASID cache, tagged `did:pasid` (the extended context entry's DID and the PASID). */
  pcache: Record<string, Entry>;
  /** IOTLB, tagged `did:pasid:page` → page object. */
  iotlb: Record<string, string>;
  /** Each ATS device's own device TLB (ATC), `sid:pasid:page` → page object: filled by that
   * device's own translations, cleared only by a device-IOTLB descriptor with its SID. Kept here
   * because the model's DMA path runs through this actor; a hit never consults the IOTLB. */
  devtlb: Record<string, string>;
  /** The PASID object each PASID's IOTLB entries were filled for. */
  tlbPasid: Record<string, string>;
  /** Paging-structure cache (`did:pasid`): the page table a PASID's last walk went through. */
  pwc: Record<string, string>;
  /** Invalidation generation per PASID: a walk that raced a flush fills no cache. */
  gen: Record<string, number>;
  /** The page request queue: ring, PQH/PQT, PPR/PRO (machines/prq.ts). */
  prq: Prq;
  walk: Walk | null;
  walkQueue: Ev[];
  /** 66ac4db36f4c (v5.8): struct completion iommu->prq_complete (done saturates at 1, as the
   * thread's `if (!completion_done(...)) complete(...)` keeps it; with a bare complete() done
   * would only grow past 1, which the reinit_completion before each scan hides), and the one
   * thread asleep on it. */
  prqComplete: { done: boolean; waiter: { from: string; fn: string } | null };
  /** A page-drain qi_submit_sync under way: its caller, waiting for the device's invalidation
   * completion (which PCIe orders behind the device's earlier page requests). */
  drain: { from: string; fn: string; tag: unknown } | null;
}
type Ev = { type: string; from?: string; [k: string]: unknown };

/** The caller's thread, when it gave one: a notifier callback's replies go back to its thread. */
const ctxOf = (event: Ev) => (event.ctx === undefined ? {} : { ctx: event.ctx });
const key = (tag: unknown, pasid: unknown, addr: unknown) => `${String(tag)}:${String(pasid)}:${String(addr)}`;
/** A key's fields: tag (DID or SID), PASID, page. */
const fields = (k: string) => k.split(':').map(Number) as [number, number, number];
/** The device a DMA comes from: its DID, SID and ATS (a device the scenario did not describe gets
 * DID 1, SID 0, no ATS). */
const hwOf = (c: Ctx, dev: string): DevHw => c.devHw?.[dev] ?? { did: 1, sid: 0, ats: false, qdep: 0 };
const pcKey = (did: number, pasid: unknown) => `${did}:${String(pasid)}`;
const without = <T,>(r: Record<string, T>, drop: (k: string) => boolean) =>
  Object.fromEntries(Object.entries(r).filter(([k]) => !drop(k)));
const uniq = (xs: string[]) => [...new Set(xs)].sort();

/** The caches as objects (owned by no process) whose links name what their entries point at: the
 * pages and PASIDs an IOTLB entry translates for, the PASIDs the PASID cache holds. Made at their
 * first fill, so a run that never fills one has no such object. */
function withCaches(c: Ctx, objs: Objs, iotlb: Record<string, string>, pcache: Record<string, Entry>, tlbPasid: Record<string, string>, devtlb: Record<string, string> = c.devtlb): Objs {
  const linksOf = (tlb: Record<string, string>) => uniq([...Object.values(tlb), ...Object.keys(tlb).map((k) => tlbPasid[String(fields(k)[1])]!)]);
  const pcLinks = uniq(Object.values(pcache).map((e) => e.pasidObj));
  const caches: [string, 'iotlb' | 'pasid-cache', string[]][] = [['iotlb', 'iotlb', linksOf(iotlb)], ['pasid-cache', 'pasid-cache', pcLinks]];
  // One object per ATS device's TLB, named by the device (kind iotlb: it translates the same way).
  for (const [dev, hw] of Object.entries(c.devHw ?? {})) {
    if (hw.ats) caches.push([`devtlb-${dev}`, 'iotlb', linksOf(without(devtlb, (k) => fields(k)[0] !== hw.sid))]);
  }
  let out = objs;
  for (const [id, kind, links] of caches) {
    const o = out[id];
    if (!o ? links.length > 0 : o.links!.join() !== links.join()) out = o ? patch(out, id, { links }) : { ...out, [id]: obj(kind, '', { links }) };
  }
  return out === c.objs ? c.objs : out;
}

export const iommuMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; prqThread: string; prqSize?: number; devHw?: Record<string, DevHw>; inject?: Ctx['inject'] } },
  actions: {
    // intel_iommu_enable_pasid: extended context entry → pasid_table; PASID/PRI/ATS on.
    // It fills sdev->did, sid, dev_iotlb and qdep from the device's domain and ATS state.
    intel_iommu_enable_pasid: emit(({ context, event }) => ret(callerOf(event), { ...hwOf(context, String(event.dev)) })),
    // pasid_table[pasid].val = __pa(pgd) | 1: a present entry (an object: leaks if never cleared).
    // With SRE (bit 11) it points at init_mm's pgd, which is never freed (no object to link).
    pasid_table_set: enqueueActions(({ context, event, enqueue }) => {
      const seq = context.seq + 1;
      const entry = `pasid-entry#${seq}`;
      const sre = event.sre === true;
      const links = [String(event.pasidObj), String(event.svm), ...(sre ? [] : [String(event.pgd)])];
      enqueue.assign({
        seq,
        table: { ...context.table, [String(event.pasid)]: { pgd: String(event.pgd), mm: sre ? null : String(event.mm), entry, pasidObj: String(event.pasidObj) } },
        objs: { ...context.objs, [entry]: obj('pasid-entry', String(event.owner), { pasid: event.pasid, pgd: event.pgd, ...(sre ? { sre: true } : {}), links }) },
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
      enqueue.emit(ret(callerOf(event), ctxOf(event)));
    }),
    // 66ac4db36f4c's page-drain, qi_submit_sync(iommu, desc, 3, QI_OPT_WAIT_DRAIN): the fenced
    // wait, the PASID's IOTLB entries (QI_GRAN_NONG_PASID, paging-structure caches too) and its
    // device-TLB entries at every address go; the device-TLB invalidation goes out to the device
    // (ats_invalidate) and the wait completes only with the device's invalidation completion:
    // VT-d spec 7.10, PCIe ordering makes it push the page requests the device issued before it,
    // so by then they are all in the PRQ. The model's other qi_submit_syncs complete at once.
    qi_submit_drain: enqueueActions(({ context, event, enqueue }) => {
      const d = event as unknown as Extract<QiDesc, { desc: 'drain' }>;
      const p = String(d.pasid);
      const gen = { ...context.gen, [p]: (context.gen[p] ?? 0) + 1 };
      const iotlb = without(context.iotlb, (k) => eiotlbCovers({ desc: 'eiotlb', did: d.did, pasid: d.pasid, gran: 'nong-pasid' }, ...fields(k)));
      const pwc = without(context.pwc, (k) => k === pcKey(d.did, d.pasid));
      const devtlb = without(context.devtlb, (k) => fields(k)[0] === d.sid && fields(k)[1] === d.pasid);
      const drain = { ...callerOf(event), tag: event.tag };
      enqueue.assign({ gen, iotlb, pwc, devtlb, drain, objs: withCaches(context, context.objs, iotlb, context.pcache, context.tlbPasid, devtlb) });
      enqueue.emit(send(d.dev, { type: 'ats_invalidate', sid: d.sid, pasid: d.pasid }));
    }),
    // The device's invalidation completion: every page request it sent before is in the PRQ;
    // the drain's wait descriptor completes, qi_submit_sync returns.
    ats_invalidate_complete: enqueueActions(({ context, enqueue }) => {
      const d = context.drain;
      if (!d) return;
      enqueue.assign({ drain: null });
      enqueue.emit(ret(d, { tag: d.tag }));
    }),
    // 66ac4db36f4c's scan, one step (pure reads and the waiter's own reinit): reinit_completion(
    // &iommu->prq_complete); tail = PQT; head = PQH; while (head != tail) a request with
    // pasid_present and this PASID at iommu->prq[head]? (the ring between PQH and PQT is only
    // written by the hardware beyond PQT, and the thread moves PQH by writing it).
    prq_scan: enqueueActions(({ context, event, enqueue }) => {
      const pending = context.prq.live.some((r) => r.pasid_present !== false && r.pasid === event.pasid);
      if (context.prqComplete.done) enqueue.assign({ prqComplete: { ...context.prqComplete, done: false } });
      enqueue.emit(ret(callerOf(event), { head: context.prq.pqh, tail: context.prq.pqt, pending }));
    }),
    // wait_for_completion(&iommu->prq_complete): done is taken at once, else the caller sleeps.
    wait_for_completion: enqueueActions(({ context, event, enqueue }) => {
      if (context.prqComplete.done) {
        enqueue.assign({ prqComplete: { done: false, waiter: null } });
        enqueue.emit(ret(callerOf(event)));
      } else enqueue.assign({ prqComplete: { done: false, waiter: callerOf(event) } });
    }),
    // prq_event_thread: if (!completion_done(&iommu->prq_complete)) complete(...): wakes the
    // sleeper, or leaves done set for the next wait.
    complete: enqueueActions(({ context, enqueue }) => {
      const w = context.prqComplete.waiter;
      if (w) {
        enqueue.assign({ prqComplete: { done: false, waiter: null } });
        enqueue.emit(ret(w));
      } else if (!context.prqComplete.done) enqueue.assign({ prqComplete: { done: true, waiter: null } });
    }),
    // qi_submit_sync(desc) (dmar.c, 4.4): the descriptor and an invalidation-wait descriptor go
    // in the queue, the tail register is written, and the driver spins until the wait's status
    // reads done: on return the descriptor has taken effect (a device-IOTLB one included: the wait
    // completes after the device's ATS invalidation completion). Each descriptor is applied as the
    // VT-d specification defines its fields (machines/qi.ts), not as the caller meant it.
    qi_submit_sync: enqueueActions(({ context, event, enqueue }) => {
      const d = event as unknown as QiDesc;
      const p = String(d.pasid);
      const gen = { ...context.gen, [p]: (context.gen[p] ?? 0) + 1 };
      if (d.desc === 'pasid-cache') {
        // QI_PC_PASID_SEL: the PASID-cache entries with this DID and PASID.
        const pcache = without(context.pcache, (k) => k === pcKey(d.did, d.pasid));
        enqueue.assign({ gen, pcache, objs: withCaches(context, context.objs, context.iotlb, pcache, context.tlbPasid) });
      } else if (d.desc === 'eiotlb') {
        const hit = (k: string) => eiotlbCovers(d, ...fields(k));
        const iotlb = without(context.iotlb, hit);
        // IH = 0 (and every non-page-selective granularity) also drops the paging-structure
        // caches for the PASID; IH = 1 keeps them (only leaf entries changed).
        const pwc = d.ih === 1 ? context.pwc : without(context.pwc, (k) => k === pcKey(d.did, d.pasid) || (d.gran === 'all-all' && k.startsWith(`${d.did}:`)));
        enqueue.assign({ gen, iotlb, pwc, objs: withCaches(context, context.objs, iotlb, context.pcache, context.tlbPasid) });
      } else if (d.desc === 'dev-eiotlb') {
        const devtlb = without(context.devtlb, (k) => devIotlbCovers(d, ...fields(k)));
        enqueue.assign({ gen, devtlb, objs: withCaches(context, context.objs, context.iotlb, context.pcache, context.tlbPasid, devtlb) });
      }
      enqueue.emit(ret(callerOf(event), { tag: event.tag, ...ctxOf(event) }));
    }),
    // A DMA translation: a device-TLB hit (ATS: the device sends the request translated) or an
    // IOTLB hit goes straight to the page.
    iotlb_hit: enqueueActions(({ context, event, enqueue }) => {
      const hw = hwOf(context, String(event.from));
      const page = (hw.ats ? context.devtlb[key(hw.sid, event.pasid, event.addr)] : undefined) ?? context.iotlb[key(hw.did, event.pasid, event.addr)]!;
      enqueue.emit(access(page, event.write ? 'dma-write' : 'dma-read', String(event.forMm)));
      enqueue.emit(ret(callerOf(event), { ok: true, pasid: event.pasid }));
    }),
    pasid_not_present: emit(({ event }) => ret(callerOf(event), { ok: false, fault: 'pasid-not-present', pasid: event.pasid })),
    // A walk of init_mm's page tables (an SRE entry): the model maps no kernel memory, and init_mm
    // maps no user address, so every address faults: a page request, answered from bad_req.
    init_mm_walk: enqueueActions(({ context, event, enqueue }) => {
      const pk = pcKey(hwOf(context, String(event.from)).did, event.pasid);
      const e = context.pcache[pk] ?? context.table[String(event.pasid)]!;
      const pcache = { ...context.pcache, [pk]: e };
      enqueue.assign({ pcache, objs: withCaches(context, context.objs, context.iotlb, pcache, context.tlbPasid) });
      enqueue.emit(ret(callerOf(event), { ok: false, fault: 'page-not-present', pasid: event.pasid }));
    }),
    // A request without PASID is translated by the device's domain (second-level tables), which
    // the model leaves empty (the driver maps nothing there for SVM): it always faults.
    second_level_fault: emit(({ event }) => ret(callerOf(event), { ok: false, fault: 'second-level', pasid: event.pasid })),
    // A miss: the PASID cache (filled from the table), then a page walk from the entry's PGD.
    page_walk: enqueueActions(({ context, event, enqueue }) => {
      const p = String(event.pasid);
      const hw = hwOf(context, String(event.from));
      const pk = pcKey(hw.did, p);
      const e = context.pcache[pk] ?? context.table[p]!;
      const walk: Walk = { ...callerOf(event), did: hw.did, sid: hw.sid, ats: hw.ats, pasid: Number(event.pasid), addr: Number(event.addr), write: !!event.write, forMm: String(event.forMm), gen: context.gen[p] ?? 0, pasidObj: e.pasidObj };
      const pcache = { ...context.pcache, [pk]: e };
      enqueue.assign({ walk, pcache, objs: withCaches(context, context.objs, context.iotlb, pcache, context.tlbPasid) });
      enqueue.emit(send(e.mm!, { type: 'iommu_walk', pgd: e.pgd, pt: context.pwc[pk] ?? null, addr: event.addr, write: !!event.write, forMm: event.forMm, pasid: event.pasid }));
    }),
    // The walk came back: fill the IOTLB unless an invalidation raced it, answer the device.
    walk_done: enqueueActions(({ context, event, enqueue }) => {
      const w = context.walk!;
      const p = String(w.pasid);
      const page = (event.page as string | null) ?? null;
      // One assign: each one costs xstate a new snapshot.
      if (page && (context.gen[p] ?? 0) === w.gen) {
        // The translation fills the IOTLB (tagged with the device's DID) and, for an ATS
        // translation request, the requesting device's own TLB (its SID).
        const iotlb = { ...context.iotlb, [key(w.did, p, w.addr)]: page };
        const devtlb = w.ats ? { ...context.devtlb, [key(w.sid, p, w.addr)]: page } : context.devtlb;
        const tlbPasid = { ...context.tlbPasid, [p]: w.pasidObj };
        enqueue.assign({ iotlb, devtlb, tlbPasid, pwc: { ...context.pwc, [pcKey(w.did, p)]: String(event.pt) }, walk: null, objs: withCaches(context, context.objs, iotlb, context.pcache, tlbPasid, devtlb) });
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
    // The device's page request: written at PQT, pr_irq on PPR's 0 -> 1 edge; with PRO set or the
    // ring full, dropped, PRO set, and answered Success by the hardware (machines/prq.ts).
    prq_enqueue: enqueueActions(({ context, event, enqueue }) => {
      const { type: _t, from: _f, ...req } = event;
      // The descriptor carries the requester id (bus, devfn) of the TLP that brought the request.
      const sid = context.devHw?.[String(event.from)]?.sid;
      const r = prqReceive(context.prq, { ...req, dev: event.from, ...(sid !== undefined ? { sid } : {}) });
      enqueue.assign({ prq: r.q });
      if (r.irq) enqueue.emit(send(context.prqThread, { type: 'pr_irq' }));
      if (r.autoRespond) enqueue.emit(send(String(event.from), { type: 'page_response', pasid: event.pasid, addr: event.addr, result: 'SUCCESS', ...(event.prg !== undefined ? { prg: event.prg } : {}) }));
    }),
    // DMAR_PRS_REG write of DMA_PRS_PPR (write 1 to clear): PPR clear, the next request raises pr_irq.
    writel_prs_ppr: enqueueActions(({ context, event, enqueue }) => {
      if (context.prq.ppr) enqueue.assign({ prq: { ...context.prq, ppr: false } });
      enqueue.emit(ret(callerOf(event)));
    }),
    // dmar_readq(PQT), dmar_readq(PQH): the registers as they are now.
    dmar_readq_pq: emit(({ context, event }) => ret(callerOf(event), { head: context.prq.pqh, tail: context.prq.pqt })),
    // prq_event_thread reads the descriptor at its head (memory, not a register).
    prq_next: emit(({ context, event }) => ret(callerOf(event), { req: prqAt(context.prq, Number(event.head)) })),
    // dmar_writeq(PQH, tail): the ring up to tail is free for the hardware again. The model then
    // keeps the ring in PQH's frame (prqRebase: PQH reads 0 from here on, PQT the queue's length).
    dmar_writeq_pqh: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ prq: prqRebase(prqWriteHead(context.prq, Number(event.tail))) });
      enqueue.emit(ret(callerOf(event)));
    }),
    // Page Group Response (qi_submit_sync): the device gets the result for its request. With a
    // response fault allowed for the device, the response travels through the fault injector,
    // where the scheduler decides whether it arrives, is lost, or arrives twice.
    // It goes to the requester id in the descriptor (QI_PGRP_DID((req->bus << 8) | req->devfn)):
    // the device with that SID.
    qi_page_response: enqueueActions(({ context, event, enqueue }) => {
      const bySid = event.sid === undefined ? undefined : Object.keys(context.devHw ?? {}).find((d) => context.devHw[d]!.sid === event.sid);
      const dev = bySid ?? String(event.dev);
      const prg = event.prg !== undefined ? { prg: event.prg } : {};
      const response = { type: 'page_response', pasid: event.pasid, addr: event.addr, result: event.result, ...prg };
      const kinds = context.inject?.devices[dev];
      enqueue.emit(kinds ? send(context.inject!.to, { type: 'inject', to: dev, event: response, kinds }) : send(dev, response));
      enqueue.emit(ret(callerOf(event)));
    }),
  },
  guards: {
    iotlbHit: ({ context, event }) => {
      const hw = hwOf(context, String(event.from));
      return (hw.ats && context.devtlb[key(hw.sid, event.pasid, event.addr)] !== undefined) || context.iotlb[key(hw.did, event.pasid, event.addr)] !== undefined;
    },
    pasidPresent: ({ context, event }) => !!(context.pcache[pcKey(hwOf(context, String(event.from)).did, event.pasid)] ?? context.table[String(event.pasid)]),
    walkQueued: ({ context }) => context.walkQueue.length > 0,
    // qi_submit_sync(..., QI_OPT_WAIT_DRAIN): intel_svm_drain_prq's page-drain.
    drainDesc: ({ event }) => event.desc === 'drain',
    // The drain's scan (dmar_readq_pq with the PASID to look for), not prq_event_thread's read.
    scanForPasid: ({ event }) => event.pasid !== undefined,
    withoutPasid: ({ event }) => event.pasid_present === false,
    supervisorEntry: ({ context, event }) => (context.pcache[pcKey(hwOf(context, String(event.from)).did, event.pasid)] ?? context.table[String(event.pasid)])?.mm === null,
  },
}).createMachine({
  id: 'iommu',
  context: ({ input }) => ({
    ...input,
    devHw: input.devHw ?? {},
    objs: {},
    seq: 0,
    table: {},
    pcache: {},
    iotlb: {},
    devtlb: {},
    tlbPasid: {},
    pwc: {},
    gen: {},
    prq: emptyPrq(input.prqSize ?? 256),
    walk: null,
    walkQueue: [],
    prqComplete: { done: false, waiter: null },
    drain: null,
  }),
  on: {
    intel_iommu_enable_pasid: { actions: 'intel_iommu_enable_pasid' },
    pasid_table_set: { actions: 'pasid_table_set' },
    pasid_table_clear: { actions: 'pasid_table_clear' },
    qi_submit_sync: [{ guard: 'drainDesc', actions: 'qi_submit_drain' }, { actions: 'qi_submit_sync' }],
    page_request: { actions: 'prq_enqueue' },
    writel_prs_ppr: { actions: 'writel_prs_ppr' },
    dmar_readq_pq: [{ guard: 'scanForPasid', actions: 'prq_scan' }, { actions: 'dmar_readq_pq' }],
    ats_invalidate_complete: { actions: 'ats_invalidate_complete' },
    wait_for_completion: { actions: 'wait_for_completion' },
    complete: { actions: 'complete' },
    prq_next: { actions: 'prq_next' },
    dmar_writeq_pqh: { actions: 'dmar_writeq_pqh' },
    qi_page_response: { actions: 'qi_page_response' },
  },
  initial: 'translate',
  states: {
    // The translation unit: one page walk at a time, hits served at once.
    translate: {
      always: { guard: 'walkQueued', actions: 'nextWalk' },
      on: {
        dma_map: [
          { guard: 'withoutPasid', actions: 'second_level_fault' },
          { guard: 'iotlbHit', actions: 'iotlb_hit' },
          { guard: 'supervisorEntry', actions: 'init_mm_walk' },
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
