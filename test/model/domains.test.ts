// Domain ids (issue 26): IOTLB, PASID-cache and paging-structure-cache entries are tagged with the
// DID of the device's domain (intel_iommu_enable_pasid: sdev->did = domain->iommu_did[...]), so one
// domain's stale entries serve only that domain's devices. two-devices on fixed-no-release-flush
// shows it: with a domain per device (4.4's default) the missing release flush is unreachable
// there (docs/results/issue-26.md); with both devices in one domain, as iommu=pt's si_domain puts
// them, the second device's walk goes through the first one's cached page table, freed by exit.
import { describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/explore.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';

const twoDevices = (did1?: number) => {
  const s = loadScenario('two-devices');
  return did1 === undefined ? s : { ...s, iommu: { devices: { accel1: { did: did1 } } } };
};

describe('domain ids tag the IOMMU caches', () => {
  it('two devices get a domain each by default; a scenario may put them in one', () => {
    const hw = (s: ReturnType<typeof twoDevices>) => buildWorld(s, variantByName('fixed')).specs.find((x) => x.id === 'iommu')!.input as { devHw: Record<string, { did: number; sid: number }> };
    expect(hw(twoDevices()).devHw).toMatchObject({ 'dma#1': { did: 1, sid: 0x08 }, 'dma#2': { did: 2, sid: 0x10 } });
    expect(hw(twoDevices(1)).devHw).toMatchObject({ 'dma#1': { did: 1 }, 'dma#2': { did: 1, sid: 0x10 } });
  });

  it('one domain: fixed-no-release-flush\'s dma-freed, through the page table the other device\'s walk cached', async () => {
    const r = await explore({ scenario: twoDevices(1), variant: variantByName('fixed-no-release-flush'), strategy: 'dfs', seed: 0, maxSteps: 2000, transport: 'inline', reorder: false, shrink: false, stopOnFirst: true });
    expect(r.violations.map((v) => v.oracle)).toEqual(['dma-freed']);
    expect(r.violations[0]!.violation.message).toMatch(/DMA to freed memory in iommu-walk by the IOMMU: pt#1\.1 freed .* by exit_mmap/);
  }, 60_000);
});
