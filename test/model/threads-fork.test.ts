// Issue 25 item 6, as kernel-notes tables would write it: a thread (clone with CLONE_VM |
// CLONE_FILES) holds one mm_users and one files->count of its own, so only the last task's
// mmput runs exit_mmap and only the last put_files_struct closes the fds (kernel/fork.c copy_mm,
// copy_files; kernel/exit.c exit_mm, exit_files); a forked child's fd (dup_fd) and VMA (dup_mmap)
// each hold f_count of the parent's driver file, so the release runs at the child's last fput.
import { describe, expect, it } from 'vitest';
import { objectTable } from '../../src/trace/objects.ts';
import type { TraceEvent } from '../../src/runtime/types.ts';
import { explore } from '../../src/explore/explore.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { simulate } from '../../src/simulate.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { countsAfter, is, run, stepOf } from './helpers.ts';

const ctxOf = (e: TraceEvent) => e.args.ctx;
const at = (trace: TraceEvent[], step: number, id: string) => objectTable(trace.slice(0, step + 1)).get(id);

describe('thread-exit-while-faulting: one mm_users and one files->count per thread', () => {
  it('fixed: after the clone mm_users is 2 (A and T); A exit_mm leaves 1, and its put_files_struct closes nothing', async () => {
    const { trace, violations } = await run('thread-exit-while-faulting', 'fixed');
    expect(violations).toEqual([]);
    const clone = stepOf(trace, 'copy_mm: mmget', is('mmget', 'mm#1', 'process#1'));
    expect(countsAfter(trace, clone).mm_users).toBe(2);
    const aPut = stepOf(trace, "A's mmput", is('mmput', 'mm#1', 'process#1'));
    expect(countsAfter(trace, aPut).mm_users).toBe(1);
    const aFiles = stepOf(trace, "A's put_files_struct", is('ret.put_files_struct', 'process#1'));
    expect(trace.slice(0, aFiles).some(is('filp_close', 'file#1'))).toBe(false);
    expect(countsAfter(trace, aFiles).f_count).toBe(2);
  });

  it("fixed: the last mmput is T's, so exit_mmap runs in T's context; close_files and the final fput's ____fput are T's too", async () => {
    const { trace } = await run('thread-exit-while-faulting', 'fixed');
    const last = stepOf(trace, 'the mmput to 0', (e) => e.event === 'mmput' && e.to === 'mm#1' && countsAfter(trace, e.step).mm_users === 0);
    expect(trace[last]!.from).toBe('process#2');
    expect(ctxOf(trace.find(is('intel_mm_release', 'svm'))!)).toBe('process#2');
    expect(ctxOf(trace.find(is('filp_close', 'file#1', 'files#1'))!)).toBe('process#2');
    expect(trace.find(is('task_work_add', undefined, 'file#1'))!.to).toBe('process#2');
    expect(trace.find(is('__fput', 'file#1'))!.from).toBe('process#2');
  });

  it('pre-fix: the svm holds a third mm_users, so no mmput is the last one: the cycle leaks', async () => {
    const { trace, violations } = await run('thread-exit-while-faulting', 'pre-fix');
    expect(countsAfter(trace, stepOf(trace, 'copy_mm: mmget', is('mmget', 'mm#1', 'process#1'))).mm_users).toBe(3);
    expect(violations.map((v) => v.oracle)).toEqual(['leak']);
    expect(trace.some(is('mmu_notifier_release', 'mm#1'))).toBe(false);
  });
});

