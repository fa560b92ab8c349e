// Scenario + variant → the actors of one run, with stable ids (process#1, mm#1, file#2, vma#1,
// dma#1, and the singletons svm, iommu, prq, srcu). Ids depend only on the scenario, so the same world
// is built on every transport and in every worker.
import type { Step } from '../../machines/process.ts';
import type { Variant } from '../variants/variants.ts';
import type { ActorSpec } from '../runtime/types.ts';
import type { Scenario, ScenarioRequest } from './schema.ts';
import { applyFaults } from './world-faults.ts';
import { applyAfter } from './after.ts';
import { deviceHw } from './device-hw.ts';
import type { DevHw } from '../../machines/qi.ts';
import { groupRoot, spawnOrder, spawnsOf } from './spawn.ts';
import { handOver, sharesTable, startAfter, type Handed, type MappedVma } from './world-tasks.ts';
import { applySends, placeholder, receivedNames } from './world-sends.ts';

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
/** The global mmu-notifier srcu_struct (mm/mmu_notifier.c): one for every mm. */
export const SRCU = 'srcu';

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
    { id: SRCU, kind: 'srcu', input: { id: SRCU } },
  ];
  s.devices.forEach((d, i) => {
    names[d] = `dma#${i + 1}`;
    specs.push({ id: names[d]!, kind: 'dma', input: { id: names[d], iommu: IOMMU } });
  });
  let nFile = 0;
  let nVma = 0;
  const spawns = spawnsOf(s);
  /** What a clone or fork step hands the task it starts, by child index. */
  const handed = new Map<number, Handed>();
  const received = receivedNames(s);
  for (const i of spawnOrder(s, spawns)) {
    const p = s.processes[i]!;
    const pid = `process#${i + 1}`;
    const sp = spawns.get(i);
    // A clone's thread uses the mm (and with CLONE_FILES the fd table) of the task it came from.
    const mm = `mm#${groupRoot(spawns, i, false) + 1}`;
    const mmOwner = `process#${groupRoot(spawns, i, false) + 1}`;
    const files = sharesTable(s, spawns, i) ? `files#${groupRoot(spawns, i, true) + 1}` : undefined;
    names[p.name] = pid;
    const own: ActorSpec[] = mm === `mm#${i + 1}` ? [{ id: mm, kind: 'mm', input: { id: mm, owner: pid, svm: SVM, srcu: SRCU } }] : [];
    if (files === `files#${i + 1}`) own.push({ id: files, kind: 'files', input: { id: files } });
    const got = handed.get(i);
    if (got) Object.entries(got.names).forEach(([n, id]) => (names[`${p.name}/${n}`] = id));
    const passed = received.get(p.name);
    // A passed fd's id is known once its sender is compiled: applySends fills it in.
    const local = (n: string) => (passed?.has(n) ? placeholder(n) : names[`${p.name}/${n}`]!);
    /** The fds and VMAs this task holds as its steps run: what a fork or clone copies. */
    const fds = [...(got?.fds ?? [])];
    const mapped = new Map<string, MappedVma>(got?.vmas ?? []);
    const steps: Step[] = p.steps.map((st) => {
      switch (st.op) {
        case 'open': {
          const id = `file#${++nFile}`;
          names[`${p.name}/${st.file}`] = id;
          own.push({ id, kind: 'file', input: { id, dev: names[st.device], svm: SVM } });
          fds.push(id);
          return files ? { op: 'open', file: id, files } : { op: 'open', file: id };
        }
        case 'mmap': {
          const id = `vma#${++nVma}`;
          names[`${p.name}/${st.vma}`] = id;
          own.push({ id, kind: 'vma', input: { id, owner: mmOwner, mm } });
          const step: Step = { op: 'mmap', vma: id, file: st.file ? local(st.file) : null, start: st.addr, end: st.addr + st.pages };
          mapped.set(st.vma, { vma: id, file: step.file, start: step.start, end: step.end, ...(st.prot === 'r' ? { ro: true } : {}) });
          return st.prot === 'r' ? { ...step, ro: true } : step;
        }
        case 'touch':
          return { op: 'touch', addr: st.addr, write: st.write };
        case 'dma':
          return { op: 'dma', file: local(st.file), addr: st.addr, write: st.write, count: st.count, wait: st.wait, ...(st.pasid !== undefined ? { pasid: st.pasid } : {}), ...requestOf(st.request) };
        case 'munmap':
          mapped.delete(st.vma);
          return { op: 'munmap', vma: local(st.vma) };
        case 'exit':
          return { op: 'exit' };
        case 'clone':
        case 'fork': {
          const child = s.processes.findIndex((q) => q.name === st.task);
          const h = handOver(p.name, names, fds, mapped, st.op === 'fork' ? () => `vma#${++nVma}` : null);
          handed.set(child, h);
          const cpid = `process#${child + 1}`;
          if (st.op === 'clone') return { op: 'clone', task: cpid, table: st.files ? files! : null };
          const cmm = `mm#${child + 1}`;
          for (const v of h.vmas.values()) own.push({ id: v.vma, kind: 'vma', input: { id: v.vma, owner: cpid, mm: cmm } });
          return { op: 'fork', task: cpid, mm: cmm, vmas: [...h.vmas.values()] };
        }
        case 'bind':
          return { op: 'bind', file: local(st.file), ...(st.supervisor ? { supervisor: true } : {}) };
        case 'send_fd':
          return { op: 'send_fd', file: local(st.file), to: `process#${s.processes.findIndex((q) => q.name === st.to) + 1}` };
        case 'close': {
          const id = local(st.file);
          if (fds.includes(id)) fds.splice(fds.indexOf(id), 1);
          return files ? { op: 'close', file: id, files } : { op: 'close', file: id };
        }
        default:
          return { op: st.op, file: local(st.file) };
      }
    });
    const table = files ? { files } : got?.fds.length ? { fds: got.fds } : {};
    specs.push({ id: pid, kind: 'process', input: { id: pid, mm, steps, ...table } }, ...own);
    if (sp) startAfter(specs, pid, `process#${sp.parent + 1}`, sp.step);
  }
  applyAfter(specs, s);
  applySends(specs, s, names);
  applyFaults(specs, s, names);
  return { specs, names };
}
