// A scenario device's ids as the IOMMU and the driver see them (schema.ts DeviceHwSchema, with
// its defaults): what intel_iommu_enable_pasid puts in sdev->did, sid, dev_iotlb and qdep.
import { PCI_DEVID, type DevHw } from '../../machines/qi.ts';
import type { Scenario } from './schema.ts';

export interface DeviceIds extends DevHw {
  bus: number;
  devfn: number;
}

/** The n-th device's ids: its own slot, function 0 (slot n+1 of 32 per bus: bus 0 slots 1-31,
 * then bus 1 from slot 0, as PCI_DEVID's 5-bit device number has it), its own domain (DID n+1). */
export function deviceHw(s: Scenario, device: string, n: number): DeviceIds {
  const c = s.iommu?.devices?.[device] ?? {};
  const slot = n + 1;
  const bus = c.bus ?? slot >> 5;
  const devfn = c.devfn ?? (slot & 31) << 3;
  return { bus, devfn, sid: PCI_DEVID(bus, devfn), did: c.did ?? n + 1, ats: c.ats ?? false, qdep: c.qdep ?? 0 };
}
