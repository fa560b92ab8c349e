// The page response must say what prq_event_thread found: the PRI contract seen from the kernel
// side. Followed from the trace, request by request, through the fault thread's own returns:
// no svm for the PASID (idr_find) → Response Failure; a supervisor svm, a failed pin
// (mmget_not_zero), no VMA covering the address (find_extend_vma) or a failed handle_mm_fault →
// Invalid; a fault handled → Success. Anything else — a fault served but answered Invalid (the
// device's DMA fails for a mapped page), Success for a fault never served, or an answer given
// before the thread looked — is a violation.
// What the thread found is itself checked against the trace: find_extend_vma must return the VMA
// that mmap_region put at the address (and none once do_munmap took it away), while the mm's VMA
// list is settled (no mmap_region or do_munmap in flight, no exit_mmap begun).
// And from the device's side: a translation answers what the walk found (a page: the DMA is done;
// none: it faults), a device page-requests only what faulted, and a Success for its outstanding
// request makes it retry the DMA unless the driver stopped the PASID (dma_stop). End to end: a
// waited DMA (dma_submit with wait) to a page its mm maps, and may access so, returns only once
// each of its jobs has reached the page, as asked (read or write), unless something took the
// mapping, the PASID or the device's PRI away meanwhile, or its request was found to be for a
// supervisor PASID (svm->mm NULL: the entry walks init_mm, which maps no user address, and the
// thread answers from bad_req), or a fault was injected in the run. A posted DMA is issued at some point unless dma_stop cancels it.
import type { TraceEvent } from '../runtime/types.ts';
import type { Oracle, Violation } from './types.ts';
import { isCanonical } from '../../machines/objects.ts';

/** `unowned`: a request no svm owns (no PASID, or a PASID not in use): FAILURE at 4.4, INVALID
 * from 3aa7c62cb7d7 (v5.12); the spec allows either, so either is right. */
type Want = 'SUCCESS' | 'INVALID' | 'FAILURE' | 'unowned' | 'undecided';
const fits = (want: Want, got: string): boolean => got === want || (want === 'unowned' && (got === 'FAILURE' || got === 'INVALID'));

/** What the thread's returns so far say the answer must be. */
function next(want: Want, ev: TraceEvent, addr: number, write: boolean, exe = false): Want {
  const a = ev.args;
  switch (ev.event) {
    case 'ret.idr_find':
      // A non-canonical address is INVALID on every kernel: the check (9d8c3af31607 on) or no VMA.
      return a.svm === null ? 'unowned' : a.mm === null || !isCanonical(addr) ? 'INVALID' : 'undecided';
    case 'ret.mmget_not_zero':
      return a.ok === true ? 'undecided' : 'INVALID';
    case 'ret.find_extend_vma':
      // No VMA covering the address, or access_error (a write to a read-only mapping, an execute
      // request: no VMA of the model is VM_EXEC): invalid.
      return a.vma === null || addr < Number(a.start) || (a.ro === true && write) || exe ? 'INVALID' : 'undecided';
    case 'ret.handle_mm_fault':
      return a.ok === true ? 'SUCCESS' : 'INVALID';
    default:
      return want;
  }
}

const EXITING = /exit_mmap|defunct|freed/;
/** A dma_submit's jobs are execute requests (exe_req): no VMA of the model is VM_EXEC, so the
 * device is owed nothing (access_error). */
const execute = (request: unknown): boolean => (request as { exe_req?: boolean } | undefined)?.exe_req === true;

interface MappedVma { id: string; start: number; end: number; ro: boolean }

