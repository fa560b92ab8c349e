// --exhaustive's worlds (src/fuzz/enumerate.ts): every world of one process within the bounds,
// each valid, each once, fewest steps first, as many as exhaustiveCount says.
import { describe, expect, it } from 'vitest';
import { exhaustiveCount, exhaustiveWorlds } from '../../src/fuzz/enumerate.ts';
import { parseScenario } from '../../src/scenario/load.ts';

const stepsOf = (w: { processes: { steps: unknown[] }[] }) => w.processes[0]!.steps;

describe('exhaustive worlds', () => {
  it('of at most 1 step over 1 page: the world that only exits, and each first step alone', () => {
    const ws = [...exhaustiveWorlds({ processes: 1, steps: 1, pages: 1 })].map(stepsOf);
    // open; an anonymous mmap of page 16, read-write or read-only; a read or write touch of page
    // 16 or of the unmapped page 17.
    expect(ws).toEqual([
      [{ op: 'exit' }],
      [{ op: 'open', file: 'f0', device: 'dev0' }],
      [{ op: 'mmap', vma: 'v0', addr: 16, pages: 1 }],
      [{ op: 'mmap', vma: 'v0', addr: 16, pages: 1, prot: 'r' }],
      ...[16, 17].flatMap((addr) => [true, false].map((write) => [{ op: 'touch', addr, write }])),
    ]);
    expect(exhaustiveCount({ processes: 1, steps: 1, pages: 1 })).toBe(ws.length);
  });

  it('within 3 steps over 2 pages and 2 devices: every world valid, none twice, fewest steps first, as many as counted', () => {
    const b = { processes: 1, steps: 3, pages: 2, devices: 2 };
    const ws = [...exhaustiveWorlds(b)];
    expect(ws.length).toBe(exhaustiveCount(b));
    const texts = ws.map((w) => JSON.stringify(stepsOf(w)));
    expect(new Set(texts).size).toBe(ws.length);
    for (const w of ws) expect(() => parseScenario(w, w.name)).not.toThrow();
    const lengths = ws.map((w) => stepsOf(w).filter((s) => (s as { op: string }).op !== 'exit').length);
    for (let i = 1; i < lengths.length; i++) expect(lengths[i]! >= lengths[i - 1]!).toBe(true);
    expect(Math.max(...ws.map((w) => stepsOf(w).length))).toBe(3);
    // The seed's world is there: open, bind, mmap of the file, exit within 4 steps: not within 3.
    expect(texts).toContain(JSON.stringify([{ op: 'open', file: 'f0', device: 'dev1' }, { op: 'bind', file: 'f0' }, { op: 'exit' }]));
    expect(ws.map((w) => w.name)).toEqual(ws.map((_, i) => `fuzz-${i}`));
  });
});
