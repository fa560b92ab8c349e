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

describe('process machine: clone and fork (copy_process)', () => {
  it('clone with CLONE_FILES: get_files on the shared table, then mmget (CLONE_VM), then the thread may start', () => {
    const p = drive(processMachine, { id: 'process#1', mm: 'mm#1', files: 'files#1', steps: [{ op: 'clone', task: 'process#2', table: 'files#1', notify: ['process#2'] }] });
    expect(sends(p.started)).toEqual(['files#1:get_files']);
    expect(sends(p.send({ type: 'ret.get_files' }, 'files#1'))).toEqual(['mm#1:mmget']);
    const done = p.send({ type: 'ret.mmget' }, 'mm#1');
    expect(sends(done)).toEqual(['process#2:after_done']);
    expect(sent(done, 'after_done')).toMatchObject({ key: 'process#1:0' });
    expect(p.state).toBe('running');
  });

  it('clone without CLONE_FILES and fork: dup_fd of each open fd (get_file), in fd order', () => {
    const p = proc([{ op: 'open', file: 'file#1' }, { op: 'open', file: 'file#2' }, { op: 'clone', task: 'process#2', table: null }]);
    p.send({ type: 'ret.open' }, 'file#1');
    expect(sends(p.send({ type: 'ret.open' }, 'file#2'))).toEqual(['file#1:dup_fd']);
    expect(sends(p.send({ type: 'ret.dup_fd' }, 'file#1'))).toEqual(['file#2:dup_fd']);
    expect(sends(p.send({ type: 'ret.dup_fd' }, 'file#2'))).toEqual(['mm#1:mmget']);
  });

  it("fork: dup_fd, then dup_mmap's copy of each VMA into the child's mm (mmap_region: vm_area_alloc, get_file)", () => {
    const vmas = [{ vma: 'vma#2', file: 'file#1', start: 16, end: 17 }, { vma: 'vma#3', file: 'file#1', start: 20, end: 22, ro: true }];
    const p = proc([{ op: 'open', file: 'file#1' }, { op: 'fork', task: 'process#2', mm: 'mm#2', vmas }]);
    expect(sends(p.send({ type: 'ret.open' }, 'file#1'))).toEqual(['file#1:dup_fd']);
    const first = p.send({ type: 'ret.dup_fd' }, 'file#1');
    expect(sent(first, 'mmap_region')).toMatchObject({ ctx: 'process#1', vma: 'vma#2', file: 'file#1', start: 16, end: 17 });
    expect(sent(p.send({ type: 'ret.mmap_region' }, 'mm#2'), 'mmap_region')).toMatchObject({ vma: 'vma#3', ro: true });
    expect(sends(p.send({ type: 'ret.mmap_region' }, 'mm#2'))).toEqual([]);
    expect(p.state).toBe('running');
    expect(p.context.fds).toEqual(['file#1']);
  });

  it('a forked child starts with the copied fds: its exit_files closes them', () => {
    const p = drive(processMachine, { id: 'process#2', mm: 'mm#2', fds: ['file#1'], steps: [{ op: 'exit' }] });
    p.send({ type: 'ret.exit_mm' }, 'mm#2');
    expect(sends(p.send({ type: 'ret.mmput' }, 'mm#2'))).toEqual(['file#1:filp_close']);
  });

  it('on a shared table: open ends with fd_install, close begins with __close_fd, exit_files is put_files_struct', () => {
    const p = drive(processMachine, { id: 'process#1', mm: 'mm#1', files: 'files#1', steps: [{ op: 'open', file: 'file#1', files: 'files#1' }, { op: 'close', file: 'file#1', files: 'files#1' }, { op: 'exit' }] });
    expect(sends(p.started)).toEqual(['file#1:open']);
    expect(sent(p.send({ type: 'ret.open' }, 'file#1'), 'fd_install')).toMatchObject({ file: 'file#1' });
    expect(sends(p.send({ type: 'ret.fd_install' }, 'files#1'))).toEqual(['files#1:__close_fd']);
    expect(sends(p.send({ type: 'ret.__close_fd' }, 'files#1'))).toEqual(['file#1:filp_close']);
    p.send({ type: 'ret.filp_close' }, 'file#1');
    p.send({ type: 'ret.exit_mm' }, 'mm#1');
    expect(sends(p.send({ type: 'ret.mmput' }, 'mm#1'))).toEqual(['files#1:put_files_struct']);
    expect(p.context.fds).toEqual([]);
    expect(sends(p.send({ type: 'ret.put_files_struct' }, 'files#1'))).toEqual([]);
    expect(p.state).toBe('dead');
  });

  it("a started task's first step with its own after waits for both keys", () => {
    const p = proc([{ op: 'touch', addr: 1, write: true, after: ['process#1:3', 'process#3:0'] }]);
    expect(p.state).toBe('after_wait');
    expect(sends(p.send({ type: 'after_done', key: 'process#1:3' }, 'process#1'))).toEqual([]);
    expect(p.state).toBe('after_wait');
    expect(sends(p.send({ type: 'after_done', key: 'process#3:0' }, 'process#3'))).toEqual(['mm#1:handle_mm_fault']);
  });
});
