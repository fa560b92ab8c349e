// The world's name table holds the user's names: any name the scenario rule accepts, `__proto__`
// included, maps to its actor (issue 29 F9: a device named `__proto__` was looked up as
// Object.prototype, and the run crashed with "no actor '[object Object]'").
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { memoTransport } from '../../src/engine/memo.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { simulate } from '../../src/simulate.ts';
import { variantByName } from '../../src/variants/variants.ts';

const fixed = variantByName('fixed');
const world = (device: string, process: string) =>
  parseScenario({
    name: 'p',
    devices: [device],
    processes: [{ name: process, steps: [
      { op: 'open', file: 'f', device },
      { op: 'mmap', vma: 'b', file: 'f', addr: 1, pages: 1 },
      { op: 'bind', file: 'f' },
      { op: 'dma', file: 'f', addr: 1, write: true, wait: true },
      { op: 'exit' },
    ] }],
  }, 'w');

describe('names that are Object.prototype keys are names like any other', () => {
  it.each([
    ['__proto__', 'A'],
    ['constructor', 'A'],
    ['d0', '__proto__'],
  ])('device %s, process %s: each name maps to its actor, and the run ends cleanly', async (device, process) => {
    const s = world(device, process);
    const w = buildWorld(s, fixed);
    expect([w.names[device], w.names[process], w.names[`${process}/f`]]).toEqual(['dma#1', 'process#1', 'file#1']);
    const r = await simulate({ scenario: s, variant: fixed, strategy: fifo(), transport: memoTransport(), maxSteps: 3000 });
    expect(r.violations).toEqual([]);
  });
});
