// End-state checks for live objects too (kmemleak only looks at exited processes): at quiescence,
// no live object may point at a freed one, and a freed mm keeps no notifier. Covers a PASID entry
// present for a freed PASID or svm, a notifier registered on a freed svm (or left on a freed mm),
// a device still bound (sdev, the file's PASID) to a freed svm or PASID, and an IOTLB or
// PASID-cache entry for a freed page or PASID, and a page still mapped in a live mm where none of
// its VMAs is (a munmap whose zap missed it). The links come from the objects' own fields.
import type { ObjRecord, ObjState, ObjectTable } from '../trace/objects.ts';
import type { Oracle, Violation } from './types.ts';

/** What it means, by the live object's kind, that it points at a freed one. */
const WHAT: Partial<Record<ObjRecord['kind'], string>> = {
  'pasid-entry': 'PASID-table entry present for',
  mm: 'mmu notifier still registered for',
  sdev: 'device still bound to',
  file: 'file still bound to',
  iotlb: 'IOTLB entry still translating for',
  'pasid-cache': 'PASID-cache entry still held for',
  svm: 'svm still pointing at',
  vma: 'VMA still mapping',
};

/** When and by whom `id` was freed: the one place that works out the freeing path. */
const at = (objects: ObjectTable, id: string) => {
  const o = objects.get(id);
  return o?.freedStep != null ? ` (freed at step ${o.freedStep} by ${o.freedBy ?? '?'})` : '';
};

/** A live page of a live mm must lie in one of the mm's live VMAs: `unmap_region` zaps every
 * page of the range it unmaps, and a fault maps one only inside a VMA (`find_extend_vma`). */
function unmappedPage(objects: ObjectTable, p: ObjState): string | null {
  const mm = objects.peek(objects.mmOf(p.owner) ?? '');
  if (!mm?.alive) return null;
  const addr = Number((p as { addr?: unknown }).addr);
  const inVma = (id: string) => {
    const v = objects.peek(id) as (ObjState & { start?: number; end?: number }) | undefined;
    return v?.alive === true && v.kind === 'vma' && addr >= Number(v.start) && addr < Number(v.end);
  };
  return (mm.refs ?? []).some(inVma) ? null : mm.id;
}

export const dangling: Oracle = ({ trace, objects, quiescent, cut }) => {
  if (!quiescent || cut) return [];
  const out: Violation[] = [];
  for (const o of objects.states()) {
    const targets = [...(o.refs ?? []), ...(o.links ?? [])];
    if (o.alive) {
      for (const t of targets) {
        const r = objects.peek(t);
        if (!r) {
          out.push({ oracle: 'dangling', message: `BUG: at quiescence: ${o.id} points at ${t}, which was never allocated`, step: trace.length, objects: [o.id] });
          continue;
        }
        if (r.alive) continue;
        out.push({ oracle: 'dangling', message: `BUG: at quiescence: ${o.id}: ${WHAT[o.kind] ?? 'live, pointing at'} freed ${t}${at(objects, t)}`, step: trace.length, objects: [o.id, t] });
      }
      const mm = o.kind === 'page' ? unmappedPage(objects, o) : null;
      if (mm) out.push({ oracle: 'dangling', message: `BUG: at quiescence: ${o.id} at ${String((o as { addr?: unknown }).addr)} is still mapped in ${mm}, where none of its VMAs is (a zap missed it)`, step: trace.length, objects: [o.id, mm] });
    } else if (o.kind === 'mm' && o.links?.length) {
      out.push({ oracle: 'dangling', message: `BUG: at quiescence: freed ${o.id}${at(objects, o.id)} still has the notifier(s) of ${o.links.join(', ')} on its list`, step: trace.length, objects: [o.id, ...o.links] });
    }
  }
  return out;
};
