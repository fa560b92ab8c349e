// Queued-invalidation descriptors as the 4.4 driver builds them, and what each one invalidates
// as the VT-d specification defines it. Pure functions, no machine: svm.ts builds descriptors
// (intel_flush_svm_range_dev, intel_flush_pasid_dev), iommu.ts applies them (qi_submit_sync).
// Addresses are in pages (the model's unit); the kernel's byte arithmetic is done in BigInt and
// the result shifted by VTD_PAGE_SHIFT, so every value is exactly the kernel's.

export const VTD_PAGE_SHIFT = 12n;

/** include/linux/intel-iommu.h (4.4): QI_GRAN_ALL_ALL 0, QI_GRAN_NONG_ALL 1,
 * QI_GRAN_NONG_PASID 2, QI_GRAN_PSI_PASID 3 — the extended IOTLB descriptor's granularity. */
export type EiotlbGran = 'all-all' | 'nong-all' | 'nong-pasid' | 'psi-pasid';

/** The device's side of intel_iommu_enable_pasid (intel-iommu.c, 4.4): sdev->did is the domain's
 * id on this IOMMU, sdev->sid = PCI_DEVID(bus, devfn), sdev->dev_iotlb = ATS enabled,
 * sdev->qdep = the ATS invalidate queue depth. */
export interface DevHw {
  did: number;
  sid: number;
  ats: boolean;
  qdep: number;
}

/** One descriptor, its fields by their intel-iommu.h names (addresses as page numbers). */
export type QiDesc =
  /** QI_PC_TYPE | QI_PC_DID(did) | QI_PC_PASID_SEL | QI_PC_PASID(pasid) */
  | { desc: 'pasid-cache'; did: number; pasid: number }
  /** QI_EIOTLB_TYPE: PASID, DID, GRAN; for PSI also ADDR, AM, IH, GL. */
  | { desc: 'eiotlb'; did: number; pasid: number; gran: EiotlbGran; addr?: number; am?: number; ih?: number; gl?: number }
  /** QI_DEIOTLB_TYPE: PASID, SID, QDEP, ADDR and the size bit S (QI_DEV_EIOTLB_SIZE, bit 11). */
  | { desc: 'dev-eiotlb'; sid: number; pasid: number; qdep: number; addr: number; size: boolean }
  /** 66ac4db36f4c (v5.8), intel_svm_drain_prq: desc[0] QI_IWD_STATUS_DATA(QI_DONE) | QI_IWD_FENCE
   * | QI_IWD_TYPE, desc[1] QI_EIOTLB_GRAN(QI_GRAN_NONG_PASID) for (did, pasid), desc[2] the
   * device-TLB descriptor for (sid, pasid, qdep) at every address, in one qi_submit_sync(iommu,
   * desc, 3, QI_OPT_WAIT_DRAIN); `dev` is the device the SID names. */
  | { desc: 'drain'; did: number; sid: number; pasid: number; qdep: number; dev: string };

/** PCI_DEVID(bus, devfn) (include/linux/pci.h): ((bus) << 8) | (devfn). */
export const PCI_DEVID = (bus: number, devfn: number): number => ((bus & 0xff) << 8) | (devfn & 0xff);

/** ilog2 of a positive u64. */
const ilog2 = (x: bigint): number => x.toString(2).length - 1;
/** __roundup_pow_of_two(n) (include/linux/log2.h): 1UL << fls_long(n - 1). */
export const roundupPowOfTwo = (n: bigint): bigint => (n <= 1n ? 1n : 1n << BigInt((n - 1n).toString(2).length));
/** __rounddown_pow_of_two(n): 1UL << (fls_long(n) - 1). */
export const rounddownPowOfTwo = (n: bigint): bigint => 1n << BigInt(ilog2(n));

/** The extended IOTLB descriptor's AM for a page count: ilog2(__roundup_pow_of_two(pages)). */
export const amOf = (pages: number): number => ilog2(roundupPowOfTwo(BigInt(pages)));

/** The device-IOTLB descriptor's address for `pages` pages at byte `address` (pages > 1), as
 * intel_flush_svm_range_dev computes it (intel-svm.c, 4.4):
 *   last = address + ((pages - 1) << VTD_PAGE_SHIFT);
 *   mask = __rounddown_pow_of_two(address ^ last);
 *   desc.high = QI_DEV_EIOTLB_ADDR((address & ~mask) | (mask - 1)) | QI_DEV_EIOTLB_SIZE;
 * QI_DEV_EIOTLB_ADDR masks with VTD_PAGE_MASK. Returns the byte address (S is set). */
export function devIotlbAddr(address: bigint, pages: bigint): bigint {
  const last = address + ((pages - 1n) << VTD_PAGE_SHIFT);
  const mask = rounddownPowOfTwo(address ^ last);
  return ((address & ~mask) | (mask - 1n)) & ~((1n << VTD_PAGE_SHIFT) - 1n);
}

/** intel_flush_svm_range_dev(svm, sdev, address, pages, ih, gl) (intel-svm.c, 4.4): the
 * descriptors it writes, each submitted with its own qi_submit_sync. `page` is the start page,
 * `pages` -1 for everything. */
