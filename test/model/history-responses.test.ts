// The unowned page requests on the line of history: a request without PASID (4.4: bad_req with
// svm NULL, an oops; 4.9.y: goto no_pasid) and one for a PASID not in use (QI_RESP_FAILURE until
// 3aa7c62cb7d7, v5.12, which answers QI_RESP_INVALID). The stateful dfs decides each.
import { describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/explore.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { run } from './helpers.ts';

const dfs = (scenario: string, kernel: string) => explore({ scenario: loadScenario(scenario), variant: variantByName(kernel), strategy: 'dfs', seed: 0, maxSteps: 2000, transport: 'inline', reorder: false });
const answers = async (scenario: string, kernel: string) => (await run(scenario, kernel)).trace.filter((e) => e.event === 'qi_page_response').map((e) => `${String(e.args.pasid)}:${String(e.args.result)}`);

describe('page-request-no-pasid', () => {
  it('the seed oopses in bad_req (invariant); 4.9.y answers it from no_pasid and the dfs exhausts clean', async () => {
    expect((await dfs('page-request-no-pasid', 'fixed')).violations.map((v) => v.oracle)).toContain('invariant');
    const v49 = await dfs('page-request-no-pasid', 'v4.9-no-pasid');
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
    const r = await dfs('dma-unknown-pasid', 'v5.7-902baf61adf6');
    expect(r.violations.map((v) => v.oracle)).toEqual(['isolation']);
    expect(r.violations[0]!.violation.message).toMatch(/PASID 0's DMA failed because PASID 7's page request got Response Failure/);
  });
  it('v5.12 (3aa7c62cb7d7): INVALID for PASID 7, PASID 0 served; the dfs exhausts clean', async () => {
    const r = await dfs('dma-unknown-pasid', 'v5.12-3aa7c62cb7d7');
    expect(r.dfs?.exhausted).toBe(true);
    expect(r.violations).toEqual([]);
    expect(await answers('dma-unknown-pasid', 'v5.12-3aa7c62cb7d7')).toEqual(['7:INVALID', '0:SUCCESS']);
  });
});
