// Issue 25 item 6: a device fd passed to another process (sendmsg with SCM_RIGHTS), as 4.4 has it.
// net/core/scm.c: scm_fp_copy takes a reference (fget) for the message; the receiver's recvmsg →
// scm_detach_fds installs a new fd on that reference; a message that is never received (the
// receiver's socket released by its close_files: unix_release_sock, so unix_stream_sendmsg fails)
// is dropped by the sender's scm_destroy → __scm_destroy → fput. fs/file_table.c: whoever drops the
// last reference runs ____fput → __fput → ->release, on its own task_work: the driver's release
// (and so intel_svm_unbind_mm) runs in that task, whichever process bound the PASID.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { simulate, type SimResult } from '../../src/simulate.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { random } from '../../src/scheduler/random.ts';
import { refcount } from '../../src/oracles/refcount.ts';
import type { TraceEvent } from '../../src/runtime/types.ts';
import { frees, is, outOfOrder, run, stepOf, type Call } from './helpers.ts';

const SEEDS = 100;
const sim = (world: unknown, kernel: string, seed: number) =>
  simulate({ scenario: parseScenario(world, 'w.json'), variant: variantByName(kernel), strategy: random(), seed, transport: inlineTransport() });
async function firstSeed(go: (seed: number) => Promise<SimResult>, shows: (r: SimResult) => boolean): Promise<SimResult> {
  for (let seed = 0; seed < SEEDS; seed++) {
    const r = await go(seed);
    if (shows(r)) return r;
  }
  throw new Error(`no seed below ${SEEDS} shows it`);
}

/** The delivery that drops file#1's last reference (f_count → 0). */
const lastPut = (t: TraceEvent[]) => t.find((e) => e.effects.some((x) => x.op === 'count' && x.obj === 'file#1' && x.field === 'f_count' && x.to === 0))!;
const fCount = (e: TraceEvent) => e.effects.find((x) => x.op === 'count' && x.obj === 'file#1' && x.field === 'f_count') as { from: number; to: number } | undefined;
const sendCalls = (from: string, to: string): Call[] => [
  ['scm_fp_copy', is('scm_fp_copy', 'file#1', from)],
  ['scm_detach_fds', is('scm_detach_fds', to, from)],
  ['the sender\'s close', is('filp_close', 'file#1', from)],
];
/** The task a delivery runs in: its ctx, else the process that sent it. */
const ctxOf = (e: TraceEvent) => String(e.args.ctx ?? e.from);

