// Kernel variants as data: which hunks each carries. The LINE is the driver's history as far as
// the model can pose it: v4.4.1 (`pre-fix`), the seed (e57e58bd390a, `fixed`), then later kernels,
// each the one before plus the hunks of one commit. An ablation is off the line: `fixed` minus one
// of the seed's fixes, so a bug it shows is that fix's reason.
import type { Hunks } from '../../machines/objects.ts';

export type HunkId = keyof Hunks;

export interface Hunk {
  id: HunkId;
  /** The commit that brought it (12 hex digits), its subject and the first release with it. */
  commit: string;
  subject: string;
  release: string;
  /** Where the hunk lands in drivers/iommu/intel-svm.c and what it does. */
  where: string;
  what: string;
  /** The built-in scenario that shows it: the variant before the commit fails it, the one with it does not. */
  scenario?: string;
}

const SEED = { commit: 'e57e58bd390a', subject: 'iommu/vt-d: Fix mm refcounting to hold mm_count not mm_users', release: 'v4.5' };

export const HUNKS: Hunk[] = [
  { id: 'releaseFlush', ...SEED, where: 'intel_mm_release', what: 'clear the PASID entry, wmb(), then flush the PASID cache and IOTLB for every sdev (was: clear only, WARN_ON devs)' },
  { id: 'mmCountOnly', ...SEED, where: 'intel_svm_bind_mm / intel_svm_unbind_mm', what: 'bind keeps only the notifier\'s mm_count (drops `mm = NULL`, so out: mmput()s); unbind does idr_remove, then mmu_notifier_unregister only if svm->mm, and no mmput', scenario: 'exit-with-mmap' },
  { id: 'faultPin', ...SEED, where: 'prq_event_thread', what: 'atomic_inc_not_zero(&svm->mm->mm_users) before down_read (bad_req if the mm is defunct), mmput() after up_read' },
  {
    id: 'canonicalCheck',
    commit: '9d8c3af31607',
    subject: 'iommu/vt-d: IOMMU Page Request needs to check if address is canonical.',
    release: 'v4.14',
    where: 'prq_event_thread',
    what: 'if (!is_canonical_address(address)) goto bad_req, placed after mmget_not_zero(svm->mm): that branch skips the mmput() at invalid:, leaking an mm_users reference',
    scenario: 'dma-noncanonical',
  },
  {
    id: 'noPasidAnswer',
    commit: '',
    subject: '(the commit was not found with the tools; 4.9.y\'s intel-svm.c has it)',
    release: 'v4.9',
    where: 'prq_event_thread',
    what: 'if (!req->pasid_present) goto no_pasid (was: goto bad_req with svm NULL, which walks svm->devs: an oops in the IRQ thread)',
    scenario: 'page-request-no-pasid',
  },
  {
    id: 'unbindClear',
    commit: '4fa064b26c2e',
    subject: 'iommu/vt-d: Clear pasid table entry when memory unbound',
    release: 'v4.19',
    where: 'intel_svm_unbind_mm',
    what: 'intel_pasid_clear_entry(dev, svm->pasid) once the device\'s last user is gone (was: only intel_mm_release cleared the entry, and a supervisor svm has no notifier, so its entry stayed present for the freed PASID)',
    scenario: 'supervisor-unbind',
  },
  {
    id: 'canonicalFirst',
    commit: '902baf61adf6',
    subject: 'iommu/vt-d: Fix mm reference leak',
    release: 'v5.7',
    where: 'prq_event_thread',
    what: 'move the canonical address check before mmget_not_zero(): a non-canonical request takes no reference',
    scenario: 'dma-noncanonical',
  },
  {
    id: 'drainPrq',
    commit: '66ac4db36f4c',
    subject: 'iommu/vt-d: Add page request draining support',
    release: 'v5.8',
    where: 'intel_svm_unbind_mm / intel_svm_drain_prq / prq_event_thread',
    what: 'the unbind tears the PASID entry down, then under pasid_mutex drains the PASID\'s page requests: wait_for_completion(&iommu->prq_complete) (which prq_event_thread completes after it writes PQH) while the PRQ between head and tail holds one, then qi_submit_sync of {inv_wait with fence, PASID IOTLB, device-TLB} with QI_OPT_WAIT_DRAIN',
  },
  {
    id: 'invalidResponse',
    commit: '3aa7c62cb7d7',
    subject: 'iommu/vt-d: Use INVALID response code instead of FAILURE',
    release: 'v5.12',
    where: 'prq_event_thread',
    what: 'result = QI_RESP_INVALID at the top of the loop (was QI_RESP_FAILURE until the svm was found): a request without PASID or for a PASID not in use no longer halts the device\'s PRI',
    scenario: 'dma-unknown-pasid',
  },
];

export interface Variant {
  name: string;
  description: string;
  hunks: Hunks;
  /** On the line of history (else an ablation). */
  line: boolean;
  /** The release and commit it stands for (a line variant), or the variant it ablates. */
  release?: string;
  commit?: string;
  ablates?: string;
  /** Off the line, a commit tried and not posed: the line variant it was tried on. */
  tried?: string;
}

