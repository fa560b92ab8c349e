// checkScenario in one pass: the same answers as before (overlaps, re-mapping after munmap, a
// step after exit however late), and a 100,000-step scenario checked at once. The rescanning
// version took 150 s on that scenario and failed here on the test timeout.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';

const world = (steps: Record<string, unknown>[]) => ({ name: 'x', devices: ['d0'], processes: [{ name: 'A', steps }] });
const open = { op: 'open', file: 'f', device: 'd0' };

describe('checkScenario: vmas and exit in one pass', () => {
  it.each([
    ['an overlap names the vma it overlaps', [open, { op: 'mmap', vma: 'a', addr: 10, pages: 4 }, { op: 'mmap', vma: 'b', addr: 13, pages: 2 }], /^w: processes\[0\]\.steps\[2\]\.addr: overlaps vma 'a'$/],
    ['an overlap at the first page', [{ op: 'mmap', vma: 'a', addr: 10, pages: 4 }, { op: 'mmap', vma: 'b', addr: 6, pages: 5 }], /steps\[1\]\.addr: overlaps vma 'a'$/],
    ['a step after exit, late', [open, { op: 'exit' }, ...Array.from({ length: 50 }, () => ({ op: 'touch', addr: 1 }))], /^w: processes\[0\]\.steps\[2\]: a step after exit$/],
    ['unmapped twice', [{ op: 'mmap', vma: 'a', addr: 10, pages: 4 }, { op: 'munmap', vma: 'a' }, { op: 'munmap', vma: 'a' }], /steps\[2\]\.vma: vma 'a' unmapped twice$/],
  ])('%s', (_what, steps, message) => {
    expect(() => parseScenario(world(steps), 'w')).toThrow(message);
  });

  it('pages freed by munmap can be mapped again; adjacent vmas do not overlap', () => {
    const steps = [{ op: 'mmap', vma: 'a', addr: 10, pages: 4 }, { op: 'mmap', vma: 'b', addr: 14, pages: 2 }, { op: 'munmap', vma: 'a' }, { op: 'mmap', vma: 'c', addr: 11, pages: 3 }, { op: 'exit' }];
    expect(() => parseScenario(world(steps), 'w')).not.toThrow();
  });

  it('a 100,000-step scenario (50,000 vmas) is checked in one pass', () => {
    const steps: Record<string, unknown>[] = [open, { op: 'bind', file: 'f' }];
    for (let i = 0; steps.length < 99_999; i++) steps.push(i % 2 ? { op: 'touch', addr: 2 * i } : { op: 'mmap', vma: `v${i}`, addr: 2 * i, pages: 2 });
    steps.push({ op: 'exit' });
    expect(parseScenario(world(steps), 'w').processes[0]!.steps).toHaveLength(100_000);
    // And the last of them still sees every earlier vma.
    expect(() => parseScenario(world([...steps.slice(0, -1), { op: 'mmap', vma: 'late', addr: 0, pages: 1 }]), 'w')).toThrow(/steps\[99999\]\.addr: overlaps vma 'v0'$/);
  });
});

// Issue 26: the IOMMU section. A PRQ the ring mask cannot wrap, two devices with one requester
// id, an iommu entry for a device the scenario lacks: one line naming the field.
describe('checkScenario: the IOMMU section (prq, requester ids)', () => {
  const two = (iommu: unknown) => ({ name: 'x', devices: ['d0', 'd1'], processes: [{ name: 'A', steps: [open] }], iommu });
  it.each([
    ['a PRQ of 3 descriptors', { prq: 3 }, /^w: iommu\.prq: 3 descriptors is not a power of two \(2 to 256; 4\.4 has 256\)$/],
    ['a PRQ of 512', { prq: 512 }, /^w: iommu\.prq: /],
    ['a PRQ of 1', { prq: 1 }, /^w: iommu\.prq: /],
    ['two functions at one bus:devfn', { devices: { d0: { devfn: 0x10 }, d1: { devfn: 0x10 } } }, /^w: iommu\.devices\.d1: requester id 0:2\.0 is d0's too$/],
    ["d1 takes d0's default slot (devfn 0x08)", { devices: { d1: { devfn: 0x08 } } }, /^w: iommu\.devices\.d1: requester id 0:1\.0 is d0's too$/],
    ['an unknown device', { devices: { d9: { ats: true } } }, /^w: iommu\.devices\.d9: unknown device 'd9' \(valid: d0, d1\)$/],
    ['a devfn out of range', { devices: { d0: { devfn: 256 } } }, /^w: iommu\.devices\.d0\.devfn: /],
    ['an unknown field', { devices: { d0: { sid: 3 } } }, /^w: iommu\.devices\.d0: /],
  ])('%s', (_what, iommu, message) => {
    expect(() => parseScenario(two(iommu), 'w')).toThrow(message);
  });

  it('two functions of one slot (devfn 0x10, 0x11) on one bus, a ring of 4: accepted', () => {
    expect(parseScenario(two({ prq: 4, devices: { d0: { devfn: 0x10, ats: true }, d1: { devfn: 0x11 } } }), 'w').iommu?.prq).toBe(4);
  });
});
