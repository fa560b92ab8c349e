// Kernel variants as data: which hunks of the seed patch each carries. `fixed` is the seed
// (e57e58bd390a); each ablation is `fixed` minus one fix, so a bug it shows is that fix's reason.
import type { Hunks } from '../../machines/objects.ts';

export interface Hunk {
  id: keyof Hunks;
  /** Where the hunk lands in drivers/iommu/intel-svm.c and what it does. */
  where: string;
  what: string;
}

export const HUNKS: Hunk[] = [
  { id: 'releaseFlush', where: 'intel_mm_release', what: 'clear the PASID entry, wmb(), then flush the PASID cache and IOTLB for every sdev (was: clear only, WARN_ON devs)' },
  { id: 'mmCountOnly', where: 'intel_svm_bind_mm / intel_svm_unbind_mm', what: 'bind keeps only the notifier\'s mm_count (drops `mm = NULL`, so out: mmput()s); unbind does idr_remove, then mmu_notifier_unregister only if svm->mm, and no mmput' },
  { id: 'faultPin', where: 'prq_event_thread', what: 'atomic_inc_not_zero(&svm->mm->mm_users) before down_read (bad_req if the mm is defunct), mmput() after up_read' },
];

export interface Variant {
  name: string;
  description: string;
  hunks: Hunks;
}

const all: Hunks = { releaseFlush: true, mmCountOnly: true, faultPin: true };

export const VARIANTS: Variant[] = [
  { name: 'pre-fix', description: 'v4.4.1: the svm holds mm_users; exit with the file mmap()ed leaks a reference cycle', hunks: { releaseFlush: false, mmCountOnly: false, faultPin: false } },
  { name: 'fixed', description: 'the seed patch: the svm holds mm_count; release flushes; the fault handler pins mm_users', hunks: all },
  { name: 'fixed-no-release-flush', description: 'fixed, but intel_mm_release as before the patch: clears the entry, no flush', hunks: { ...all, releaseFlush: false } },
  { name: 'fixed-no-fault-pin', description: 'fixed, but prq_event_thread without the mm_users inc-not-zero/mmput', hunks: { ...all, faultPin: false } },
];

export { BadInput } from '../input.ts';
import { BadInput } from '../input.ts';

export function variantByName(name: string): Variant {
  const v = VARIANTS.find((x) => x.name === name);
  if (!v) throw new BadInput(`unknown kernel variant '${name}' (valid: ${VARIANTS.map((x) => x.name).join(', ')})`);
  return v;
}

/** The hunks a variant carries, by id. */
export const hunksOf = (v: Variant): Hunk[] => HUNKS.filter((h) => v.hunks[h.id]);
