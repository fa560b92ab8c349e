// KASAN's report names the thread that made the access first (the actor a fault's harm names,
// src/faults/harms.ts): a call runs in the thread it carries, a return to a thread in that thread.
import { describe, expect, it } from 'vitest';
import { kasan } from '../../src/oracles/kasan.ts';
import { ObjectTable } from '../../src/trace/objects.ts';
import type { TraceEvent } from '../../src/runtime/types.ts';

const ev = (step: number, from: string, to: string, event: string, args: Record<string, unknown>, effects: TraceEvent['effects']): TraceEvent =>
  ({ step, seq: step, from, to, event, args, state: 'x', effects, cause: null }) as TraceEvent;

const trace: TraceEvent[] = [
  ev(0, 'iommu', 'svm', 'ret.intel_iommu_enable_pasid', {}, [{ op: 'alloc', obj: 'svm#1', kind: 'svm', owner: 'process#1', init: {} }]),
  ev(1, 'mm#1', 'svm', 'ret.mmu_notifier_unregister', {}, [{ op: 'free', obj: 'svm#1', kind: 'svm' }]),
  // prq_event_thread reads svm->mm once idr_find has returned to it.
  ev(2, 'svm', 'prq', 'ret.idr_find', { svm: 'svm#1' }, [{ op: 'access', obj: 'svm#1', how: 'prq_event_thread: svm->mm' }]),
  // bad_req's walk: the svm actor reads on prq's call.
  ev(3, 'prq', 'svm', 'prq_fault_cb', { ctx: 'prq', svm: 'svm#1' }, [{ op: 'access', obj: 'svm#1', how: 'prq_event_thread' }]),
];

/** The table as the run has folded it up to (not including) step `n`. */
const tableAt = (t: TraceEvent[], n: number) => {
  const o = new ObjectTable(t);
  for (const e of t.slice(0, n)) o.apply(e);
  return o;
};

describe('kasan: the thread that touches freed memory', () => {
  const objects = tableAt(trace, 2);
  it('a return to prq_event_thread: the thread is prq, first among the actors, and the report says so', () => {
    const [v] = kasan(trace[2]!, objects)!;
    expect(v!.actors).toEqual(['prq', 'svm']);
    expect(v!.message).toMatch(/use-after-free in prq_event_thread: svm->mm \(prq_event_thread\): svm#1 freed at step 1/);
  });
  it('a call: the thread it carries, the caller first', () => {
    const [v] = kasan(trace[3]!, objects)!;
    expect(v!.actors).toEqual(['prq', 'svm']);
    expect(v!.message).toMatch(/in prq_event_thread \(prq_event_thread\)/);
  });
  it('a return to an object actor is no thread of its own: the callee stays second', () => {
    const e = ev(4, 'mm#1', 'svm', 'ret.mmput', {}, [{ op: 'access', obj: 'svm#1', how: 'intel_svm_unbind_mm' }]);
    expect(kasan(e, tableAt([...trace, e], 2))![0]!.actors).toEqual(['mm#1', 'svm']);
  });
});
