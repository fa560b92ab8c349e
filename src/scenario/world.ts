// Scenario + variant → the actors of one run, with stable ids (process#1, mm#1, file#2, vma#1,
// dma#1, and the singletons svm, iommu, prq). Ids depend only on the scenario, so the same world
// is built on every transport and in every worker.
import type { Step } from '../../machines/process.ts';
import type { Variant } from '../variants/variants.ts';
import type { ActorSpec } from '../runtime/types.ts';
import type { Scenario, ScenarioRequest } from './schema.ts';
import { applyFaults } from './world-faults.ts';
import { applyAfter } from './after.ts';
import { deviceHw } from './device-hw.ts';
import type { DevHw } from '../../machines/qi.ts';

/** A dma step's request flags, only those that differ from a plain request (PASID present, last
 * in its group, no stream response, not privileged, no execute): a plain world's specs stay as
 * they were. */
function requestOf(r: ScenarioRequest | undefined): { request?: Partial<ScenarioRequest> } {
  const plain: ScenarioRequest = { pasid_present: true, lpig: true, srr: false, priv_req: false, exe_req: false };
  const differ = Object.fromEntries(Object.entries(r ?? {}).filter(([k, v]) => plain[k as keyof ScenarioRequest] !== v));
  return Object.keys(differ).length ? { request: differ } : {};
}

/** PRQ_ORDER 0 at 4.4: one page of 16-byte page request descriptors. */
export const PRQ_ENTRIES = 256;

export interface World {
  specs: ActorSpec[];
  /** Scenario names → actor ids: `A` → process#1, `A/f` → file#1, `accel0` → dma#1. */
  names: Record<string, string>;
}

export const SVM = 'svm';
export const IOMMU = 'iommu';
export const PRQ = 'prq';

/** Worlds built so far, by scenario and variant (a world is read, never changed). */
const built = new WeakMap<Scenario, Map<Variant, World>>();

export function buildWorld(s: Scenario, v: Variant): World {
  let byVariant = built.get(s);
  if (!byVariant) built.set(s, (byVariant = new Map()));
  let w = byVariant.get(v);
  if (!w) byVariant.set(v, (w = makeWorld(s, v)));
  return w;
}

function makeWorld(s: Scenario, v: Variant): World {
  // Scenario names are the user's: a null prototype, so `__proto__` is a name like any other.
  const names: Record<string, string> = Object.create(null) as Record<string, string>;
  const hunks = v.hunks;
  const devHw: Record<string, DevHw> = {};
  s.devices.forEach((d, i) => {
    const { did, sid, ats, qdep } = deviceHw(s, d, i);
    devHw[`dma#${i + 1}`] = { did, sid, ats, qdep };
  });
  const specs: ActorSpec[] = [
    { id: SVM, kind: 'svm', input: { id: SVM, iommu: IOMMU, hunks, devHw } },
    { id: IOMMU, kind: 'iommu', input: { id: IOMMU, prqThread: PRQ, devHw, prqSize: s.iommu?.prq ?? PRQ_ENTRIES } },
    { id: PRQ, kind: 'faultHandler', input: { id: PRQ, iommu: IOMMU, svm: SVM, hunks, prqSize: s.iommu?.prq ?? PRQ_ENTRIES } },
  ];
  s.devices.forEach((d, i) => {
    names[d] = `dma#${i + 1}`;
    specs.push({ id: names[d]!, kind: 'dma', input: { id: names[d], iommu: IOMMU } });
  });
  let nFile = 0;
  let nVma = 0;
  s.processes.forEach((p, i) => {
    const pid = `process#${i + 1}`;
    const mm = `mm#${i + 1}`;
    names[p.name] = pid;
    const own: ActorSpec[] = [{ id: mm, kind: 'mm', input: { id: mm, owner: pid, svm: SVM } }];
    const local = (n: string) => names[`${p.name}/${n}`]!;
    const steps: Step[] = p.steps.map((st) => {
      switch (st.op) {
        case 'open': {
          const id = `file#${++nFile}`;
          names[`${p.name}/${st.file}`] = id;
          own.push({ id, kind: 'file', input: { id, dev: names[st.device], svm: SVM } });
          return { op: 'open', file: id };
        }
        case 'mmap': {
          const id = `vma#${++nVma}`;
          names[`${p.name}/${st.vma}`] = id;
          own.push({ id, kind: 'vma', input: { id, owner: pid, mm } });
          const step: Step = { op: 'mmap', vma: id, file: st.file ? local(st.file) : null, start: st.addr, end: st.addr + st.pages };
          return st.prot === 'r' ? { ...step, ro: true } : step;
        }
        case 'touch':
          return { op: 'touch', addr: st.addr, write: st.write };
        case 'dma':
          return { op: 'dma', file: local(st.file), addr: st.addr, write: st.write, count: st.count, wait: st.wait, ...(st.pasid !== undefined ? { pasid: st.pasid } : {}), ...requestOf(st.request) };
        case 'munmap':
          return { op: 'munmap', vma: local(st.vma) };
        case 'exit':
          return { op: 'exit' };
        default:
          return { op: st.op, file: local(st.file) };
      }
    });
    specs.push({ id: pid, kind: 'process', input: { id: pid, mm, steps } }, ...own);
  });
  applyAfter(specs, s);
  applyFaults(specs, s, names);
  return { specs, names };
}