/** Each mm's VMAs as the trace shows them: mmap_region adds one, do_munmap takes one away. */
class VmaLists {
  private vmas = new Map<string, MappedVma[]>();
  /** mmap_region / do_munmap in flight per mm (their caller), and the mms exit_mmap has begun. */
  private busy = new Map<string, string>();
  private exiting = new Set<string>();
  /** Bumped at every change to an mm's list: a waited DMA compares it at its start and end. */
  private gen = new Map<string, number>();
  genOf(mm: string): number {
    return this.exiting.has(mm) ? -1 : (this.gen.get(mm) ?? 0);
  }
  isMm(id: string): boolean {
    return this.vmas.has(id) || this.busy.has(id) || this.exiting.has(id);
  }
  apply(ev: TraceEvent): void {
    const a = ev.args;
    if (ev.event === 'mmap_region' || ev.event === 'do_munmap') this.gen.set(ev.to, (this.gen.get(ev.to) ?? 0) + 1);
    if (ev.event === 'mmap_region') {
      this.busy.set(ev.to, ev.from);
      this.vmas.set(ev.to, [...(this.vmas.get(ev.to) ?? []), { id: String(a.vma), start: Number(a.start), end: Number(a.end), ro: a.ro === true }]);
    } else if (ev.event === 'do_munmap') {
      this.busy.set(ev.to, ev.from);
      this.vmas.set(ev.to, (this.vmas.get(ev.to) ?? []).filter((v) => v.id !== String(a.vma)));
    } else if ((ev.event === 'ret.mmap_region' || ev.event === 'ret.do_munmap') && this.busy.get(ev.from) === ev.to) this.busy.delete(ev.from);
    if (this.vmas.has(ev.to) && !this.exiting.has(ev.to) && EXITING.test(ev.state)) this.exiting.add(ev.to);
  }
  /** The VMA covering `addr` in `mm`, or undefined when the list is not settled. */
  covering(mm: string, addr: number): MappedVma | null | undefined {
    if (this.busy.has(mm) || this.exiting.has(mm) || !this.vmas.has(mm)) return undefined;
    return this.vmas.get(mm)!.find((v) => v.start <= addr && addr < v.end) ?? null;
  }
}

/** A waited dma_submit the device has in hand. */
interface Waited { ev: TraceEvent; left: number; owed: boolean; mm: string; gen: number }

const NONE: readonly (TraceEvent | undefined)[] = [];

/** A fault was injected somewhere in the run (plain loops: this runs on every judged run). */
function anyFault(trace: readonly TraceEvent[]): boolean {
  for (let i = 0; i < trace.length; i++) {
    const fx = trace[i]!.effects;
    for (let j = 0; j < fx.length; j++) if (fx[j]!.op === 'fault') return true;
  }
  return false;
}