describe('passed-fd-release: the last fput of a passed fd runs the release in whichever task drops it', () => {
  it('the send, in A: scm_fp_copy\'s reference (f_count +1), then B\'s scm_detach_fds installs it, then A\'s own close', async () => {
    const r = await run('passed-fd-release', 'fixed', 0);
    expect(outOfOrder(r.trace, sendCalls('process#1', 'process#2'))).toBeNull();
    const copy = r.trace.find(is('scm_fp_copy'))!;
    expect(fCount(copy)!.to - fCount(copy)!.from).toBe(1);
    expect(r.trace.find(is('ret.scm_detach_fds'))!.args.ok).toBe(true);
    expect(r.trace.some(is('scm_destroy'))).toBe(false);
  });

  it('fixed, B\'s close_files drops the last reference: B runs __fput, the release and the unbind of A\'s PASID, after A\'s exit_mmap ran ->release; B\'s unregister drops A\'s mm\'s last mm_count', async () => {
    const r = await firstSeed((seed) => run('passed-fd-release', 'fixed', seed), (x) => ctxOf(lastPut(x.trace)) === 'process#2' && lastPut(x.trace).event === 'filp_close');
    const t = r.trace;
    const put = lastPut(t);
    expect(put.from).toBe('process#2');
    // ____fput on B's task_work: B runs the __fput, and the driver's release in it.
    const work = t.find((e) => e.step > put.step && e.event === 'task_work_add')!;
    expect(work.to).toBe('process#2');
    const fput = t.find(is('__fput'))!;
    expect(fput.from).toBe('process#2');
    const unbind = t.find(is('intel_svm_unbind_mm'))!;
    expect(unbind.args.ctx).toBe('process#2');
    expect(unbind.step).toBeGreaterThan(fput.step);
    // A's exit_mmap → mmu_notifier_release → intel_mm_release ran first, in A.
    const release = t.find(is('intel_mm_release'))!;
    expect(release.args).toMatchObject({ ctx: 'process#1', mm: 'mm#1', tag: 'exit' });
    expect(release.step).toBeLessThan(unbind.step);
    // The unbind unregisters A's notifier from B: its mm_count is the last, so B frees A's mm.
    const unreg = t.find(is('mmu_notifier_unregister'))!;
    expect(unreg).toMatchObject({ to: 'mm#1', args: { ctx: 'process#2' } });
    const mmFree = stepOf(t, '__mmdrop(mm#1)', frees('mm#1'));
    expect(mmFree).toBeGreaterThan(unreg.step);
    expect(t.find((e) => e.step === mmFree)!.args.tag).toBe('unregister');
    expect(stepOf(t, 'kfree(svm)', frees('svm#1'))).toBeGreaterThan(mmFree);
    expect(r.violations).toEqual([]);
  });

  it('fixed, B\'s exit ran beside A\'s exit_mmap: B took and dropped its VMA\'s reference while A was inside exit_mmap', async () => {
    const r = await firstSeed((seed) => run('passed-fd-release', 'fixed', seed), (x) => ctxOf(lastPut(x.trace)) === 'process#2');
    const inExitMmap = (e: TraceEvent) => e.to === 'mm#1' && /exit_mmap/.test(e.state);
    const first = r.trace.find(inExitMmap)!.step;
    const end = r.trace.filter(inExitMmap).at(-1)!.step;
    const bPuts = r.trace.filter((e) => e.to === 'file#1' && String(e.args.ctx) === 'process#2' && (e.event === 'get_file' || e.event === 'fput')).map((e) => e.step);
    expect(bPuts.some((s) => s > first && s < end)).toBe(true);
  });

  it('fixed, A\'s exit_mmap drops the last reference (its VMA\'s, B\'s gone first): A runs the release', async () => {
    const r = await firstSeed((seed) => run('passed-fd-release', 'fixed', seed), (x) => ctxOf(lastPut(x.trace)) === 'process#1');
    const put = lastPut(r.trace);
    expect(put).toMatchObject({ from: 'vma#1', event: 'fput' });
    expect(r.trace.find(is('__fput'))!.from).toBe('process#1');
    expect(r.trace.find(is('intel_svm_unbind_mm'))!.args.ctx).toBe('process#1');
    // B's fd and VMA were put before, in B.
    const bPuts = r.trace.filter((e) => e.to === 'file#1' && String(e.args.ctx) === 'process#2' && (e.event === 'filp_close' || e.event === 'fput'));
    expect(bPuts.map((e) => e.event).sort()).toEqual(['filp_close', 'fput']);
    expect(bPuts.every((e) => e.step < put.step)).toBe(true);
    expect(r.violations).toEqual([]);
  });

  it('pre-fix: the svm\'s mm_users keeps A\'s exit_mmap from running, so A\'s VMA keeps the file: B\'s puts are never the last, nothing runs the release (leak)', async () => {
    const r = await run('passed-fd-release', 'pre-fix');
    const bPuts = r.trace.filter((e) => e.to === 'file#1' && String(e.args.ctx) === 'process#2' && (e.event === 'filp_close' || e.event === 'fput'));
    expect(bPuts).toHaveLength(2);
    expect(r.trace.some(is('__fput'))).toBe(false);
    expect(r.trace.some(is('intel_svm_unbind_mm'))).toBe(false);
    expect(r.trace.some((e) => e.to === 'mm#1' && /exit_mmap/.test(e.state))).toBe(false);
    expect(r.objects.get('file#1')).toMatchObject({ alive: true, f_count: 1 });
    expect(r.violations.map((v) => v.oracle)).toEqual(['leak']);
  });
});

describe('passed-fd-unreceived: a refused fd is fput by scm_destroy in the sender', () => {
  it('B exited first: its close_files released its socket, scm_detach_fds refuses, A\'s scm_destroy puts the message\'s reference; A\'s own close is then the last and A runs the release', async () => {
    const r = await run('passed-fd-unreceived', 'fixed', 0);
    const t = r.trace;
    const detach = t.find(is('scm_detach_fds'))!;
    // The receiver is past close_files (unix_release_sock) when the message would reach it.
    expect(detach.state).toBe('dead');
    expect(t.find(is('ret.scm_detach_fds'))!.args.ok).toBe(false);
    const calls: Call[] = [
      ['scm_fp_copy', is('scm_fp_copy', 'file#1', 'process#1')],
      ['scm_detach_fds', is('scm_detach_fds', 'process#2', 'process#1')],
      ['scm_destroy', is('scm_destroy', 'file#1', 'process#1')],
      ['A\'s close', is('filp_close', 'file#1', 'process#1')],
      ['__fput', is('__fput', 'file#1', 'process#1')],
    ];
    expect(outOfOrder(t, calls)).toBeNull();
    const destroy = t.find(is('scm_destroy'))!;
    expect(destroy.args.ctx).toBe('process#1');
    expect(fCount(destroy)!.from - fCount(destroy)!.to).toBe(1);
    // B never held the fd: nothing of B's touches the file.
    expect(t.some((e) => e.to === 'file#1' && String(e.args.ctx ?? e.from) === 'process#2')).toBe(false);
    expect(t.find(is('intel_svm_unbind_mm'))!.args.ctx).toBe('process#1');
    expect(r.violations).toEqual([]);
  });

  it('on every kernel the refusal is clean', async () => {
    for (const k of ['pre-fix', 'fixed', 'fixed-no-release-flush', 'fixed-no-fault-pin']) expect((await run('passed-fd-unreceived', k, 0)).violations).toEqual([]);
  });
});

