// send_fd steps (sendmsg with SCM_RIGHTS): which process gets which fd, checked before the steps
// are walked. The receiver's first step naming the fd waits for the send (as recvmsg blocks until
// the message is there), so a static walk of each task alone can treat the name as the
// receiver's from its start. Refused: a send to itself or to a process that does not exist, one
// fd name received twice, and a receiver whose fd table changes with other tasks' steps (it
// clones or forks, or shares its table): what such a table holds would depend on the order.
import type { Scenario } from './schema.ts';
import { groupRoot, type Spawn } from './spawn.ts';

type Fail = (path: string, msg: string) => never;

/** An fd a task receives: the sender's task index and the send step's path. */
export interface Received {
  from: number;
  at: string;
}

/** Receiver index → its received fd names. */
export function receivedFds(s: Scenario, spawns: Map<number, Spawn>, fail: Fail): Map<number, Map<string, Received>> {
  const out = new Map<number, Map<string, Received>>();
  const valid = s.processes.map((q) => q.name).join(', ');
  s.processes.forEach((p, pi) =>
    p.steps.forEach((st, si) => {
      if (st.op !== 'send_fd') return;
      const at = `processes[${pi}].steps[${si}]`;
      const to = s.processes.findIndex((q) => q.name === st.to);
      if (to < 0) fail(`${at}.to`, `unknown process '${st.to}' (valid: ${valid})`);
      if (to === pi) fail(`${at}.to`, `process '${p.name}' cannot send an fd to itself (dup() is not a scenario step)`);
      const q = s.processes[to]!;
      if (q.steps.some((x) => x.op === 'clone' || x.op === 'fork')) fail(`${at}.to`, `'${q.name}' clones or forks: whether its child's copy of the fd table holds the passed fd would depend on the order of the two processes' steps (not modelled)`);
      const root = groupRoot(spawns, to, true);
      if (s.processes.some((_, j) => j !== to && groupRoot(spawns, j, true) === root)) fail(`${at}.to`, `'${q.name}' shares its fd table (CLONE_FILES): an fd passed into a shared table is not modelled`);
      const m = out.get(to) ?? new Map<string, Received>();
      out.set(to, m);
      const before = m.get(st.as);
      if (before) fail(`${at}.as`, `'${q.name}' receives an fd named '${st.as}' twice (${before.at} sends it already)`);
      m.set(st.as, { from: pi, at });
    }),
  );
  return out;
}
