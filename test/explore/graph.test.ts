// The shared visited set (visited.ts) and the schedules counted on merged state graphs (graph.ts).
import { describe, expect, it } from 'vitest';
import { END, GraphRecorder, ROOT, schedulesOf, type StateGraph } from '../../src/explore/graph.ts';
import { FULL, seen, sharedVisited, SharedVisited } from '../../src/explore/visited.ts';

const g = (pairs: [number, number][], top = 0): StateGraph => ({ edges: Int32Array.from(pairs.flat()), top });

describe('schedulesOf', () => {
  it('counts every path from an entry to an end, a delivery at a time (two deliveries to one state count twice)', () => {
    // 0 -a-> 1, 0 -b-> 1, 0 -c-> 2; 1 -> 2; 2 ends: 3 schedules from 0.
    expect(schedulesOf([g([[ROOT, 0], [0, 1], [0, 1], [0, 2], [1, 2], [2, END]])])).toBe(3);
  });

  it('merges the jobs’ graphs: a job’s edge into a state another job expanded', () => {
    const a = g([[ROOT, 10], [10, 11], [10, 12], [11, END]], 2);
    const b = g([[ROOT, 20], [20, 11], [20, 12], [12, 11]]);
    // from 10: 1 (via 11) + 1 (12 -> 11); from 20: the same; plus two runs ended above the split
    expect(schedulesOf([a, b])).toBe(2 + 2 + 2);
    expect(schedulesOf([a])).toBe(2 + 1);
  });

  it('is Infinity on a cycle, and 0 below a state no job finished', () => {
    expect(schedulesOf([g([[ROOT, 0], [0, 1], [1, 2], [2, 0], [1, 3], [3, END]])])).toBe(Infinity);
    expect(schedulesOf([g([[ROOT, 0], [0, 1], [0, 2], [2, END]])])).toBe(1);
  });

  it('deep chains do not overflow the stack', () => {
    const r = new GraphRecorder();
    r.add(ROOT, 0);
    for (let i = 0; i < 200_000; i++) r.add(i, i + 1);
    r.add(200_000, END);
    expect(schedulesOf([r.graph()])).toBe(1);
  });
});

describe('SharedVisited', () => {
  it('one claim wins a key; every view of the buffer then sees it at the same slot', () => {
    const buf = sharedVisited(16);
    const [a, b] = [new SharedVisited(buf), new SharedVisited(buf)];
    const r = a.claim(42n);
    expect(r).toBeGreaterThanOrEqual(0);
    expect(seen(b.claim(42n))).toBe(r);
    // 42 + 16 probes on past 42's slot
    const s = b.claim(42n + 16n);
    expect(s).toBe((r + 1) % 16);
    expect(a.size).toBe(2);
  });

  it('takes no key past 70% full, and still finds those it holds', () => {
    const t = new SharedVisited(sharedVisited(8));
    const slots = [1n, 2n, 3n, 4n, 5n].map((k) => t.claim(k));
    expect(slots.every((s) => s >= 0)).toBe(true);
    expect(t.claim(6n)).toBe(FULL);
    expect(seen(t.claim(3n))).toBe(slots[2]);
  });

  it('refuses a size that is not a power of two', () => {
    expect(() => sharedVisited(12)).toThrow(/power of two/);
  });
});
