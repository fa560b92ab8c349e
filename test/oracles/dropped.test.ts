// The dropped oracle: P's unhandled event. The host marks an event that no active state handles
// (guards aside), and the oracle names actor, state, event and step.
import { judge } from '../../src/oracles/index.ts';
import { describe, expect, it } from 'vitest';
import { ActorHost } from '../../src/runtime/host.ts';
import { dropped } from '../../src/oracles/dropped.ts';
import { ObjectTable } from '../../src/trace/objects.ts';
import type { TraceEvent } from '../../src/runtime/types.ts';
import { variantByName } from '../../src/variants/variants.ts';

const hunks = variantByName('fixed').hunks;
const prq = () => {
  const h = new ActorHost();
  h.start([{ id: 'prq', kind: 'faultHandler', input: { id: 'prq', iommu: 'iommu', svm: 'svm', hunks } }]);
  return h;
};
const droppedOf = (d: { effects: { op: string }[] }) => d.effects.filter((e) => e.op === 'dropped');

describe('dropped events', () => {
  it('an event the state has no transition for is marked, with the state it met', () => {
    const h = prq();
    expect(droppedOf(h.deliver('prq', { type: 'ret.mmput' }, 'mm#1'))).toEqual([{ op: 'dropped', state: 'idle', event: 'ret.mmput' }]);
    // Asked again in the same state (the cached answer): the same.
    expect(droppedOf(h.deliver('prq', { type: 'ret.mmput' }, 'mm#1'))).toHaveLength(1);
  });

  it('a handled event is not, nor one whose guarded transitions all fail', () => {
    const h = prq();
    expect(droppedOf(h.deliver('prq', { type: 'pr_irq' }, 'iommu'))).toEqual([]);
    // writel_prs_ppr, then dmar_readq_pq: head == tail, so the walk ends at dmar_writeq_pqh.
    expect(droppedOf(h.deliver('prq', { type: 'ret.writel_prs_ppr' }, 'iommu'))).toEqual([]);
    expect(droppedOf(h.deliver('prq', { type: 'ret.dmar_readq_pq', head: 0, tail: 0 }, 'iommu'))).toEqual([]);
    // pr_irq while the thread runs: handled (kept for the next walk), not dropped.
    expect(droppedOf(h.deliver('prq', { type: 'pr_irq' }, 'iommu'))).toEqual([]);
    expect(droppedOf(h.deliver('prq', { type: 'ret.dmar_writeq_pqh' }, 'iommu'))).toEqual([]);
    expect(droppedOf(h.deliver('prq', { type: 'ret.writel_prs_ppr' }, 'iommu'))).toEqual([]);
    expect(droppedOf(h.deliver('prq', { type: 'ret.dmar_readq_pq', head: 0, tail: 0 }, 'iommu'))).toEqual([]);
    expect(droppedOf(h.deliver('prq', { type: 'ret.dmar_writeq_pqh' }, 'iommu'))).toEqual([]);
    // Back in idle: pr_irq again is fine, a stray return is not.
    expect(droppedOf(h.deliver('prq', { type: 'ret.idr_find' }, 'svm'))).toHaveLength(1);
  });

  it('a wildcard (`ret.*`) handles every return; a parallel machine handles what any region does', () => {
    const h = new ActorHost();
    h.start([
      { id: 'process#1', kind: 'process', input: { id: 'process#1', mm: 'mm#1', steps: [{ op: 'open', file: 'file#1' }] } },
      { id: 'svm', kind: 'svm', input: { id: 'svm', iommu: 'iommu', hunks } },
    ]);
    expect(droppedOf(h.deliver('process#1', { type: 'ret.open' }, 'file#1'))).toEqual([]);
    expect(droppedOf(h.deliver('svm', { type: 'intel_mm_release', svm: 'svm#1', ctx: 'process#1' }, 'mm#1'))).toEqual([]);
    expect(droppedOf(h.deliver('svm', { type: 'ret.mmput' }, 'mm#1'))).toHaveLength(1);
  });

  it('the oracle reports each with the actor, its state, the event, the sender and the step', () => {
    const trace: TraceEvent[] = [
      { step: 0, seq: 0, from: 'mm#1', to: 'prq', event: 'ret.mmput', args: { ctx: 'prq' }, state: 'bad_req', effects: [{ op: 'dropped', state: 'bad_req', event: 'ret.mmput' }], cause: null },
      { step: 1, seq: 1, from: 'iommu', to: 'prq', event: 'pr_irq', args: {}, state: 'prq_next', effects: [], cause: null },
    ];
    const v = judge({ trace, views: [], quiescent: true }, 10).violations.filter((x) => x.oracle === 'dropped');
    expect(dropped(trace[1]!, new ObjectTable(trace))).toBeUndefined();
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ oracle: 'dropped', step: 0, actors: ['prq', 'mm#1'] });
    expect(v[0]!.message).toMatch(/ret\.mmput .*reached prq in state bad_req/);
  });
});
