// The vocabulary every machine shares: kernel objects, the variant switches, and what a machine
// emits. Machines never talk to threads or schedulers: they emit `send`, `access` and `bug`, and
// the runtime (src/runtime) turns those into deliveries and trace effects.

/** One kernel object with a lifetime (kmemleak/KASAN's unit). Counts carry their kernel names. */
export interface KObj {
  kind: 'mm' | 'pgd' | 'pt' | 'page' | 'file' | 'vma' | 'svm' | 'sdev' | 'pasid' | 'pasid-entry' | 'task' | 'iotlb' | 'pasid-cache';
  alive: boolean;
  /** The process whose lifetime this object belongs to (for the leak oracle). */
  owner: string;
  mm_users?: number;
  mm_count?: number;
  f_count?: number;
  users?: number;
  /** What this object pins (keeps alive), computed from its own fields: a leak's cycle runs along these. */
  refs?: string[];
  /** What it points at without pinning (an svm's mm and PASID, a PASID entry's PASID): the
   * end-state oracles check that none of these is freed while the object lives. */
  links?: string[];
  [field: string]: unknown;
}
export type Objs = Record<string, KObj>;

/** Hardware state, not an allocation: the IOMMU's caches live for the whole run; their `links`
 * say what they hold entries for. kmemleak never reports them (they have no owner). */
export const HW_KINDS: readonly KObj['kind'][] = ['iotlb', 'pasid-cache'];

/** The reference counts an object may carry, by their kernel names. */
export const COUNT_FIELDS = ['mm_users', 'mm_count', 'f_count', 'users'] as const;

/** The hunks of the seed patch, as switches (src/variants/variants.ts builds them from names). */
export interface Hunks {
  /** intel_mm_release clears the PASID entry *and* flushes PASID cache + IOTLB (hunk 1). */
  releaseFlush: boolean;
  /** The svm holds mm_count only: bind always mmput()s, unbind does not (hunks 2+3). */
  mmCountOnly: boolean;
  /** prq_event_thread pins mm_users with atomic_inc_not_zero and mmput()s after (hunks 4+5). */
  faultPin: boolean;
  /** 9d8c3af31607 (v4.14): prq_event_thread answers a non-canonical address with bad_req, the
   * check placed after mmget_not_zero (so that branch never mmput()s). */
  canonicalCheck: boolean;
  /** By v4.9 (4.9.y's intel-svm.c): a page request without PASID goes to no_pasid (answered,
   * no sdev walk) instead of bad_req with svm NULL. */
  noPasidAnswer: boolean;
  /** 902baf61adf6 (v5.7): the canonical check moves before mmget_not_zero. */
  canonicalFirst: boolean;
  /** 3aa7c62cb7d7 (v5.12): result = QI_RESP_INVALID from the start, so a request without PASID
   * or for a PASID not in use is answered INVALID, not FAILURE (which halts the device's PRI). */
  invalidResponse: boolean;
  /** 4fa064b26c2e (v4.19): intel_svm_unbind_mm clears the PASID-table entry (a supervisor
   * svm's, which no mmu notifier's release clears, stayed present for a freed PASID). */
  unbindClear: boolean;
  /** 66ac4db36f4c (v5.8): the unbind tears the PASID entry down, then intel_svm_drain_prq: waits
   * (prq_complete) until the PRQ holds no request of the PASID, then the QI page-drain. */
  drainPrq?: boolean;
}

/** is_canonical_address(addr << VTD_PAGE_SHIFT) with 4-level paging (__VIRTUAL_MASK_SHIFT 47):
 * bits 63:47 all equal. `addr` is the descriptor's 52-bit page number: canonical below 2^35
 * pages, or in the top 2^35 of the 2^52 (sign-extended from bit 51, as `(long) addr` sees it). */
const PAGES_LOW = 2 ** 35;
const PAGES_ALL = 2 ** 52;
export const isCanonical = (page: number): boolean => page < PAGES_LOW || page >= PAGES_ALL - PAGES_LOW;

/** Every call carries the kernel thread it runs on: a task (process#N) or a kthread. */
export interface Ctx {
  ctx: string;
}
export const isKthread = (ctx: string): boolean => !ctx.startsWith('process#');

/** What a machine emits; the runtime collects these per delivery. */
export type Emitted =
  | { type: 'send'; to: string; event: { type: string; [k: string]: unknown } }
  /** A use of an object: KASAN checks it is alive; `how` says what kind of access. */
  | { type: 'access'; obj: string; how: string; mm?: string }
  /** A BUG_ON/WARN_ON the model checks, or a model-level invariant. */
  | { type: 'bug'; oracle: 'invariant' | 'isolation' | 'use-after-free' | 'dma-freed'; message: string }
  /** A WARN_ON: printed in the trace, not a violation. */
  | { type: 'warn'; message: string }
  /** An injected fault fired (src/faults): the delivery that carries it is the fault's trace event. */
  | { type: 'fault'; kind: string; message: string };

export const obj = (kind: KObj['kind'], owner: string, extra: Partial<KObj> = {}): KObj => ({
  kind,
  alive: true,
  owner,
  ...extra,
});

/** Objects are immutable values in context: update one by copy. */
export const patch = (objs: Objs, id: string, fields: Partial<KObj>): Objs => ({
  ...objs,
  [id]: { ...objs[id], ...fields } as KObj,
});