// A binds and passes its fd to B, and lives on holding its own; B exits, once the send is done
// (accepted: B's close_files puts the received fd) or at once (refused: A's scm_destroy puts it).
const LIVE = (bWaits: boolean) => ({
  name: 'passed-fd-live',
  description: 'A binds and passes its fd to B and lives on; B exits',
  devices: ['accel0'],
  processes: [
    { name: 'A', steps: [{ op: 'open', file: 'dev', device: 'accel0' }, { op: 'bind', file: 'dev' }, { op: 'send_fd', file: 'dev', to: 'B', as: 'dev' }] },
    { name: 'B', steps: [{ op: 'exit', ...(bWaits ? { after: 'A.send_fd' } : {}) }] },
  ],
});

describe('the refcount oracle counts scm_fp_copy and scm_destroy as fds', () => {
  const judge = (r: SimResult, drop: string) => refcount({ trace: r.trace.filter((e) => e.event !== drop), objects: r.objects, views: r.views, quiescent: true, maxSteps: 2000 });

  it('accepted: B installs the fd and its close_files puts it; the file lives on with A\'s fd, f_count 1', async () => {
    const r = await sim(LIVE(true), 'fixed', 0);
    expect(r.trace.find(is('ret.scm_detach_fds'))!.args.ok).toBe(true);
    expect(r.trace.some(is('scm_destroy'))).toBe(false);
    expect(r.trace.filter((e) => e.to === 'file#1' && e.event === 'filp_close').map((e) => e.args.ctx)).toEqual(['process#2']);
    expect(r.objects.get('file#1')).toMatchObject({ alive: true, f_count: 1 });
    expect(r.violations).toEqual([]);
    expect(judge(r, 'none')).toEqual([]);
    // Without the scm_fp_copy the oracle counts A's fd minus B's close: none, against f_count 1.
    expect(judge(r, 'scm_fp_copy').map((v) => v.message)).toEqual(['BUG: at quiescence: file#1->f_count = 1, but its live holders account for 0: nothing']);
  });

  it('refused: A\'s scm_destroy puts it; without that put counted the oracle sees one fd too many', async () => {
    const r = await firstSeed((seed) => sim(LIVE(false), 'fixed', seed), (x) => x.trace.some(is('scm_destroy')));
    expect(r.objects.get('file#1')).toMatchObject({ alive: true, f_count: 1 });
    expect(r.violations).toEqual([]);
    expect(judge(r, 'none')).toEqual([]);
    expect(judge(r, 'scm_destroy').map((v) => v.message)).toEqual(['BUG: at quiescence: file#1->f_count = 1, but its live holders account for 2: 2 fd(s)']);
  });
});

describe('a refusal is the send\'s own: the next send of the same task starts unrefused', () => {
  // A passes its fd to B, which has exited (refused), then to C, which waits for it (installed).
  const TWO = {
    name: 'passed-fd-twice',
    description: 'A sends its fd to B, gone, then to C',
    devices: ['accel0'],
    processes: [
      { name: 'A', steps: [{ op: 'open', file: 'dev', device: 'accel0' }, { op: 'send_fd', file: 'dev', to: 'B', as: 'dev', after: 'B.exit' }, { op: 'send_fd', file: 'dev', to: 'C', as: 'dev' }, { op: 'close', file: 'dev' }] },
      { name: 'B', steps: [{ op: 'exit' }] },
      { name: 'C', steps: [{ op: 'close', file: 'dev' }] },
    ],
  };
  it('one scm_destroy, in the first send; the second is installed; the file is freed, nothing counted twice', async () => {
    const r = await sim(TWO, 'fixed', 0);
    const t = r.trace;
    expect(t.filter(is('ret.scm_detach_fds')).map((e) => [e.from, e.args.ok])).toEqual([['process#2', false], ['process#3', true]]);
    const destroys = t.filter(is('scm_destroy'));
    expect(destroys).toHaveLength(1);
    const second = t.find(is('scm_detach_fds', 'process#3'))!;
    expect(destroys[0]!.step).toBeLessThan(second.step);
    expect(r.objects.get('file#1')!.alive).toBe(false);
    expect(r.violations).toEqual([]);
  });
});
