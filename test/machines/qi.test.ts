import { describe, expect, it } from 'vitest';
import { devIotlbCovers, devIotlbRegion, eiotlbCovers, intel_flush_svm_range_dev, PCI_DEVID, psiRegion, type QiDesc } from '../../machines/qi.ts';

// A straight transcription of the kernel's C (intel-svm.c 4.4, intel_flush_svm_range_dev;
// include/linux/log2.h; include/linux/intel-iommu.h), in u64 arithmetic, independent of qi.ts.
const U64 = (1n << 64n) - 1n;
const fls_long = (x: bigint) => { let r = 0; while (x > 0n) { x >>= 1n; r++; } return r; };
const __roundup_pow_of_two = (n: bigint) => (1n << BigInt(fls_long(n - 1n))) & U64;
const __rounddown_pow_of_two = (n: bigint) => 1n << BigInt(fls_long(n) - 1);
const ilog2 = (n: bigint) => fls_long(n) - 1;
const VTD_PAGE_MASK = U64 & ~0xfffn;
const QI_EIOTLB_AM = (am: bigint) => am;
const QI_DEV_EIOTLB_ADDR = (a: bigint) => a & VTD_PAGE_MASK;
const QI_DEV_EIOTLB_SIZE = 1n << 11n;
/** desc.high of both descriptors for `pages` pages at byte `address` (gl = ih = 0, pages > 0). */
function kernelHigh(address: bigint, pages: bigint): { eiotlb: bigint; dev: bigint } {
  const mask = BigInt(ilog2(__roundup_pow_of_two(pages)));
  const eiotlb = (address & VTD_PAGE_MASK) | QI_EIOTLB_AM(mask);
  let dev: bigint;
  if (pages > 1n) {
    const last = (address + ((pages - 1n) << 12n)) & U64;
    const m = __rounddown_pow_of_two(address ^ last);
    dev = QI_DEV_EIOTLB_ADDR((address & ~m & U64) | (m - 1n)) | QI_DEV_EIOTLB_SIZE;
  } else dev = QI_DEV_EIOTLB_ADDR(address);
  return { eiotlb, dev };
}

const ATS = { did: 3, sid: PCI_DEVID(1, 0x10), ats: true, qdep: 0 };
type E = Extract<QiDesc, { desc: 'eiotlb' }>;
type D = Extract<QiDesc, { desc: 'dev-eiotlb' }>;

