// The exact counts the tests pin, in one place, so that a harmless change to the model updates
// them here once. Only two kinds are kept exact (item 6 of issue 17):
// - the kernel-notes tables (test/model/*-table.test.ts keep their rows' counts beside the rows);
// - a search's correctness: the stateful dfs of one small world must find exactly the states and
//   schedules the stateless search without reduction enumerates, however it is split.
// What catches a planted bug is an oracle (test/explore/must-hold.test.ts, test/mutation/), never
// one of these numbers.

/** munmap-close-alive on `fixed`: its whole state graph, as every search mode must see it.
 * (201 / 311 until issue 25's RCU split bad_req into the walk, rcu_read_unlock and fault_cb:
 * docs/results/issue-25.md.) */
export const MUNMAP_CLOSE_ALIVE = {
  /** Distinct global states and transitions of the stateful dfs. */
  states: 204,
  transitions: 314,
  /** Interleavings counted by the stateless dfs without reduction: every schedule through the graph. */
  schedules: 9880,
  /** Runs of the stateful search: to an end state, or cut where it meets a state seen before. */
  leaves: 112,
  /** Split between two jobs (level 4): the states above the split, which each job walks, and
   * those below it, each expanded by one job; the transitions the two walk in all. */
  top: 226,
  below: 138,
  jobTransitions: 708,
  /** Two shards, which share no visited set. */
  shardStates: 695,
  shardTransitions: 879,
};
