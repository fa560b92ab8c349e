// pasid-idr: idr_alloc's ids lie in [0, pasid_max) and are unique among live PASIDs; a bind of an
// mm that has an svm finds it (one svm per mm).
import { describe, expect, it } from 'vitest';
import { PASID_MAX, pasidIdr } from '../../src/oracles/pasid-idr.ts';
import { ObjectTable } from '../../src/trace/objects.ts';
import type { Effect, TraceEvent } from '../../src/runtime/types.ts';
import type { KObj } from '../../machines/objects.ts';
import { run } from '../model/helpers.ts';

const alloc = (obj: string, kind: KObj['kind'], init: Record<string, unknown> = {}): Effect => ({ op: 'alloc', obj, kind, owner: 'process#1', init });
const free = (obj: string, kind: KObj['kind']): Effect => ({ op: 'free', obj, kind });
const step = (i: number, ...effects: Effect[]): TraceEvent => ({ step: i, seq: i, from: 'iommu', to: 'svm', event: 'ret.intel_iommu_enable_pasid', args: {}, state: '', effects, cause: null });
/** The oracle on the last step, the steps before it applied to the objects. */
function judge(...steps: Effect[][]) {
  const t = steps.map((e, i) => step(i, ...e));
  const objects = new ObjectTable(t);
  for (const ev of t.slice(0, -1)) objects.apply(ev);
  return (pasidIdr(t.at(-1)!, objects) ?? []).map((v) => v.message);
}
const pasid = (n: number, value: unknown) => alloc(`pasid#${n}`, 'pasid', { value });
const svm = (n: number, mm: string) => alloc(`svm#${n}`, 'svm', { links: [mm, `pasid#${n}`] });

describe('pasid-idr', () => {
  it('an id in range that no live PASID has passes; a freed one may be handed out again', () => {
    expect(judge([pasid(1, 0)])).toEqual([]);
    expect(judge([pasid(1, PASID_MAX - 1)])).toEqual([]);
    expect(judge([pasid(1, 0)], [free('pasid#1', 'pasid')], [pasid(2, 0)])).toEqual([]);
  });

  it('an id below 0, at pasid_max, missing, or one a live PASID still has', () => {
    expect(judge([pasid(1, -1)])).toEqual([`BUG: idr_alloc gave pasid#1 the id -1, outside [0, pasid_max = ${PASID_MAX}) in ret.intel_iommu_enable_pasid`]);
    expect(judge([pasid(1, PASID_MAX)])).toHaveLength(1);
    expect(judge([pasid(1, undefined)])).toHaveLength(1);
    expect(judge([pasid(1, 0)], [pasid(2, 0)])).toEqual(['BUG: idr_alloc gave pasid#2 the id 0, which live pasid#1 still has in ret.intel_iommu_enable_pasid']);
  });

  it('a second svm for an mm whose svm lives; none once it is freed, or for another mm', () => {
    expect(judge([svm(1, 'mm#1')], [svm(2, 'mm#1')])).toEqual([
      'BUG: intel_svm_bind_mm made svm#2 for mm#1, which live svm#1 already serves (the idr walk must find it) in ret.intel_iommu_enable_pasid',
    ]);
    expect(judge([svm(1, 'mm#1')], [free('svm#1', 'svm')], [svm(2, 'mm#1')])).toEqual([]);
    expect(judge([svm(1, 'mm#1')], [svm(2, 'mm#2')])).toEqual([]);
  });

  it('never fires on the model: a second file bound on one mm shares its svm and PASID', async () => {
    const r = await run('unbind-one-of-two-files', 'fixed');
    expect(r.violations).toEqual([]);
    const allocs = r.trace.flatMap((e) => e.effects).filter((e) => e.op === 'alloc');
    expect(allocs.filter((e) => e.kind === 'svm')).toHaveLength(1);
    expect(allocs.filter((e) => e.kind === 'pasid').map((e) => (e as { init: { value?: unknown } }).init.value)).toEqual([0]);
    expect(allocs.filter((e) => e.kind === 'sdev')).toHaveLength(1);
  });
});
