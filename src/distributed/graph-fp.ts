// A job's state graph (graph.ts) in fingerprints, so that jobs on other machines agree on what a
// state is, and only the edges that are this job's to give: the deliveries out of the states it
// owns (Redis said so: visited-redis.ts) and its entries from the top of the tree. A state two
// jobs expanded (claimed in the same instant) thus has its deliveries counted once, from its
// owner. Pairs of BigInt64 (from, to); 0 stands for ROOT as a `from` and END as a `to` (a
// fingerprint is never 0).
import { END, ROOT, schedulesOf, type StateGraph } from '../explore/graph.ts';

export interface FpGraph {
  edges: BigInt64Array;
  top: number;
}

export function ownedGraph(g: StateGraph, fps: readonly bigint[], mine: (id: number) => boolean): FpGraph {
  const out: bigint[] = [];
  for (let i = 0; i < g.edges.length; i += 2) {
    const [f, t] = [g.edges[i]!, g.edges[i + 1]!];
    if (f === ROOT) out.push(0n, fps[t]!);
    else if (mine(f)) out.push(fps[f]!, t === END ? 0n : fps[t]!);
  }
  return { edges: BigInt64Array.from(out), top: g.top };
}

export const encodeGraph = (g: FpGraph): Buffer => {
  const b = Buffer.alloc(8 + g.edges.length * 8);
  b.writeDoubleLE(g.top, 0);
  Buffer.from(g.edges.buffer, g.edges.byteOffset, g.edges.byteLength).copy(b, 8);
  return b;
};

export const decodeGraph = (b: Buffer): FpGraph => {
  const edges = new BigInt64Array((b.length - 8) / 8);
  for (let i = 0; i < edges.length; i++) edges[i] = b.readBigInt64LE(8 + i * 8);
  return { edges, top: b.readDoubleLE(0) };
};

export interface GraphCounts {
  /** Schedules through the merged graph (schedulesOf), distinct states expanded by their owner,
   * and the deliveries out of them. */
  paths: number;
  states: number;
  transitions: number;
}

/** The jobs' graphs merged: fingerprints to dense ids, then counted as --jobs counts them. */
export function countGraphs(gs: FpGraph[]): GraphCounts {
  const dense = new Map<bigint, number>();
  const idOf = (fp: bigint) => {
    let d = dense.get(fp);
    if (d === undefined) dense.set(fp, (d = dense.size));
    return d;
  };
  const owned = new Set<number>();
  let transitions = 0;
  const graphs: StateGraph[] = gs.map((g) => {
    const edges = new Int32Array(g.edges.length);
    for (let i = 0; i < g.edges.length; i += 2) {
      const [f, t] = [g.edges[i]!, g.edges[i + 1]!];
      edges[i] = f === 0n ? ROOT : idOf(f);
      edges[i + 1] = t === 0n ? END : idOf(t);
      if (f !== 0n) {
        owned.add(edges[i]!);
        if (t !== 0n) transitions++;
      }
    }
    return { edges, top: g.top };
  });
  return { paths: schedulesOf(graphs), states: owned.size, transitions };
}
