import { describe, expect, it } from 'vitest';
import { fileMachine } from '../../machines/file.ts';
import { vmaMachine } from '../../machines/vma.ts';
import { drive, sends, sent } from './harness.ts';

const file = () => {
  const f = drive(fileMachine, { id: 'file#1', dev: 'dma#1', svm: 'svm' });
  f.send({ type: 'open', ctx: 'process#1', owner: 'process#1', mm: 'mm#1' }, 'process#1');
  return f;
};
const fcount = (f: ReturnType<typeof file>) => f.context.objs['file#1'].f_count;

describe('file machine', () => {
  it('open allocates f_count 1; get_file and a non-final fput return at once', () => {
    const f = file();
    expect(fcount(f)).toBe(1);
    expect(sends(f.send({ type: 'get_file' }, 'vma#1'))).toEqual(['vma#1:ret.get_file']);
    expect(sends(f.send({ type: 'fput', ctx: 'process#1' }, 'vma#1'))).toEqual(['vma#1:ret.fput']);
    expect(fcount(f)).toBe(1);
  });

  it('the final fput from a task: task_work_add, and fput returns only once it is queued', () => {
    const f = file();
    expect(sends(f.send({ type: 'filp_close', ctx: 'process#1' }, 'process#1'))).toEqual(['process#1:task_work_add']);
    expect(sends(f.send({ type: 'ret.task_work_add', ok: true }, 'process#1'))).toEqual(['process#1:ret.filp_close']);
    expect(f.state).toBe('deferred');
  });

  it('the final fput from a kthread, or after task_work_add failed: delayed_fput on the workqueue lane', () => {
    const k = file();
    const out = k.send({ type: 'fput', ctx: 'prq' }, 'vma#1');
    expect(sends(out)).toEqual(['file#1:delayed_fput', 'vma#1:ret.fput']);
    expect(sent(out, 'delayed_fput')).toMatchObject({ lane: 'workqueue', ctx: 'kworker' });
    const t = file();
    t.send({ type: 'fput', ctx: 'process#1' }, 'vma#1');
    expect(sends(t.send({ type: 'ret.task_work_add', ok: false }, 'process#1'))).toEqual(['file#1:delayed_fput', 'vma#1:ret.fput']);
  });

  it('__fput of a bound file: the driver stops the device for the PASID, then unbinds, then frees', () => {
    const f = file();
    expect(sends(f.send({ type: 'ioctl_bind', ctx: 'process#1' }, 'process#1'))).toEqual(['svm:intel_svm_bind_mm']);
    expect(sends(f.send({ type: 'ret.intel_svm_bind_mm', pasid: 3, svm: 'svm#1' }, 'svm'))).toEqual(['process#1:ret.ioctl_bind']);
    f.send({ type: 'fput', ctx: 'prq' }, 'vma#1');
    expect(sends(f.send({ type: 'delayed_fput', ctx: 'kworker' }, 'file#1'))).toEqual(['dma#1:dma_stop']);
    expect(sends(f.send({ type: 'ret.dma_stop' }, 'dma#1'))).toEqual(['svm:intel_svm_unbind_mm']);
    // delayed_fput has no caller to answer
    expect(sends(f.send({ type: 'ret.intel_svm_unbind_mm' }, 'svm'))).toEqual([]);
    expect(f.state).toBe('freed');
    expect(f.context.objs['file#1'].alive).toBe(false);
  });

  it('__fput of an unbound file frees it straight away', () => {
    const f = file();
    f.send({ type: 'fput', ctx: 'process#1' }, 'process#1');
    f.send({ type: 'ret.task_work_add', ok: true }, 'process#1');
    expect(sends(f.send({ type: '__fput', ctx: 'process#1' }, 'process#1'))).toEqual(['process#1:ret.__fput']);
    expect(f.state).toBe('freed');
  });
});

describe('vma machine', () => {
  it('a file mapping takes get_file before it is mapped; remove_vma fputs, then frees', () => {
    const v = drive(vmaMachine, { id: 'vma#1', owner: 'process#1', mm: 'mm#1' });
    expect(sends(v.send({ type: 'vma_init', ctx: 'process#1', file: 'file#1', start: 1, end: 2 }, 'mm#1'))).toEqual(['file#1:get_file']);
    expect(sends(v.send({ type: 'ret.get_file' }, 'file#1'))).toEqual(['mm#1:ret.vma_init']);
    expect(sends(v.send({ type: 'remove_vma', ctx: 'prq' }, 'mm#1'))).toEqual(['file#1:fput']);
    expect(v.context.objs['vma#1'].alive).toBe(true);
    expect(sends(v.send({ type: 'ret.fput' }, 'file#1'))).toEqual(['mm#1:ret.remove_vma']);
    expect(v.context.objs['vma#1'].alive).toBe(false);
  });
  it('an anonymous mapping holds no file', () => {
    const v = drive(vmaMachine, { id: 'vma#2', owner: 'process#1', mm: 'mm#1' });
    expect(sends(v.send({ type: 'vma_init', ctx: 'p', file: null, start: 1, end: 2 }, 'mm#1'))).toEqual(['mm#1:ret.vma_init']);
    expect(sends(v.send({ type: 'remove_vma', ctx: 'p' }, 'mm#1'))).toEqual(['mm#1:ret.remove_vma']);
    expect(v.state).toBe('freed');
  });
});
