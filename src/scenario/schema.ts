// The scenario format, as a zod schema: the world a test builds (P's test drivers). Processes and
// devices by name; each process runs its steps in order. Files and VMAs are named per process.
// `faults` names the faults the world allows (src/scenario/fault-kinds.ts), each with a scope and a budget.
import { z } from 'zod';
import { MAX_BUDGET } from './fault-kinds.ts';

const name = z.string().regex(/^[A-Za-z0-9_-]+$/, 'a name of letters, digits, _ or -');
const page = z.number().int().min(0).max(1 << 20);
const dmaPage = z.number().int().min(0).max(2 ** 52 - 1);
/** `"after": "A.exit"`: the step waits until process A has run that step (an op or a step index). */
const after = z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "'PROCESS.STEP', e.g. 'A.exit' or 'A.2'").optional();
const step = <T extends z.ZodRawShape>(shape: T) => z.strictObject({ ...shape, after });

/** A page request's descriptor flags (intel-svm.c 4.4, struct page_req_dsc) that a scenario's
 * device may set on the requests a DMA job sends: without PASID, privileged (priv_req), an
 * execute request (exe_req), not last in its group (lpig false), a stream request (srr). */
export const RequestSchema = z.strictObject({
  pasid_present: z.boolean().default(true),
  lpig: z.boolean().default(true),
  srr: z.boolean().default(false),
  priv_req: z.boolean().default(false),
  exe_req: z.boolean().default(false),
});

export const StepSchema = z.discriminatedUnion('op', [
  step({ op: z.literal('open'), file: name, device: name }),
  // supervisor: SVM_FLAG_SUPERVISOR_MODE, a PASID for kernel addresses (svm->mm NULL, init_mm's pgd).
  step({ op: z.literal('bind'), file: name, supervisor: z.boolean().optional() }),
  // prot: the VMA's protection; "r" makes a device write an access_error.
  step({ op: z.literal('mmap'), vma: name, file: name.optional(), addr: page, pages: z.number().int().min(1).max(1024), prot: z.enum(['r', 'rw']).optional() }),
  step({ op: z.literal('touch'), addr: page, write: z.boolean().default(true) }),
  // pasid: the device uses this PASID instead of the file's (a PASID never bound: a buggy driver).
  // addr: the page request descriptor's 52-bit page number: at 2^35 and above (and below
  // 2^52 - 2^35) the address is not canonical (is_canonical_address, 4-level paging).
  step({ op: z.literal('dma'), file: name, addr: dmaPage, write: z.boolean().default(true), count: z.number().int().min(1).max(64).default(1), wait: z.boolean().default(false), pasid: z.number().int().min(0).max((1 << 20) - 1).optional(), request: RequestSchema.optional() }),
  step({ op: z.literal('munmap'), vma: name }),
  step({ op: z.literal('close'), file: name }),
  step({ op: z.literal('unbind'), file: name }),
  step({ op: z.literal('exit') }),
  // clone(CLONE_VM | CLONE_FS | CLONE_SIGHAND | CLONE_THREAD, ...): `task` is a process entry whose
  // steps start once this step has run, a thread sharing this mm; `files` (CLONE_FILES, as
  // pthread_create passes it) shares the fd table, false gives it a copy (dup_fd).
  step({ op: z.literal('clone'), task: name, files: z.boolean().default(true) }),
  // fork: `task` gets a new mm (dup_mm: each VMA copied, a file-backed one with get_file) and a
  // copy of the fd table (dup_fd); its steps start once this step has run.
  step({ op: z.literal('fork'), task: name }),
  // sendmsg(SCM_RIGHTS) of fd `file` to process `to`, which gets it as its fd `as` (scm_fp_copy's
  // get_file; scm_detach_fds installs it in the receiver's table).
  step({ op: z.literal('send_fd'), file: name, to: name, as: name }),
]);

/** One allowed fault: its kind, a scope (a device, a process, or the whole run) and a budget. */
export const FaultSchema = z.strictObject({
  kind: z.string(),
  device: name.optional(),
  process: name.optional(),
  budget: z.number().int().min(1).max(MAX_BUDGET).default(1),
});

/** A device as the IOMMU sees it: its requester id (bus, devfn → PCI_DEVID), its domain id, and
 * ATS (sdev->dev_iotlb) with its invalidate queue depth. Defaults: slot n+1 for the n-th device,
 * function 0 (bus 0 slots 1-31, then bus 1, ...), DID n+1 (a domain each), no ATS, qdep 0. */
export const DeviceHwSchema = z.strictObject({
  bus: z.number().int().min(0).max(255).optional(),
  devfn: z.number().int().min(0).max(255).optional(),
  did: z.number().int().min(1).max(0xffff).optional(),
  ats: z.boolean().optional(),
  qdep: z.number().int().min(0).max(31).optional(),
});

/** The IOMMU the devices sit behind: the page request queue's size in descriptors (a power of
 * two; 256 at 4.4, PRQ_ORDER 0: one 4 KiB page of 16-byte descriptors) and the devices' ids. */
export const IommuSchema = z.strictObject({
  prq: z.number().int().min(2).max(256).optional(),
  devices: z.record(name, DeviceHwSchema).optional(),
});

export const ScenarioSchema = z.strictObject({
  name: name,
  description: z.string().default(''),
  devices: z.array(name).min(1),
  processes: z
    .array(z.strictObject({ name: name, steps: z.array(StepSchema).min(1) }))
    .min(1),
  faults: z.array(FaultSchema).optional(),
  iommu: IommuSchema.optional(),
});

export type ScenarioStep = z.infer<typeof StepSchema>;
export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioFault = z.infer<typeof FaultSchema>;
export type ScenarioRequest = z.infer<typeof RequestSchema>;
