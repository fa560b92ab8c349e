import { describe, expect, it } from 'vitest';
import { processMachine, type Step } from '../../machines/process.ts';
import { drive, sends, sent } from './harness.ts';

const proc = (steps: Step[]) => drive(processMachine, { id: 'process#1', mm: 'mm#1', steps });

describe('process machine', () => {
  it('runs its steps as syscalls, one at a time, each waiting for its return', () => {
    const p = proc([{ op: 'open', file: 'file#1' }, { op: 'bind', file: 'file#1' }]);
    expect(sends(p.started)).toEqual(['file#1:open']);
    expect(p.waiting).toBe(true);
    expect(sends(p.send({ type: 'ret.open' }, 'file#1'))).toEqual(['file#1:ioctl_bind']);
    expect(sends(p.send({ type: 'ret.ioctl_bind', pasid: 0 }, 'file#1'))).toEqual([]);
    expect(p.state).toBe('running');
    expect(p.context.fds).toEqual(['file#1']);
  });

  it('do_exit in v4.4 order: exit_mm (mm_count), mmput, finish_task_switch on its own lane, exit_files, exit_task_work', () => {
    const p = proc([{ op: 'open', file: 'file#1' }, { op: 'exit' }]);
    expect(sends(p.send({ type: 'ret.open' }, 'file#1'))).toEqual(['mm#1:exit_mm']);
    const after = p.send({ type: 'ret.exit_mm' }, 'mm#1');
    expect(sends(after)).toEqual(['mm#1:mmdrop', 'mm#1:mmput']);
    expect(sent(after, 'mmdrop')).toMatchObject({ why: 'finish_task_switch', lane: 'sched' });
    expect(sends(p.send({ type: 'ret.mmput' }, 'mm#1'))).toEqual(['file#1:filp_close']);
    expect(sends(p.send({ type: 'ret.filp_close' }, 'file#1'))).toEqual([]);
    expect(p.state).toBe('dead');
  });

  it('task_work_add queues ____fput; exit_task_work runs it; after that task_work_add fails', () => {
    const p = proc([{ op: 'open', file: 'file#1' }, { op: 'exit' }]);
    p.send({ type: 'ret.open' }, 'file#1');
    p.send({ type: 'ret.exit_mm' }, 'mm#1');
    p.send({ type: 'ret.mmput' }, 'mm#1');
    expect(sent(p.send({ type: 'task_work_add', file: 'file#1' }, 'file#1'), 'ret.task_work_add')).toMatchObject({ ok: true });
    expect(sends(p.send({ type: 'ret.filp_close' }, 'file#1'))).toEqual(['file#1:__fput']);
    expect(p.state).toBe('do_exit.task_work_run');
    expect(sends(p.send({ type: 'ret.__fput' }, 'file#1'))).toEqual([]);
    expect(p.state).toBe('dead');
    expect(sent(p.send({ type: 'task_work_add', file: 'file#2' }, 'file#2'), 'ret.task_work_add')).toMatchObject({ ok: false });
  });

  it('a live task runs queued task work on return to user mode, before its next step', () => {
    const p = proc([{ op: 'open', file: 'file#1' }, { op: 'close', file: 'file#1' }, { op: 'touch', addr: 1, write: true }]);
    p.send({ type: 'ret.open' }, 'file#1');
    p.send({ type: 'task_work_add', file: 'file#1' }, 'file#1');
    expect(sends(p.send({ type: 'ret.filp_close' }, 'file#1'))).toEqual(['file#1:__fput']);
    expect(sends(p.send({ type: 'ret.__fput' }, 'file#1'))).toEqual(['mm#1:handle_mm_fault']);
    expect(p.context.fds).toEqual([]);
  });
});
