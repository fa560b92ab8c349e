// The built-in scenarios that exist to show what a fault (or a DMA the kernel refuses) finds: on
// `fixed` they fire oracles by design (docs/results/findings.md, "What exploration finds with faults"), so the
// "no oracle fires on fixed" checks leave them out; test/faults covers them.
import type { OracleName } from '../oracles/types.ts';
import type { Scenario } from '../scenario/schema.ts';

/** Each one's finding on `fixed`: the oracle that shows the bug it was written to show (none:
 * fault-response-dup shows the driver coping with a duplicated response). fault-retry-forever's
 * device retries until the step limit (`stuck`; the stateful dfs also closes its lasso: livelock). */
export const FAULT_FINDINGS: Record<string, OracleName[]> = {
  'fault-timeout-reuse': ['isolation'],
  'fault-stop-slow': ['use-after-free'],
  'fault-response-lost': ['stuck'],
  'fault-response-dup': [],
  'fault-retry-forever': ['stuck'],
  'fault-refused-dma': ['isolation'],
  // 4.4's bad_req with svm == NULL (a request without PASID): the IRQ thread oopses.
  'page-request-no-pasid': ['invariant'],
  // 4.4 to v5.11: a request for a PASID not in use is answered QI_RESP_FAILURE, which disables
  // the device's PRI for every PASID (3aa7c62cb7d7, v5.12, answers INVALID).
  'dma-unknown-pasid': ['isolation'],
  // The seed to v4.18: a supervisor svm's PASID entry (init_mm's pgd, SRE) stays present after
  // the unbind frees its PASID (no notifier release clears it); 4fa064b26c2e (v4.19) clears it.
  'supervisor-unbind': ['dangling'],
};
export const FAULT_SCENARIOS = Object.keys(FAULT_FINDINGS);
export const isFaultScenario = (name: string): boolean => FAULT_SCENARIOS.includes(name);

/** The world breaks one of the driver's contracts: it allows faults (the scenario's `faults`, or
 * `--faults`), or a device DMAs with a PASID of its own choosing (a `dma` step's `pasid`: a PASID
 * nobody bound to it). The portfolio gives such a world the rotation that puts a fault at its
 * moment (src/scheduler/portfolio.ts, FAULT_ROTATION). */
export const breaksContracts = (s: Scenario): boolean => !!s.faults?.length || roguePasid(s);
/** A `dma` step's device sends page requests without a PASID (`request.pasid_present` false):
 * legal for the device, fatal for 4.4's prq_event_thread. */
export const requestWithoutPasid = (s: Scenario): boolean => s.processes.some((p) => p.steps.some((x) => x.op === 'dma' && x.request?.pasid_present === false));
/** A `bind` step with SVM_FLAG_SUPERVISOR_MODE: its unbind oopses at 4.4 (NULL svm->mm) and leaves
 * the PASID entry present from the seed to v4.18 (supervisor-unbind's findings). */
export const supervisorBind = (s: Scenario): boolean => s.processes.some((p) => p.steps.some((x) => x.op === 'bind' && (x as { supervisor?: boolean }).supervisor === true));
/** A `dma` step names a PASID of its own: a device told a PASID nobody bound to it. */
export const roguePasid = (s: Scenario): boolean => s.processes.some((p) => p.steps.some((x) => x.op === 'dma' && x.pasid !== undefined));
