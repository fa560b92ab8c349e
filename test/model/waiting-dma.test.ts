// F4 (issue 29): any number of processes may wait on one device's DMA, as a driver's ioctl does
// (each blocked submit is answered once its own jobs are done); no oracle blames the kernel.
import { describe, expect, it } from 'vitest';
import { variantByName } from '../../src/variants/variants.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { simulate } from '../../src/simulate.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { random } from '../../src/scheduler/random.ts';

const proc = (name: string) => ({
  name,
  steps: [
    { op: 'open', file: 'dev', device: 'accel0' },
    { op: 'mmap', vma: 'buf', file: 'dev', addr: 16, pages: 2 },
    { op: 'bind', file: 'dev' },
    { op: 'dma', file: 'dev', addr: 16, write: true, wait: true },
    { op: 'exit' },
  ],
});
const world = (n: number) => parseScenario({ name: `wait-${n}`, devices: ['accel0'], processes: Array.from({ length: n }, (_, i) => proc(`P${i}`)) }, 'test');
const go = (n: number, seed?: number) =>
  simulate({ scenario: world(n), variant: variantByName('fixed'), strategy: seed === undefined ? fifo() : random(), seed, transport: inlineTransport() });

describe('several processes wait on one device (fixed kernel)', () => {
  it('fifo: two waiters, each answered after its own job reached its page; no violation, nothing stuck', async () => {
    const r = await go(2);
    expect(r.quiescent).toBe(true);
    expect(r.violations).toEqual([]);
    const answered = r.trace.filter((e) => e.event === 'ret.dma_submit').map((e) => e.to);
    expect(answered.sort()).toEqual(['file#1', 'file#2']);
  });
  it.each([0, 1, 2, 3, 4, 5, 6, 7])('random seed %i: two waiters, no violation', async (seed) => {
    const r = await go(2, seed);
    expect(r.violations).toEqual([]);
  });
  it('fifo: five waiters', async () => {
    const r = await go(5);
    expect(r.violations).toEqual([]);
    expect(r.trace.filter((e) => e.event === 'ret.dma_submit')).toHaveLength(5);
  });
});
