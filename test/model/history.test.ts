// The fixes on the line of history, each with its scenario, decided by the stateful dfs:
// - the canonical-address pair (9d8c3af31607, v4.14; its fix 902baf61adf6, v5.7): a page request
//   for a non-canonical address leaks an mm_users reference when the check sits after
//   mmget_not_zero, and does not once it comes first;
// - the unowned page requests: one without PASID (4.4: bad_req with svm NULL, an oops; 4.9.y:
//   goto no_pasid) and one for a PASID not in use (QI_RESP_FAILURE until 3aa7c62cb7d7, v5.12).
import { describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/explore.ts';
import { withFaults } from '../../src/faults/override.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { run } from './helpers.ts';

const dfs = (kernel: string, scenario = 'dma-noncanonical') => explore({ scenario: loadScenario(scenario), variant: variantByName(kernel), strategy: 'dfs', seed: 0, maxSteps: 2000, transport: 'inline', reorder: false });

describe('dma-noncanonical', () => {
  it('v4.14 (9d8c3af31607): bad_req after mmget_not_zero leaks mm_users (leak, refcount)', async () => {
    const r = await dfs('v4.14-9d8c3af31607');
    expect(r.violations.map((v) => v.oracle).sort()).toEqual(['leak', 'refcount']);
    expect(r.violations.find((v) => v.oracle === 'leak')!.violation.message).toMatch(/mm#1 \(mm_users 1, mm_count 2\)/);
  });
  it('v5.7 (902baf61adf6) and the seed: the stateful dfs exhausts the space clean', async () => {
    for (const k of ['v5.7-902baf61adf6', 'fixed']) {
      const r = await dfs(k);
      expect(r.dfs?.exhausted, k).toBe(true);
      expect(r.violations, k).toEqual([]);
    }
  });
  it('the fixed order answers INVALID without touching the mm; the seed finds no VMA', async () => {
    const v57 = await run('dma-noncanonical', 'v5.7-902baf61adf6');
    const asks = (r: typeof v57) => r.trace.filter((e) => e.to.startsWith('mm#') && ['mmget_not_zero', 'find_extend_vma'].includes(e.event)).map((e) => e.event);
    // The good DMA's fault pins and looks; the non-canonical one does neither.
    expect(asks(v57)).toEqual(['mmget_not_zero', 'find_extend_vma']);
    const seed = await run('dma-noncanonical', 'fixed');
    expect(asks(seed)).toEqual(['mmget_not_zero', 'find_extend_vma', 'mmget_not_zero', 'find_extend_vma']);
    expect(seed.trace.filter((e) => e.event === 'qi_page_response').map((e) => e.args.result)).toEqual(['INVALID', 'SUCCESS']);
  });
  it('a variant by its commit or release', () => {
    expect(variantByName('902baf61adf6').name).toBe('v5.7-902baf61adf6');
    expect(variantByName('9d8c3af').name).toBe('v4.14-9d8c3af31607');
    expect(variantByName('v5.7').name).toBe('v5.7-902baf61adf6');
    expect(() => variantByName('v9.9')).toThrow(/unknown kernel variant 'v9.9' \(valid: pre-fix, fixed, v4.9-no-pasid, v4.14-9d8c3af31607/);
  });
});
const answers = async (scenario: string, kernel: string) => (await run(scenario, kernel)).trace.filter((e) => e.event === 'qi_page_response').map((e) => `${String(e.args.pasid)}:${String(e.args.result)}`);

describe('page-request-no-pasid', () => {
  it('the seed oopses in bad_req (invariant); 4.9.y answers it from no_pasid and the dfs exhausts clean', async () => {
    expect((await dfs('fixed', 'page-request-no-pasid')).violations.map((v) => v.oracle)).toContain('invariant');
    const v49 = await dfs('v4.9-no-pasid', 'page-request-no-pasid');
    expect(v49.dfs?.exhausted).toBe(true);
    expect(v49.violations).toEqual([]);
  });
  it('no_pasid answers FAILURE until 3aa7c62cb7d7, INVALID after', async () => {
    expect(await answers('page-request-no-pasid', 'v4.9-no-pasid')).toEqual(['0:FAILURE']);
    expect(await answers('page-request-no-pasid', 'v5.12-3aa7c62cb7d7')).toEqual(['0:INVALID']);
  });
});

describe('dma-unknown-pasid', () => {
  it('v5.7: the FAILURE for PASID 7 disables PRI, so PASID 0\'s DMA fails (isolation)', async () => {
    const r = await dfs('v5.7-902baf61adf6', 'dma-unknown-pasid');
    expect(r.violations.map((v) => v.oracle)).toEqual(['isolation']);
    expect(r.violations[0]!.violation.message).toMatch(/PASID 0's DMA failed because PASID 7's page request got Response Failure/);
  });
  it('v5.12 (3aa7c62cb7d7): INVALID for PASID 7, PASID 0 served; the dfs exhausts clean', async () => {
    const r = await dfs('v5.12-3aa7c62cb7d7', 'dma-unknown-pasid');
    expect(r.dfs?.exhausted).toBe(true);
    expect(r.violations).toEqual([]);
    expect(await answers('dma-unknown-pasid', 'v5.12-3aa7c62cb7d7')).toEqual(['7:INVALID', '0:SUCCESS']);
  });
});

// 66ac4db36f4c (v5.8), tried and left off the line (docs/results/issue-28-drain.md): the device
// gives up on a request still on its way, the release unbinds. The drain waits for a request the
// scan finds, so the sdev use-after-free of v5.7 is gone; the one that reaches the PRQ after the
// scan is served after the unbind, on the svm and mm it freed.
describe('fault-response-lost with device-timeout: the PRQ drain tried', () => {
  const lost = async (kernel: string) => {
    const r = await explore({ scenario: withFaults(loadScenario('fault-response-lost'), 'device-timeout'), variant: variantByName(kernel), strategy: 'dfs', seed: 0, maxSteps: 2000, transport: 'inline', reorder: false });
    expect(r.dfs?.exhausted, kernel).toBe(true);
    return r.violations.map((v) => `${v.oracle}: ${v.violation.message}`);
  };
  it('v5.7: the thread\'s fault_cb on the sdev the unbind freed', async () => {
    expect(await lost('v5.7-902baf61adf6')).toEqual([expect.stringMatching(/^use-after-free: .*sdev->ops->fault_cb.*sdev#2 freed/)]);
  });
  it('v5.8 with the drain: no longer the sdev, but the svm the thread found before the unbind freed it', async () => {
    const v = await lost('v5.8-66ac4db36f4c');
    expect(v).toEqual([expect.stringMatching(/^use-after-free: BUG: KASAN: use-after-free in prq_event_thread .*svm#1 freed .* by intel_svm_unbind_mm/)]);
  });
});