describe('intel_flush_svm_range_dev: the descriptors, field by field, against the kernel C', () => {
  for (const start of [0, 1, 16, 17, 18, 19, 23, 0x12345f]) {
    for (const pages of [1, 2, 3, 4, 5]) {
      it(`${pages} page(s) at page ${start}`, () => {
        const [e, d] = intel_flush_svm_range_dev(7, ATS, start, pages, 0, 0) as [E, D];
        const k = kernelHigh(BigInt(start) << 12n, BigInt(pages));
        expect(e).toMatchObject({ desc: 'eiotlb', gran: 'psi-pasid', did: 3, pasid: 7, addr: start, ih: 0, gl: 0 });
        expect(BigInt(e.addr!) << 12n | BigInt(e.am!)).toBe(k.eiotlb);
        expect(BigInt(d.addr) << 12n | (d.size ? QI_DEV_EIOTLB_SIZE : 0n)).toBe(k.dev);
        expect(d).toMatchObject({ sid: 0x110, pasid: 7 });
        // The device-IOTLB region always holds the whole range (the encoding rounds up).
        const [ds, de] = devIotlbRegion(d.addr, d.size);
        expect(ds <= start && de >= start + pages).toBe(true);
      });
    }
  }

  it('literal values: AM for 1..5 pages is 0,1,2,2,3; a page-selective region is naturally aligned', () => {
    expect([1, 2, 3, 4, 5].map((n) => (intel_flush_svm_range_dev(0, ATS, 16, n, 0, 0)[0] as E).am)).toEqual([0, 1, 2, 2, 3]);
    // 2 pages at 17: AM 1 invalidates pages 16-17; page 18 is NOT invalidated (spec: ADDR's low AM bits masked).
    expect(psiRegion(17, 1)).toEqual([16, 18]);
    // 3 pages at 18: AM 2 invalidates 16-19: page 20 is left.
    expect(psiRegion(18, 2)).toEqual([16, 20]);
    expect(psiRegion(23, 3)).toEqual([16, 24]);
  });

  it("literal values: the device-IOTLB size encoding (the kernel comment's 0x12345f000 → 0x123440000..0x12347ffff)", () => {
    expect(devIotlbRegion(0x12345f, true)).toEqual([0x123440, 0x123480]);
    // 2 pages at 16 (0x10000): last 0x11000, mask 0x1000, address 0x10000 | 0xfff → 0x10000 with S: 8 KiB.
    expect(intel_flush_svm_range_dev(0, ATS, 16, 2, 0, 0)[1]).toMatchObject({ addr: 16, size: true });
    expect(devIotlbRegion(16, true)).toEqual([16, 18]);
    // 2 pages at 17: 0x11000 ^ 0x12000 = 0x3000 → mask 0x2000: address 0x11fff → 0x11000|S: lowest zero bit
    // is bit 13 → 16 KiB at 0x10000 (pages 16-19).
    expect(intel_flush_svm_range_dev(0, ATS, 17, 2, 0, 0)[1]).toMatchObject({ addr: 17, size: true });
    expect(devIotlbRegion(17, true)).toEqual([16, 20]);
    // One page: S clear, the page itself.
    expect(intel_flush_svm_range_dev(0, ATS, 17, 1, 0, 0)[1]).toMatchObject({ addr: 17, size: false });
    expect(devIotlbRegion(17, false)).toEqual([17, 18]);
  });

  it('pages == -1: NONG_PASID (ALL_ALL with gl) and the whole device TLB; no ATS, no device descriptor', () => {
    const [e, d] = intel_flush_svm_range_dev(2, ATS, 0, -1, 0, 0) as [E, D];
    expect(e).toEqual({ desc: 'eiotlb', did: 3, pasid: 2, gran: 'nong-pasid' });
    expect(BigInt(d.addr) << 12n).toBe(QI_DEV_EIOTLB_ADDR((1n << 64n) - 1n >> 1n));
    expect(devIotlbRegion(d.addr, d.size)).toEqual([0, 2 ** 52]);
    expect((intel_flush_svm_range_dev(2, ATS, 0, -1, 0, 1)[0] as E).gran).toBe('all-all');
    expect(intel_flush_svm_range_dev(2, { ...ATS, ats: false }, 16, 3, 0, 0)).toHaveLength(1);
  });

  it('what a descriptor covers: DID and PASID tags, the SID of a device TLB', () => {
    const psi: E = { desc: 'eiotlb', did: 1, pasid: 0, gran: 'psi-pasid', addr: 17, am: 1, ih: 0, gl: 0 };
    expect([16, 17, 18].map((p) => eiotlbCovers(psi, 1, 0, p))).toEqual([true, true, false]);
    expect(eiotlbCovers(psi, 2, 0, 17)).toBe(false);
    expect(eiotlbCovers(psi, 1, 1, 17)).toBe(false);
    expect(eiotlbCovers({ desc: 'eiotlb', did: 1, pasid: 0, gran: 'nong-pasid' }, 1, 1, 17)).toBe(false);
    expect(eiotlbCovers({ desc: 'eiotlb', did: 1, pasid: 0, gran: 'all-all' }, 1, 1, 17)).toBe(true);
    const dev: D = { desc: 'dev-eiotlb', sid: 0x110, pasid: 0, qdep: 0, addr: 17, size: false };
    expect(devIotlbCovers(dev, 0x110, 0, 17)).toBe(true);
    expect(devIotlbCovers(dev, 0x111, 0, 17)).toBe(false);
    expect(devIotlbCovers(dev, 0x110, 0, 18)).toBe(false);
  });

  it('PCI_DEVID(bus, devfn) is (bus << 8) | devfn', () => {
    expect(PCI_DEVID(0, 0x08)).toBe(0x0008);
    expect(PCI_DEVID(3, 0x11)).toBe(0x0311);
  });
});
