// The memo table keys a state by its value and context; a process's step list is its input, the
// same in every state, so it is left out of the key (issue 29 F10: with it, each delivery wrote and
// hashed the whole list, and a 2,000-touch scenario took 28.6 s and 280 MB; without, 2.7 s).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoTransport } from '../../src/engine/memo.ts';
import { Interner } from '../../src/engine/intern.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { simulate } from '../../src/simulate.ts';
import { variantByName } from '../../src/variants/variants.ts';

const touches = (n: number) =>
  parseScenario({
    name: `touch-${n}`,
    devices: ['accel0'],
    processes: [{ name: 'A', steps: [
      { op: 'open', file: 'dev', device: 'accel0' },
      { op: 'mmap', vma: 'buf', file: 'dev', addr: 16, pages: 4 },
      ...Array.from({ length: n }, () => ({ op: 'touch', addr: 16, write: true })),
      { op: 'exit' },
    ] }],
  }, 'w');

const intern = Interner.prototype.intern;

/** The longest key the memo table interned in a fifo run of `n` touches. */
async function longestKey(n: number): Promise<number> {
  let longest = 0;
  vi.spyOn(Interner.prototype, 'intern').mockImplementation(function (this: Interner<unknown>, key, value) {
    longest = Math.max(longest, key.length);
    return intern.call(this, key, value);
  });
  const r = await simulate({ scenario: touches(n), variant: variantByName('fixed'), strategy: fifo(), transport: memoTransport() });
  vi.restoreAllMocks();
  expect(r.quiescent).toBe(true);
  return longest;
}

afterEach(() => vi.restoreAllMocks());

describe('memo keys', () => {
  it('do not grow with the number of steps a process runs', async () => {
    expect(await longestKey(200)).toBe(await longestKey(20));
  });
});
