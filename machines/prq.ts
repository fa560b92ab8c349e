// The page request queue as the VT-d hardware keeps it: a ring of descriptors in memory with the
// head (PQH, written by software) and tail (PQT, written by hardware) registers, and the Page
// Request Status register's PPR (pending page request) and PRO (overflow) bits. Pure functions,
// no machine: iommu.ts applies them to its context.
//
// Receiving a page request (VT-d spec, "Page Request Queue" / handling of page requests; rev 2.x
// §7.5.1 — paraphrased, the text was not at hand): the queue is full when PQT is one descriptor
// behind PQH (modulo the size); if PRO is set or the queue is full, the request is not written,
// PRO is set, and a request that needs a response (last in its group, or a stream request) is
// answered by the hardware itself with a successful response, so that the device asks again.
// Otherwise the descriptor is written at PQT, PQT advances, and if PPR was clear it is set and a
// page request event (the pr_irq interrupt) is raised: one interrupt per 0 -> 1 edge of PPR.
// Only software clears PPR and PRO (writing 1). 4.4's prq_event_thread clears PPR; nothing at
// 4.4 clears PRO (prq_event_thread learnt to in 2021), so once set it drops every later request.

/** One descriptor: the fields of struct page_req_dsc (intel-svm.c, 4.4) the model carries. */
export type PrqDesc = Record<string, unknown> & { lpig?: boolean; srr?: boolean };

export interface Prq {
  /** The ring's size in descriptors (PRQ_ORDER 0: 4096 / 16 = 256). */
  size: number;
  pqh: number;
  pqt: number;
  ppr: boolean;
  pro: boolean;
  /** The descriptors from PQH to PQT (the rest of the ring holds nothing anyone reads). */
  live: PrqDesc[];
}

export const emptyPrq = (size: number): Prq => ({ size, pqh: 0, pqt: 0, ppr: false, pro: false, live: [] });

/** The queue is full: PQT + 1 == PQH (modulo the size), one slot always left empty. */
export const prqFull = (q: Prq): boolean => (q.pqt + 1) % q.size === q.pqh;

/** What the hardware does with a request: the new registers, and whether it raises pr_irq or
 * answers the request itself (dropped on overflow). */
export function prqReceive(q: Prq, d: PrqDesc): { q: Prq; irq: boolean; autoRespond: boolean; dropped: boolean } {
  if (q.pro || prqFull(q)) return { q: q.pro ? q : { ...q, pro: true }, irq: false, autoRespond: d.lpig !== false || d.srr === true, dropped: true };
  const next = { ...q, pqt: (q.pqt + 1) % q.size, ppr: true, live: [...q.live, d] };
  return { q: next, irq: !q.ppr, autoRespond: false, dropped: false };
}

/** The descriptor at ring index `head` (head in [PQH, PQT)), or null outside the live part. */
export function prqAt(q: Prq, head: number): PrqDesc | null {
  const k = (head - q.pqh + q.size) % q.size;
  return k < q.live.length ? q.live[k]! : null;
}

/** Software writes PQH: the descriptors before it are free again. */
export function prqWriteHead(q: Prq, pqh: number): Prq {
  const k = (pqh - q.pqh + q.size) % q.size;
  return { ...q, pqh, live: q.live.slice(k) };
}

/** The ring in PQH's frame: the same queue turned so that PQH is slot 0. The hardware's
 * behaviour is the same under any turn of the ring (full is PQT + 1 == PQH, and every index is
 * taken modulo the size), and 4.4's prq_event_thread only uses head and tail relative to each
 * other (`while (head != tail)`, `&iommu->prq[head]`, `head = (head + sizeof(*req)) &
 * PRQ_RING_MASK`), in locals that die when it returns. So the model turns the ring at each PQH
 * write, when no one holds an index: a state that differs from one seen before only by where the
 * ring stands is that state, and a device that retries forever returns to a state it has been
 * in (the livelock's lasso closes) instead of walking the ring 256 times first. */
export const prqRebase = (q: Prq): Prq => (q.pqh === 0 ? q : { ...q, pqh: 0, pqt: (q.pqt - q.pqh + q.size) % q.size });