describe('fork-keeps-file: the child holds the parent driver file; the parent mm stays bound, defunct', () => {
  it("fixed: dup_fd and dup_mmap's get_file take f_count to 4; the child's mm is new (mm_users 1, mm_count 1, no notifier)", async () => {
    const { trace, violations } = await run('fork-keeps-file', 'fixed');
    expect(violations).toEqual([]);
    const forked = stepOf(trace, 'the fork returns', is('ret.mmap_region', 'process#1', 'mm#2'));
    expect(countsAfter(trace, forked).f_count).toBe(4);
    expect(at(trace, forked, 'mm#2')).toMatchObject({ alive: true, mm_users: 1, mm_count: 1 });
    expect(trace.some(is('mmu_notifier_register', 'mm#2'))).toBe(false);
    expect(at(trace, forked, 'vma#2')).toMatchObject({ owner: 'process#2', refs: ['file#1'] });
  });

  it("fixed: A's exit leaves its mm defunct but bound; C's DMA then finds mm_users 0 (mmget_not_zero fails: bad_req)", async () => {
    const { trace } = await run('fork-keeps-file', 'fixed');
    const aDead = stepOf(trace, "A's last exit step", is('ret.filp_close', 'process#1'));
    expect(countsAfter(trace, aDead)).toMatchObject({ mm_users: 0, f_count: 2 });
    expect(at(trace, aDead, 'svm#1')?.alive).toBe(true);
    const pin = stepOf(trace, "the fault of C's DMA", is('ret.mmget_not_zero', 'prq', 'mm#1'), aDead);
    expect(trace[pin]!.args.ok).toBe(false);
  });

  it("fixed: the release runs at C's exit_mmap fput (C's task_work), after A is gone; its unbind drops A's mm_count", async () => {
    const { trace } = await run('fork-keeps-file', 'fixed');
    const aDead = stepOf(trace, "A's last exit step", is('ret.filp_close', 'process#1'));
    const final = stepOf(trace, 'the final fput', (e) => e.event === 'fput' && e.to === 'file#1' && countsAfter(trace, e.step).f_count === 0);
    expect(final).toBeGreaterThan(aDead);
    expect(trace[final]!.from).toBe('vma#2');
    expect(trace.find(is('task_work_add', undefined, 'file#1'))!.to).toBe('process#2');
    expect(ctxOf(trace.find(is('mmu_notifier_unregister', 'mm#1'))!)).toBe('process#2');
  });

  it('pre-fix: the svm holds mm_users of A, so the VMA in A keeps the file past both exits: the cycle leaks', async () => {
    const { violations } = await run('fork-keeps-file', 'pre-fix');
    expect(violations.map((v) => v.oracle)).toEqual(['leak']);
    expect(violations[0]!.message).toMatch(/reference cycle: mm#1 maps vma#1, vma#1 holds f_count of file#1/);
  });
});

describe('thread-munmap-exit: a thread munmaps the shared mapping, then is the last to exit', () => {
  it("pre-fix: the munmap drops the VMA's f_count, T's last put closes the file, and the unbind's mmput runs exit_mmap", async () => {
    const { trace, violations } = await run('thread-munmap-exit', 'pre-fix');
    expect(violations).toEqual([]);
    expect(trace.find(is('intel_invalidate_range', 'svm'))!.from).toBe('mm#1');
    expect(ctxOf(trace.find(is('filp_close', 'file#1', 'files#1'))!)).toBe('process#2');
    const last = stepOf(trace, 'the mmput to 0', (e) => e.event === 'mmput' && e.to === 'mm#1' && countsAfter(trace, e.step).mm_users === 0);
    expect(trace[last]!.from).toBe('svm');
  });
});

describe('clone without CLONE_FILES: the thread has a copy of the table (dup_fd)', () => {
  const world = {
    name: 'thread-copied-table',
    devices: ['accel0'],
    processes: [
      { name: 'A', steps: [{ op: 'open', file: 'dev', device: 'accel0' }, { op: 'mmap', vma: 'buf', file: 'dev', addr: 16, pages: 1 }, { op: 'bind', file: 'dev' }, { op: 'clone', task: 'T', files: false }, { op: 'exit' }] },
      { name: 'T', steps: [{ op: 'close', file: 'dev' }, { op: 'exit', after: 'A.exit' }] },
    ],
  };
  const dfs = (kernel: string) => explore({ scenario: parseScenario(world, 'w'), variant: variantByName(kernel), strategy: 'dfs', seed: 0, maxSteps: 2000, transport: 'inline', reorder: false, shrink: false });

  it('fixed: exhausted clean; pre-fix: the cycle leaks in every order', async () => {
    const fixed = await dfs('fixed');
    expect(fixed.dfs?.exhausted).toBe(true);
    expect(fixed.violations).toEqual([]);
    const pre = await dfs('pre-fix');
    expect(pre.dfs?.exhausted).toBe(true);
    expect(pre.violations.map((v) => v.oracle)).toEqual(['leak']);
  });

  it("fixed: A's exit closes A's fd only; T's close of its copy and the last mmput (T's) take f_count to 0 in T's context", async () => {
    const r = await simulate({ scenario: parseScenario(world, 'w'), variant: variantByName('fixed'), strategy: fifo(), transport: inlineTransport() });
    expect(r.violations).toEqual([]);
    expect(r.trace.filter(is('dup_fd', 'file#1')).map((e) => e.from)).toEqual(['process#1']);
    expect(r.trace.some((e) => e.to === 'files#1' || e.from === 'files#1')).toBe(false);
    const final = stepOf(r.trace, 'the final fput', (e) => (e.event === 'fput' || e.event === 'filp_close') && e.to === 'file#1' && countsAfter(r.trace, e.step).f_count === 0);
    expect(ctxOf(r.trace[final]!)).toBe('process#2');
    expect(r.trace.find(is('task_work_add', undefined, 'file#1'))!.to).toBe('process#2');
  });
});
