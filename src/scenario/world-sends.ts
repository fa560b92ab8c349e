// The world's side of send_fd: the receiver's steps name the passed file by a placeholder until
// every process is compiled (the sender may come later in the order), then by the file's id; the
// receiver's first step naming it waits for the send step (compiled like an `after`: recvmsg
// blocks until the message is queued), which notifies it.
import type { ActorSpec } from '../runtime/types.ts';
import type { Scenario } from './schema.ts';

const PLACEHOLDER = 'recv:';

/** Process name → the fd names some send_fd passes to it. */
export function receivedNames(s: Scenario): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const p of s.processes) for (const st of p.steps) if (st.op === 'send_fd') out.set(st.to, (out.get(st.to) ?? new Set()).add(st.as));
  return out;
}

/** What a receiver's step names a passed fd by, until applySends resolves it. */
export const placeholder = (as: string): string => `${PLACEHOLDER}${as}`;

type Steps = Record<string, unknown>[];
const input = (specs: ActorSpec[], id: string) => specs.find((x) => x.id === id)!.input as { steps: Steps; receives?: boolean };

/** Each send_fd: the receiver's placeholders → the file's id, its first use waits for the send. */
export function applySends(specs: ActorSpec[], s: Scenario, names: Record<string, string>): void {
  s.processes.forEach((p, pi) =>
    p.steps.forEach((st, si) => {
      if (st.op !== 'send_fd') return;
      const sender = `process#${pi + 1}`;
      const receiver = `process#${s.processes.findIndex((q) => q.name === st.to) + 1}`;
      const file = String(input(specs, sender).steps[si]!.file);
      names[`${st.to}/${st.as}`] = file;
      const r = input(specs, receiver);
      r.receives = true;
      let first = true;
      r.steps.forEach((x, i) => {
        if (x.file !== placeholder(st.as)) return;
        const had = x.after as string | string[] | undefined;
        const wait = first ? { after: had === undefined ? `${sender}:${si}` : [had, `${sender}:${si}`].flat() } : {};
        r.steps[i] = { ...x, file, ...wait };
        first = false;
      });
      if (!first) {
        const a = input(specs, sender).steps[si]!;
        input(specs, sender).steps[si] = { ...a, notify: [...((a.notify as string[] | undefined) ?? []), receiver] };
      }
    }),
  );
}
