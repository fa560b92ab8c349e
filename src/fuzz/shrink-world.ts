// Shrink a world that shows a finding, keeping the same oracle: fast-check's shrinker proposes
// smaller genes (fewer processes, fewer steps, smaller numbers), and the first candidate that
// still shows the oracle is taken, then shrunk again, until none does or the tries run out.
// Candidates are judged `batch` at a time (a pool's worth) but taken in the shrinker's order, so
// the result is the same with one job or many. Genes that decode to a world already judged are
// not judged again.
import type fc from 'fast-check';
import type { OracleName } from '../oracles/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Genes } from './generate.ts';
import type { Judged } from './judge.ts';

export interface WorldShrink {
  arb: fc.Arbitrary<Genes>;
  decode: (g: Genes) => Scenario;
  oracle: OracleName;
  /** Judge these worlds (in parallel if it can); the results in their order. */
  judge: (ws: Scenario[]) => Promise<Judged[]>;
  /** At most this many candidate worlds judged. */
  tries: number;
  batch?: number;
  stop?: () => boolean;
  /** Each smaller world that still shows the oracle, as it is taken. */
  onSmaller?: (w: Scenario, j: Judged) => void;
}

export interface Shrunk {
  genes: fc.Value<Genes>;
  world: Scenario;
  judged: Judged;
  /** Candidate worlds judged, and how many were taken. */
  tries: number;
  steps: number;
}

export async function shrinkWorld(start: fc.Value<Genes>, judged: Judged, o: WorldShrink): Promise<Shrunk> {
  let best: Shrunk = { genes: start, world: o.decode(start.value), judged, tries: 0, steps: 0 };
  const seen = new Set<string>([JSON.stringify(best.world)]);
  const batch = Math.max(1, o.batch ?? 1);
  for (;;) {
    const next = await firstSmaller(best, seen, batch, o);
    if (!next) return best;
    best = next;
    o.onSmaller?.(best.world, best.judged);
  }
}

/** The first of best's shrinks that still shows the oracle (null: none, or out of tries). Tries
 * count as if judged one by one: up to the one taken. */
async function firstSmaller(best: Shrunk, seen: Set<string>, batch: number, o: WorldShrink): Promise<Shrunk | null> {
  const it = o.arb.shrink(best.genes.value_, best.genes.context)[Symbol.iterator]();
  let tries = best.tries;
  for (;;) {
    const cands: { genes: fc.Value<Genes>; world: Scenario; key: string }[] = [];
    while (cands.length < batch && tries + cands.length < o.tries) {
      const n = it.next();
      if (n.done) break;
      const world = o.decode(n.value.value_);
      const key = JSON.stringify(world);
      if (seen.has(key) || cands.some((c) => c.key === key)) continue;
      cands.push({ genes: n.value, world, key });
    }
    if (!cands.length || o.stop?.()) return null;
    const js = await o.judge(cands.map((c) => c.world));
    const k = js.findIndex((j) => j.finding?.oracle === o.oracle);
    // Only those up to the one taken count as seen: one by one, the rest were never judged.
    for (const c of k < 0 ? cands : cands.slice(0, k + 1)) seen.add(c.key);
    if (k >= 0) return { genes: cands[k]!.genes, world: cands[k]!.world, judged: js[k]!, tries: tries + k + 1, steps: best.steps + 1 };
    tries += cands.length;
    best.tries = tries;
  }
}
