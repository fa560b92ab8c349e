// send_fd steps the validation refuses (src/scenario/check-sends.ts, and the checks of check.ts
// and check-tasks.ts that read what it finds), each as one line naming the field; and the ones
// it lets through. A refusal here is a scenario error (exit 2), never a run.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../../src/scenario/load.ts';
import { svmsim } from '../cli/cli.ts';

type Steps = Record<string, unknown>[];
const world = (...procs: [string, Steps][]) => ({ name: 's', devices: ['accel0'], processes: procs.map(([name, steps]) => ({ name, steps })) });
const open = (file = 'dev') => ({ op: 'open', file, device: 'accel0' });
const send = (to: string, as = 'p', file = 'dev') => ({ op: 'send_fd', file, to, as });
const mmapOf = (file: string, addr = 32) => ({ op: 'mmap', vma: `v${addr}`, file, addr, pages: 1 });
const exit = { op: 'exit' };
const refusal = (w: unknown): string => {
  try {
    parseScenario(w, 's.json');
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('not refused');
};

describe('send_fd: what check-sends.ts refuses', () => {
  it('`to` names no process: the field and the valid names', () => {
    expect(refusal(world(['A', [open(), send('Z'), exit]], ['B', [exit]]))).toBe("s.json: processes[0].steps[1].to: unknown process 'Z' (valid: A, B)");
  });

  it('an fd passed to the sender itself (that is dup(), not a send)', () => {
    expect(refusal(world(['A', [open(), send('A'), exit]]))).toBe("s.json: processes[0].steps[1].to: process 'A' cannot send an fd to itself (dup() is not a scenario step)");
  });

  it('a receiver that clones or forks: its child\'s copy of the table would depend on the order', () => {
    for (const op of [{ op: 'clone', task: 'T' }, { op: 'fork', task: 'T' }]) {
      const msg = refusal(world(['A', [open(), send('B'), exit]], ['B', [op, exit]], ['T', [exit]]));
      expect(msg).toMatch(/^s\.json: processes\[0\]\.steps\[1\]\.to: 'B' clones or forks: /);
    }
  });

  it('a receiver that shares its fd table (a CLONE_FILES thread)', () => {
    const w = world(['A', [open('own'), { op: 'clone', task: 'T', files: true }, exit]], ['T', [exit]], ['C', [open(), send('T'), exit]]);
    expect(refusal(w)).toMatch(/^s\.json: processes\[2\]\.steps\[1\]\.to: 'T' shares its fd table \(CLONE_FILES\)/);
  });

  it('one `as` name received twice, naming the send that took it first', () => {
    const w = world(['A', [open(), send('B'), exit]], ['C', [open(), send('B'), exit]], ['B', [exit]]);
    expect(refusal(w)).toBe("s.json: processes[1].steps[1].as: 'B' receives an fd named 'p' twice (processes[0].steps[1] sends it already)");
  });
});

describe('send_fd: what check.ts and check-tasks.ts refuse of a send or a received fd', () => {
  it('a closed file: scm_fp_copy finds no file (EBADF)', () => {
    expect(refusal(world(['A', [open(), { op: 'close', file: 'dev' }, send('B'), exit]], ['B', [exit]]))).toBe(
      "s.json: processes[0].steps[2].file: file 'dev' is closed: sendmsg's scm_fp_copy finds no file at that fd (EBADF)",
    );
  });

  it('a file never opened', () => {
    expect(refusal(world(['A', [open(), send('B', 'p', 'nope'), exit]], ['B', [exit]]))).toBe("s.json: processes[0].steps[1].file: unknown file 'nope' (open it first)");
  });

  it('`as` clashes with a name the receiver inherited (fork)', () => {
    const w = world(['A', [open('x'), { op: 'fork', task: 'C' }, exit]], ['C', [exit]], ['D', [open(), send('C', 'x'), exit]]);
    expect(refusal(w)).toBe("s.json: processes[2].steps[1].as: 'C' has a file 'x' already (inherited): name the passed fd otherwise");
  });

  it('`as` clashes with a name the receiver opens', () => {
    expect(refusal(world(['A', [open(), send('B'), exit]], ['B', [open('p'), exit]]))).toBe("s.json: processes[1].steps[0].file: file 'p' is the name of an fd this process receives by send_fd");
  });

  it.each(['bind', 'unbind', 'dma', 'send_fd'])('the receiver\'s %s on a received fd (the driver\'s ioctls on it, and passing it on, are not modelled)', (op) => {
    const use = op === 'send_fd' ? send('A', 'q', 'p') : op === 'dma' ? { op, file: 'p', addr: 16, wait: true } : { op, file: 'p' };
    const msg = refusal(world(['A', [open(), { op: 'bind', file: 'dev' }, send('B'), exit]], ['B', [use, exit]]));
    expect(msg).toBe(`s.json: processes[1].steps[0].file: a ${op} of an fd received by send_fd: the driver's ioctls on a passed fd, and passing it on, are not modelled (close and mmap are)`);
  });

  it('the receiver\'s close and mmap of a received fd pass, and so does a receiver that never names it', () => {
    expect(() => parseScenario(world(['A', [open(), send('B'), exit]], ['B', [mmapOf('p'), { op: 'close', file: 'p' }, exit]]), 's.json')).not.toThrow();
    expect(() => parseScenario(world(['A', [open(), send('B'), exit]], ['B', [exit]]), 's.json')).not.toThrow();
    // The receiver's own file of another name, and two different names from two senders.
    expect(() => parseScenario(world(['A', [open(), send('B', 'p')]], ['C', [open(), send('B', 'q')]], ['B', [open('own'), mmapOf('p'), mmapOf('q', 48), exit]]), 's.json')).not.toThrow();
  });

  it('the CLI refuses a bad send in one line with exit 2, naming the field, before any run', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'svmsim-send-')), 'send.json');
    writeFileSync(f, JSON.stringify(world(['A', [open(), send('A'), exit]])));
    const r = svmsim(['run', '--scenario', f, '--transport', 'inline']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/processes\[0\]\.steps\[1\]\.to: process 'A' cannot send an fd to itself/);
  });
});