export const pageResponse: Oracle = ({ trace, views, quiescent }) => {
  const threads = new Set(views.filter((v) => v.kind === 'faultHandler').map((v) => v.id));
  const devices = new Set(views.filter((v) => v.kind === 'dma').map((v) => v.id));
  // A run cut where it met a state seen before has no views: no thread or device to follow.
  if (!threads.size && !devices.size) return [];
  const out: Violation[] = [];
  const cur = new Map<string, { addr: number; write: boolean; exe: boolean; want: Want; dev: string; pasid: unknown }>();
  const lists = new VmaLists();
  // A step's event: the trace holds step s at index s (a trace given otherwise is searched).
  const byStep = { get: (s: number): TraceEvent | undefined => (trace[s]?.step === s ? trace[s] : trace.find((e) => e.step === s)) };
  /** Per device: its state after its last delivery, its outstanding page request, the PASIDs
   * stopped (dma_stop, until a dma_submit hands the PASID out again: whenever the request was
   * sent or delivered, a stopped PASID's job is dropped), and the Success responses that must
   * lead to a retried DMA. */
  const state = new Map<string, string>();
  const asked = new Map<string, { pasid: unknown; addr: unknown; prg: unknown }>();
  const stopped = new Map<string, Set<unknown>>();
  const mustRetry = new Map<number, { dev: string; pasid: unknown; addr: unknown }>();
  /** Per device: the step at which it last left a page request (answered or given up on). */
  const leftAt = new Map<string, number>();
  /** Per device: the waited submits in hand (any number, in submit order), the jobs each still
   * needs done, and whether it is owed. */
  const waited = new Map<string, Waited[]>();
  const lastMap = new Map<string, { addr: unknown; write: unknown }>();
  const posted = new Map<string, { pasid: unknown; addr: unknown; step: number }[]>();
  /** Devices a Response Failure turned PRI off on. */
  const priOff = new Set<string>();
  const faulted = anyFault(trace);
  const bad = (ev: TraceEvent, message: string, actors: string[]) => out.push({ oracle: 'page-response', message: `BUG: ${message}`, step: ev.step, actors });
  for (const ev of trace) {
    const cause = ev.cause === null ? undefined : byStep.get(ev.cause);
    if (threads.has(ev.to) && ev.event === 'ret.prq_next') {
      const req = ev.args.req as { addr?: unknown; write?: unknown; exe_req?: unknown; pasid_present?: unknown; dev?: unknown; pasid?: unknown } | null;
      if (req) cur.set(ev.to, { addr: Number(req.addr), write: req.write === true, exe: req.exe_req === true, want: req.pasid_present === false ? 'unowned' : 'undecided', dev: String(req.dev), pasid: req.pasid });
      else cur.delete(ev.to);
    } else if (threads.has(ev.to) && cur.has(ev.to)) {
      // Once the answer is decided the thread must not go on looking (a fault served after
      // find_extend_vma found no VMA is answered wrongly whatever it says).
      const c = cur.get(ev.to)!;
      if (ev.event === 'ret.find_extend_vma' && lists.isMm(ev.from)) {
        const v = lists.covering(ev.from, c.addr);
        const got = ev.args.vma === null ? null : String(ev.args.vma);
        if (v !== undefined && (v?.id ?? null) !== got) bad(ev, `find_extend_vma(${ev.from}, ${c.addr}) returned ${got ?? 'no VMA'} where the mm maps ${v?.id ?? 'nothing'}`, [ev.to, ev.from]);
        else if (v && v.ro !== (ev.args.ro === true)) bad(ev, `find_extend_vma(${ev.from}, ${c.addr}) returned ${got} ${v.ro ? 'writable' : 'read-only'}, which mmap_region mapped ${v.ro ? 'read-only' : 'writable'}`, [ev.to, ev.from]);
      }
      // A supervisor svm: the device's waited jobs of that PASID are owed nothing (the answer
      // comes before the device's return, so every order of the run sees it first).
      if (ev.event === 'ret.idr_find' && ev.args.svm !== null && ev.args.mm === null) for (const w of waited.get(c.dev) ?? []) if (w.ev.args.pasid === c.pasid) w.owed = false;
      if (c.want === 'undecided') c.want = next(c.want, ev, c.addr, c.write, c.exe);
    } else if (threads.has(ev.from) && ev.event === 'qi_page_response' && cur.has(ev.from)) {
      const { want, addr } = cur.get(ev.from)!;
      const got = String(ev.args.result);
      if (!fits(want, got)) {
        const why = want === 'undecided' ? 'before it had looked the fault up' : `where what it found calls for ${want}`;
        bad(ev, `prq_event_thread answered the page request for PASID ${String(ev.args.pasid)} at page ${addr} with ${got}, ${why}`, [ev.from, String(ev.args.dev)]);
      }
      cur.delete(ev.from);
    }
    // The device's side.
    if (devices.has(ev.to)) {
      const d = ev.to;
      const before = state.get(d);
      state.set(d, ev.state);
      const ws = waited.get(d) ?? [];
      if (ev.event === 'dma_stop') stopped.set(d, (stopped.get(d) ?? new Set()).add(ev.args.pasid));
      else if (ev.event === 'dma_submit') stopped.get(d)?.delete(ev.args.pasid);
      if (ev.event === 'ret.dma_map' && ev.args.ok === true) {
        // The device works its queue in order: the job done is the first waited one it matches.
        const m = lastMap.get(d);
        const w = m && ws.find((x) => x.left > 0 && ev.args.pasid === x.ev.args.pasid && m.addr === x.ev.args.addr && (m.write === true) === (x.ev.args.write === true));
        if (w) w.left--;
      }
      // A stop cancels its PASID's jobs; a Response Failure turns PRI off for all.
      for (const w of ws) if ((ev.event === 'dma_stop' && ev.args.pasid === w.ev.args.pasid) || (ev.event === 'page_response' && ev.args.result === 'FAILURE')) w.owed = false;
      // ... for good (dma.ts: nothing turns it back on): a submit after it is owed nothing either.
      if (ev.event === 'page_response' && ev.args.result === 'FAILURE') priOff.add(d);
      if (ev.event === 'dma_submit' && ev.args.wait === true) {
        const mm = String(ev.args.forMm);
        const v = lists.covering(mm, Number(ev.args.addr));
        waited.set(d, [...ws, { ev, left: Number(ev.args.count ?? 1), owed: !faulted && !priOff.has(d) && !!v && !(v.ro && ev.args.write === true) && !execute(ev.args.request), mm, gen: lists.genOf(mm) }]);
      }
      // A translation done reached a page, the way the device asked (an IOTLB hit in the dma_map
      // itself, a walk in the iommu_walk before its return).
      // (A translation queued behind a walk runs in the delivery that ended that walk: both looked at.)
      const done = ev.event === 'ret.dma_map' && ev.args.ok === true && cause ? [cause, cause.cause === null ? undefined : byStep.get(cause.cause)] : NONE;
      const how = done.length && lastMap.get(d)?.write === true ? 'dma-write' : 'dma-read';
      if (done.length && !done.some((c) => c?.effects.some((e) => e.op === 'access' && e.how === how && String(e.obj).startsWith('page#')))) bad(ev, `the IOMMU answered ${d}'s DMA for PASID ${String(ev.args.pasid)} done without a ${how} of a page`, [ev.from, d]);
      else if (ev.event === 'ret.dma_map' && cause?.event === 'ret.iommu_walk' && (cause.args.page !== null) !== (ev.args.ok === true)) {
        bad(ev, `the IOMMU answered ${d}'s DMA for PASID ${String(ev.args.pasid)} ${ev.args.ok === true ? 'done' : 'faulted'} where the page walk found ${cause.args.page === null ? 'no page' : String(cause.args.page)}`, [ev.from, d]);
      } else if (ev.event === 'dma_submit' && ev.args.wait !== true) {
        const jobs = Array.from({ length: Number(ev.args.count ?? 1) }, () => ({ pasid: ev.args.pasid, addr: ev.args.addr, step: ev.step }));
        posted.set(d, [...(posted.get(d) ?? []), ...jobs]);
      } else if (ev.event === 'dma_stop') {
        posted.set(d, (posted.get(d) ?? []).filter((j) => j.pasid !== ev.args.pasid));
      } else if (ev.event === 'page_response' && ev.args.result === 'SUCCESS' && before === 'page_request') {
        const q = asked.get(d);
        if (q && !stopped.get(d)?.has(q.pasid) && q.pasid === ev.args.pasid && q.addr === ev.args.addr && q.prg === ev.args.prg) mustRetry.set(ev.step, { dev: d, pasid: q.pasid, addr: q.addr });
      }
      // The device left its page request (answered, or given up on at a device-timeout): a late
      // response is not for a request it has out, whatever the next one is (sent, maybe not yet delivered).
      if (before === 'page_request' && ev.state !== 'page_request') {
        asked.delete(d);
        leftAt.set(d, ev.step);
      }
    }
    if (devices.has(ev.from)) {
      if (ev.event === 'page_request') {
        // Out only if the device has not left that request since it sent it (a request delivered
        // after its device-timeout fired is one the device no longer waits for).
        if (ev.cause === null || (leftAt.get(ev.from) ?? -1) < ev.cause) asked.set(ev.from, { pasid: ev.args.pasid, addr: ev.args.addr, prg: ev.args.prg });
        if (cause?.event === 'ret.dma_map' && cause.args.ok === true) bad(ev, `${ev.from} page-requested PASID ${String(ev.args.pasid)} page ${String(ev.args.addr)} though its DMA had been translated`, [ev.from]);
      } else if (ev.event === 'dma_map') {
        lastMap.set(ev.from, { addr: ev.args.addr, write: ev.args.write });
        const jobs = posted.get(ev.from) ?? [];
        const i = jobs.findIndex((j) => j.pasid === ev.args.pasid && j.addr === ev.args.addr);
        if (i >= 0) posted.set(ev.from, [...jobs.slice(0, i), ...jobs.slice(i + 1)]);
        if (ev.cause !== null) mustRetry.delete(ev.cause);
      } else if (ev.event === 'ret.dma_submit' && waited.get(ev.from)?.some((x) => x.ev.from === ev.to)) {
        const ws = waited.get(ev.from)!;
        const w = ws.find((x) => x.ev.from === ev.to)!;
        waited.set(ev.from, ws.filter((x) => x !== w));
        if (w.owed && w.left > 0 && lists.genOf(w.mm) === w.gen) {
          const a = w.ev.args;
          bad(ev, `dma_submit on ${ev.from} (PASID ${String(a.pasid)}, page ${String(a.addr)}, ${a.write === true ? 'write' : 'read'} ×${String(a.count ?? 1)}, waited) returned with ${w.left} job(s) not done, though ${w.mm} maps the page`, [ev.from, ev.to]);
        }
      }
    }
    lists.apply(ev);
  }
  // A retry still in flight when a run is cut is no violation: judged on finished runs only.
  if (quiescent && !faulted) {
    for (const [dev, jobs] of posted) for (const j of jobs) out.push({ oracle: 'page-response', message: `BUG: ${dev} never issued the DMA posted for PASID ${String(j.pasid)} page ${String(j.addr)}, and no dma_stop cancelled it`, step: j.step, actors: [dev] });
  }
  if (quiescent) {
    for (const [step, r] of mustRetry) {
      out.push({ oracle: 'page-response', message: `BUG: ${r.dev} got Success for its page request (PASID ${String(r.pasid)}, page ${String(r.addr)}) and dropped the DMA instead of retrying it`, step, actors: [r.dev] });
    }
  }
  return out;
};

