// A scenario device's ids as the IOMMU and the driver see them (schema.ts DeviceHwSchema, with
// its defaults): what intel_iommu_enable_pasid puts in sdev->did, sid, dev_iotlb and qdep.
import { PCI_DEVID, type DevHw } from '../../machines/qi.ts';
import type { Scenario } from './schema.ts';

export interface DeviceIds extends DevHw {
  bus: number;
  devfn: number;
}

/** The n-th device's ids: bus 0, its own slot (devfn (n+1) << 3), its own domain (DID n+1). */
export function deviceHw(s: Scenario, device: string, n: number): DeviceIds {
  const c = s.iommu?.devices?.[device] ?? {};
  const bus = c.bus ?? 0;
  const devfn = c.devfn ?? ((n + 1) << 3);
  return { bus, devfn, sid: PCI_DEVID(bus, devfn), did: c.did ?? n + 1, ats: c.ats ?? false, qdep: c.qdep ?? 0 };
}
