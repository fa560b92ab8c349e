// The exact counts the tests pin, in one place, so that a harmless change to the model updates
// them here once. Only two kinds are kept exact (item 6 of issue 17):
// - the kernel-notes tables (test/model/*-table.test.ts keep their rows' counts beside the rows);
// - a search's correctness: the stateful dfs of one small world must find exactly the states and
//   schedules the stateless search without reduction enumerates, however it is split.
// What catches a planted bug is an oracle (test/explore/must-hold.test.ts, test/mutation/), never
// one of these numbers.

/** munmap-close-alive on `fixed`: its whole state graph, as every search mode must see it.
 * 201 / 311 on main. Issue 25's RCU split bad_req into the walk, rcu_read_unlock and fault_cb
 * (+3 states and transitions: docs/results/issue-25.md); issue 26 gave prq_event_thread's walk
 * 4.4.y's register steps (writel PPR, read PQT/PQH, write PQH: +4). Both lie on the one fault's
 * path, which races nothing, so they add: 208 / 318 (top 223 -> 230, jobTransitions 702 -> 716,
 * shards 689/873 -> 703/887; schedules, leaves and below unchanged). Findings rows:
 * docs/results/issue-25.md and docs/results/issue-26.md. Issue 25's SRCU (srcu_read_lock/unlock
 * around do_munmap's invalidate and exit_mmap's release, synchronize_srcu, each a call and its
 * return: docs/results/issue-25-srcu.md): 248 / 388, schedules 19,600, leaves 142 (top 270,
 * below 178, jobTransitions 866, shards 853/1087). */
export const MUNMAP_CLOSE_ALIVE = {
  /** Distinct global states and transitions of the stateful dfs. */
  states: 248,
  transitions: 388,
  /** Interleavings counted by the stateless dfs without reduction: every schedule through the graph. */
  schedules: 19600,
  /** Runs of the stateful search: to an end state, or cut where it meets a state seen before. */
  leaves: 142,
  /** Split between two jobs (level 4): the states above the split, which each job walks, and
   * those below it, each expanded by one job; the transitions the two walk in all. */
  top: 270,
  below: 178,
  jobTransitions: 866,
  /** Two shards, which share no visited set. */
  shardStates: 853,
  shardTransitions: 1087,
};
