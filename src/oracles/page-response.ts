// The page response must say what prq_event_thread found: the PRI contract seen from the kernel
// side. Followed from the trace, request by request, through the fault thread's own returns:
// no svm for the PASID (idr_find) → Response Failure; a supervisor svm, a failed pin
// (mmget_not_zero), no VMA covering the address (find_extend_vma) or a failed handle_mm_fault →
// Invalid; a fault handled → Success. Anything else — a fault served but answered Invalid (the
// device's DMA fails for a mapped page), Success for a fault never served, or an answer given
// before the thread looked — is a violation.
import type { TraceEvent } from '../runtime/types.ts';
import type { Oracle, Violation } from './types.ts';

type Want = 'SUCCESS' | 'INVALID' | 'FAILURE' | 'undecided';

/** What the thread's returns so far say the answer must be. */
function next(want: Want, ev: TraceEvent, addr: number, write: boolean): Want {
  const a = ev.args;
  switch (ev.event) {
    case 'ret.idr_find':
      return a.svm === null ? 'FAILURE' : a.mm === null ? 'INVALID' : 'undecided';
    case 'ret.mmget_not_zero':
      return a.ok === true ? 'undecided' : 'INVALID';
    case 'ret.find_extend_vma':
      // No VMA covering the address, or access_error (a write to a read-only mapping): invalid.
      return a.vma === null || addr < Number(a.start) || (a.ro === true && write) ? 'INVALID' : 'undecided';
    case 'ret.handle_mm_fault':
      return a.ok === true ? 'SUCCESS' : 'INVALID';
    default:
      return want;
  }
}

export const pageResponse: Oracle = ({ trace, views }) => {
  const threads = new Set(views.filter((v) => v.kind === 'faultHandler').map((v) => v.id));
  // A run cut where it met a state seen before has no views: no thread to follow.
  if (!threads.size) return [];
  const out: Violation[] = [];
  const cur = new Map<string, { addr: number; write: boolean; want: Want }>();
  for (const ev of trace) {
    if (threads.has(ev.to) && ev.event === 'ret.prq_next') {
      const req = ev.args.req as { addr?: unknown; write?: unknown } | null;
      if (req) cur.set(ev.to, { addr: Number(req.addr), write: req.write === true, want: 'undecided' });
      else cur.delete(ev.to);
    } else if (threads.has(ev.to) && cur.has(ev.to)) {
      // Once the answer is decided the thread must not go on looking (a fault served after
      // find_extend_vma found no VMA is answered wrongly whatever it says).
      const c = cur.get(ev.to)!;
      if (c.want === 'undecided') c.want = next(c.want, ev, c.addr, c.write);
    } else if (threads.has(ev.from) && ev.event === 'qi_page_response' && cur.has(ev.from)) {
      const { want, addr } = cur.get(ev.from)!;
      const got = String(ev.args.result);
      if (got !== want) {
        const why = want === 'undecided' ? 'before it had looked the fault up' : `where what it found calls for ${want}`;
        out.push({ oracle: 'page-response', message: `BUG: prq_event_thread answered the page request for PASID ${String(ev.args.pasid)} at page ${addr} with ${got}, ${why}`, step: ev.step, actors: [ev.from, String(ev.args.dev)] });
      }
      cur.delete(ev.from);
    }
  }
  return out;
};