/** What pageResponse reads of one delivery, for the partial-order reduction's visibility condition
 * (src/engine/dependence.ts): keys it reads (false) or changes (true). Two deliveries of which one
 * changes a key the other reads or changes are kept in their order in every run the reduction
 * keeps, so the oracle follows the same history on each (the trace oracle is the reduction's
 * "never claim": G. J. Holzmann, "The Model Checker SPIN", IEEE TSE 23(5), 1997, §5; condition
 * C2 of E. M. Clarke, O. Grumberg, D. Peled, "Model Checking", 1999, ch. 10). What it follows:
 * each device's and each fault thread's own history (every delivery to or from one), each mm's
 * VMA list (mmap_region, do_munmap, the mm's state: deliveries to it, and the returns it sends
 * that end a call), and the readers of a list: find_extend_vma's return, a waited dma_submit
 * (its forMm) and its return (any mm's). Keep it beside the oracle: a new read there is a key here. */
export function pageResponseKeys(ev: { from: string; to: string; event: string; args: Record<string, unknown> }, kindOf: (id: string) => string | undefined, mms: readonly string[]): [string, boolean][] {
  const out: [string, boolean][] = [];
  for (const id of [ev.from, ev.to]) {
    const k = kindOf(id);
    if (k === 'dma' || k === 'faultHandler') out.push([`v:${id}`, true]);
  }
  if (kindOf(ev.to) === 'mm') out.push([`v:${ev.to}`, true]);
  if (kindOf(ev.from) === 'mm') {
    if (ev.event === 'ret.mmap_region' || ev.event === 'ret.do_munmap') out.push([`v:${ev.from}`, true]);
    else if (ev.event === 'ret.find_extend_vma') out.push([`v:${ev.from}`, false]);
  }
  if (kindOf(ev.to) === 'dma' && ev.event === 'dma_submit' && typeof ev.args.forMm === 'string') out.push([`v:${ev.args.forMm}`, false]);
  if (kindOf(ev.from) === 'dma' && ev.event === 'ret.dma_submit') for (const mm of mms) out.push([`v:${mm}`, false]);
  return out;
}