export function intel_flush_svm_range_dev(pasid: number, dev: DevHw, page: number, pages: number, ih: number, gl: number): QiDesc[] {
  const out: QiDesc[] = [];
  if (pages === -1) {
    // "For global kernel pages we have to flush them in *all* PASIDs": QI_GRAN_ALL_ALL with gl,
    // else QI_GRAN_NONG_PASID; desc.high = 0.
    out.push({ desc: 'eiotlb', did: dev.did, pasid, gran: gl ? 'all-all' : 'nong-pasid' });
  } else {
    // int mask = ilog2(__roundup_pow_of_two(pages)); QI_EIOTLB_ADDR(address) | GL | IH | AM(mask).
    out.push({ desc: 'eiotlb', did: dev.did, pasid, gran: 'psi-pasid', addr: page, am: amOf(pages), ih, gl });
  }
  if (!dev.ats) return out;
  // if (sdev->dev_iotlb): QI_DEV_EIOTLB_PASID | SID | QDEP | QI_DEIOTLB_TYPE.
  const base = { desc: 'dev-eiotlb' as const, sid: dev.sid, pasid, qdep: dev.qdep };
  if (pages === -1) {
    // QI_DEV_EIOTLB_ADDR(-1ULL >> 1) | QI_DEV_EIOTLB_SIZE: every address.
    out.push({ ...base, addr: Number(((1n << 63n) - 1n) >> VTD_PAGE_SHIFT), size: true });
  } else if (pages > 1) {
    const a = devIotlbAddr(BigInt(page) << VTD_PAGE_SHIFT, BigInt(pages));
    out.push({ ...base, addr: Number(a >> VTD_PAGE_SHIFT), size: true });
  } else {
    out.push({ ...base, addr: page, size: false });
  }
  return out;
}

/** intel_svm_drain_prq's page-drain (66ac4db36f4c): the three descriptors of one
 * qi_submit_sync with QI_OPT_WAIT_DRAIN (the wait descriptor's PD flag). */
export const drainDescs = (pasid: number, dev: DevHw, devId: string): QiDesc => ({ desc: 'drain', did: dev.did, sid: dev.sid, pasid, qdep: dev.qdep, dev: devId });

/** intel_flush_pasid_dev(svm, sdev, pasid): one PASID-selective PASID-cache invalidation. */
export const intel_flush_pasid_dev = (pasid: number, dev: DevHw): QiDesc => ({ desc: 'pasid-cache', did: dev.did, pasid });

/** The pages [start, end) a page-selective extended IOTLB descriptor invalidates. VT-d spec,
 * extended IOTLB invalidate descriptor: the address mask AM gives the number of low-order bits
 * of ADDR that are masked, so the descriptor invalidates the naturally aligned 2^AM-page region
 * that contains ADDR — not the range the caller had in mind. */
export function psiRegion(addr: number, am: number): [number, number] {
  const size = 2 ** am;
  const start = Math.floor(addr / size) * size;
  return [start, start + size];
}

/** The pages [start, end) a device-IOTLB descriptor invalidates (PCIe ATS invalidate request, as
 * VT-d's device-IOTLB descriptor carries it): with S clear, the one page at ADDR; with S set, the
 * least significant zero bit of ADDR[63:12] at position k gives a naturally aligned region of
 * 2^(k+1) pages (the kernel's example: 0x12345f000 covers 0x123440000..0x12347ffff). */
export function devIotlbRegion(addr: number, size: boolean): [number, number] {
  if (!size) return [addr, addr + 1];
  const a = BigInt(addr);
  let k = 0n;
  while ((a >> k) & 1n) k++;
  const span = 1n << (k + 1n);
  const start = (a >> (k + 1n)) << (k + 1n);
  return [Number(start), Number(start + span)];
}

/** Does an extended IOTLB descriptor invalidate a (did, pasid, page) entry? Entries in the model
 * are user (non-global) translations. QI_GRAN_ALL_ALL: every PASID of the domain, incl. global;
 * NONG_ALL: every PASID's non-global entries; NONG_PASID: one PASID's non-global entries;
 * PSI_PASID: one PASID's entries in psiRegion. */
export function eiotlbCovers(d: Extract<QiDesc, { desc: 'eiotlb' }>, did: number, pasid: number, page: number): boolean {
  if (d.did !== did) return false;
  if (d.gran === 'all-all' || d.gran === 'nong-all') return true;
  if (d.pasid !== pasid) return false;
  if (d.gran === 'nong-pasid') return true;
  const [s, e] = psiRegion(d.addr!, d.am!);
  return page >= s && page < e;
}

/** Does a device-IOTLB descriptor invalidate a device TLB entry (sid, pasid, page)? */
export function devIotlbCovers(d: Extract<QiDesc, { desc: 'dev-eiotlb' }>, sid: number, pasid: number, page: number): boolean {
  if (d.sid !== sid || d.pasid !== pasid) return false;
  const [s, e] = devIotlbRegion(d.addr, d.size);
  return page >= s && page < e;
}