const NONE: Hunks = { releaseFlush: false, mmCountOnly: false, faultPin: false, noPasidAnswer: false, canonicalCheck: false, canonicalFirst: false, invalidResponse: false, unbindClear: false, drainPrq: false };
const on = (base: Hunks, ...ids: HunkId[]): Hunks => ({ ...base, ...Object.fromEntries(ids.map((id) => [id, true])) });
const seed = on(NONE, 'releaseFlush', 'mmCountOnly', 'faultPin');
const v49 = on(seed, 'noPasidAnswer');
const v414 = on(v49, 'canonicalCheck');
const v419 = on(v414, 'unbindClear');
const v57 = on(v419, 'canonicalFirst');
const v512 = on(v57, 'invalidResponse');
// Tried, not posed: v5.7 + 66ac4db36f4c (docs/results/issue-28-drain.md).
const v58 = on(v57, 'drainPrq');

export const VARIANTS: Variant[] = [
  { name: 'pre-fix', description: 'v4.4.1: the svm holds mm_users; exit with the file mmap()ed leaks a reference cycle', hunks: NONE, line: true, release: 'v4.4.1' },
  { name: 'fixed', description: 'the seed patch e57e58bd390a: the svm holds mm_count; release flushes; the fault handler pins mm_users', hunks: seed, line: true, release: SEED.release, commit: SEED.commit },
  { name: 'v4.9-no-pasid', description: 'fixed + 4.9.y\'s no_pasid (commit not found): a page request without PASID is answered (FAILURE), not an oops', hunks: v49, line: true, release: 'v4.9' },
  { name: 'v4.14-9d8c3af31607', description: 'v4.9 + 9d8c3af31607 (v4.14): a non-canonical page request goes to bad_req after mmget_not_zero, leaking mm_users', hunks: v414, line: true, release: 'v4.14', commit: '9d8c3af31607' },
  { name: 'v4.19-4fa064b26c2e', description: 'v4.14 + 4fa064b26c2e (v4.19): the unbind clears the PASID-table entry, so a supervisor PASID\'s entry no longer outlives it', hunks: v419, line: true, release: 'v4.19', commit: '4fa064b26c2e' },
  { name: 'v5.7-902baf61adf6', description: 'v4.19 + 902baf61adf6 (v5.7): the canonical check before mmget_not_zero, no leak', hunks: v57, line: true, release: 'v5.7', commit: '902baf61adf6' },
  { name: 'v5.12-3aa7c62cb7d7', description: 'v5.7 + 3aa7c62cb7d7 (v5.12): an unowned page request (no PASID, PASID not in use) is answered INVALID, so it no longer halts the device\'s PRI for every PASID', hunks: v512, line: true, release: 'v5.12', commit: '3aa7c62cb7d7' },
  { name: 'fixed-no-release-flush', description: 'fixed, but intel_mm_release as before the patch: clears the entry, no flush', hunks: { ...seed, releaseFlush: false }, line: false, ablates: 'fixed' },
  { name: 'fixed-no-fault-pin', description: 'fixed, but prq_event_thread without the mm_users inc-not-zero/mmput', hunks: { ...seed, faultPin: false }, line: false, ablates: 'fixed' },
  // Off the line: 66ac4db36f4c as the kernel wrote it does not close the window it exists for in
  // the model (docs/results/issue-28-drain.md), so v5.12 does not carry it.
  { name: 'v5.8-66ac4db36f4c', description: 'v5.7 + 66ac4db36f4c (v5.8), tried: the unbind tears the PASID entry down and drains the PASID\'s page requests (the PRQ scan under pasid_mutex, waiting on prq_complete, then the QI page-drain) before it frees the sdev; a request that reaches the PRQ after the scan is still served after the unbind', hunks: v58, line: false, release: 'v5.8', commit: '66ac4db36f4c', tried: 'v5.7-902baf61adf6' },
];

/** The line of history, oldest first. */
export const LINE: Variant[] = VARIANTS.filter((v) => v.line);
/** The seed's variants (v4.4.1, the fix and its ablations): what the seed's tests sweep. */
export const SEED_VARIANTS: Variant[] = VARIANTS.filter((v) => v.name === 'pre-fix' || v.commit === SEED.commit || v.ablates === 'fixed');

export { BadInput } from '../input.ts';
import { BadInput } from '../input.ts';

/** A variant by name, or by its commit (7 to 12 hex digits) or release when one variant has it. */
export function variantByName(name: string): Variant {
  const v = VARIANTS.find((x) => x.name === name) ?? unique(VARIANTS.filter((x) => x.release === name || (/^[0-9a-f]{7,12}$/.test(name) && x.commit?.startsWith(name))));
  if (!v) throw new BadInput(`unknown kernel variant '${name}' (valid: ${VARIANTS.map((x) => x.name).join(', ')}; or a line variant's commit)`);
  return v;
}

const unique = <T>(xs: T[]): T | undefined => (xs.length === 1 ? xs[0] : undefined);

/** The hunks a variant carries, by id. */
export const hunksOf = (v: Variant): Hunk[] => HUNKS.filter((h) => v.hunks[h.id]);

/** The hunks `b` carries and `a` does not, and the reverse: what changed between two variants. */
export function hunkDiff(a: Variant, b: Variant): { added: Hunk[]; removed: Hunk[] } {
  return { added: HUNKS.filter((h) => b.hunks[h.id] && !a.hunks[h.id]), removed: HUNKS.filter((h) => a.hunks[h.id] && !b.hunks[h.id]) };
}

/** A line variant's parent: the one before it on the line (none for the first). */
export const parentOf = (v: Variant): Variant | undefined => {
  if (v.line) return LINE[LINE.indexOf(v) - 1];
  const base = v.ablates ?? v.tried;
  return base ? variantByName(base) : undefined;
};
