// The state graph a job of a shared search records (see visited.ts), and the schedules covered,
// counted over the graphs of all jobs merged. With one visited set, a job that reaches a state
// another job expanded does not know how many schedules run on from it; the main thread does, once
// every job has handed in its edges.
//
// A graph is a flat list of pairs (from, to) of state ids (the shared table's slot, so jobs agree):
// (s, t) for a delivery from s to t, in the order s's deliveries were made; (ROOT, t) for a state
// the search entered the cached part at (from the root, or from the uncached tree above the split:
// a tree, so each entry is its own path); (s, END) for an end state (quiescent, or capped).

export const ROOT = -1;
export const END = -1;

export interface StateGraph {
  /** Pairs (from, to), as above. */
  edges: Int32Array;
  /** Runs that ended above the split (no state id): one schedule each. */
  top: number;
}

/** A growable list of pairs. */
export class GraphRecorder {
  private buf = new Int32Array(1 << 12);
  private n = 0;
  top = 0;

  add(from: number, to: number): void {
    if (this.n + 2 > this.buf.length) {
      const b = new Int32Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = from;
    this.buf[this.n++] = to;
  }

  graph(): StateGraph {
    return { edges: this.buf.slice(0, this.n), top: this.top };
  }
}

/** Schedules from the start to an end state through the merged graphs: for each state, the sum
 * over its deliveries of its successor's count (1 at an end state; 0 at a state nobody finished
 * expanding, as after a stop); Infinity if the merged graph has a cycle. The sums run in the
 * order the deliveries were made, as the single job's own count does. */
export function schedulesOf(graphs: StateGraph[]): number {
  // Dense ids, then the out-edges of each state in order (CSR).
  const dense = new Map<number, number>();
  const idOf = (s: number) => {
    let d = dense.get(s);
    if (d === undefined) dense.set(s, (d = dense.size));
    return d;
  };
  let pairs = 0;
  for (const g of graphs) {
    for (let i = 0; i < g.edges.length; i += 2) {
      if (g.edges[i] !== ROOT) idOf(g.edges[i]!);
      if (g.edges[i + 1] !== END) idOf(g.edges[i + 1]!);
    }
    pairs += g.edges.length / 2;
  }
  const n = dense.size;
  const end = new Uint8Array(n);
  const start = new Int32Array(n + 1);
  const roots: number[] = [];
  for (const g of graphs) {
    for (let i = 0; i < g.edges.length; i += 2) {
      const [f, t] = [g.edges[i]!, g.edges[i + 1]!];
      if (f === ROOT) roots.push(dense.get(t)!);
      else if (t === END) end[dense.get(f)!] = 1;
      else start[dense.get(f)! + 1]!++;
    }
  }
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const next = start.slice(0, n);
  const succ = new Int32Array(Math.max(pairs, 1));
  for (const g of graphs) {
    for (let i = 0; i < g.edges.length; i += 2) {
      const [f, t] = [g.edges[i]!, g.edges[i + 1]!];
      if (f !== ROOT && t !== END) succ[next[dense.get(f)!]!++] = dense.get(t)!;
    }
  }
  // Post-order, iteratively: 0 unseen, 1 on the stack, 2 done.
  const color = new Uint8Array(n);
  const count = new Float64Array(n);
  const stack: number[] = [];
  const at: number[] = [];
  const visit = (r: number): boolean => {
    if (color[r] === 2) return true;
    color[r] = 1;
    stack.push(r);
    at.push(start[r]!);
    while (stack.length) {
      const s = stack[stack.length - 1]!;
      const k = at[at.length - 1]!;
      if (k < start[s + 1]!) {
        at[at.length - 1] = k + 1;
        const t = succ[k]!;
        if (color[t] === 1) return false;
        if (color[t] === 0) {
          color[t] = 1;
          stack.push(t);
          at.push(start[t]!);
        }
        continue;
      }
      let c = end[s] ? 1 : 0;
      for (let j = start[s]!; j < start[s + 1]!; j++) c += count[succ[j]!]!;
      count[s] = c;
      color[s] = 2;
      stack.pop();
      at.pop();
    }
    return true;
  };
  let total = graphs.reduce((n, g) => n + g.top, 0);
  for (const r of roots) {
    if (!visit(r)) return Infinity;
    total += count[r]!;
  }
  return total;
}
