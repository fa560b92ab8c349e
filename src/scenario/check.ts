// What the schema cannot say: names refer to things that exist when the step runs. One pass over
// the steps, each checked in time bounded by its own size (an mmap by its pages, at most 1024): a
// 100,000-step scenario is checked in well under a second.
import { BadInput } from '../variants/variants.ts';
import type { Scenario } from './schema.ts';
import { deviceHw } from './device-hw.ts';
import { checkFaults } from './check-faults.ts';
import { checkAfter } from './after.ts';
import { checkFamiliesExit, checkSpawns, spawnOrder } from './spawn.ts';
import { Tasks } from './check-tasks.ts';
import { receivedFds } from './check-sends.ts';

export function checkScenario(s: Scenario, where: string): void {
  const fail = (path: string, msg: string): never => {
    throw new BadInput(`${where}: ${path}: ${msg}`);
  };
  const names = new Set<string>();
  s.devices.forEach((d, i) => (names.has(`dev:${d}`) ? fail(`devices[${i}]`, `device '${d}' named twice`) : names.add(`dev:${d}`)));
  s.processes.forEach((p, pi) => {
    if (names.has(`proc:${p.name}`)) fail(`processes[${pi}].name`, `process '${p.name}' named twice`);
    names.add(`proc:${p.name}`);
  });
  const spawns = checkSpawns(s, fail);
  const tasks = new Tasks(s, spawns);
  const received = receivedFds(s, spawns, fail);
  for (const pi of spawnOrder(s, spawns)) {
    const p = s.processes[pi]!;
    const { files, vmas, pages } = tasks.start(pi);
    for (const [name, r] of received.get(pi) ?? []) {
      if (files.has(name)) fail(`${r.at}.as`, `'${p.name}' has a file '${name}' already (inherited): name the passed fd otherwise`);
      files.set(name, tasks.receivedFile(pi, name));
    }
    let exited = false;
    p.steps.forEach((st, si) => {
      const at = `processes[${pi}].steps[${si}]`;
      if (exited) fail(at, 'a step after exit');
      if (st.op === 'exit') exited = true;
      const file = (f: string) => files.get(f) ?? fail(`${at}.file`, `unknown file '${f}' (open it first)`);
      if ('file' in st && st.file !== undefined && st.op !== 'open') tasks.use(pi, st.op, file(st.file), `${at}.file`, fail);
      switch (st.op) {
        case 'open':
          if (files.get(st.file)?.received) fail(`${at}.file`, `file '${st.file}' is the name of an fd this process receives by send_fd`);
          if (!s.devices.includes(st.device)) fail(`${at}.device`, `unknown device '${st.device}' (valid: ${s.devices.join(', ')})`);
          if (files.has(st.file)) fail(`${at}.file`, `file '${st.file}' opened twice`);
          files.set(st.file, tasks.newFile(pi, st.file));
          break;
        case 'bind': {
          const f = file(st.file);
          if (!f.open) fail(`${at}.file`, `file '${st.file}' is closed`);
          if (f.bound) fail(`${at}.file`, `file '${st.file}' is bound already`);
          // The model's driver binds the mm of the task that opened the file (get_task_mm(current)
          // in the opener's ioctl); a forked child's bind of an inherited file would bind its own.
          if (f.mm !== tasks.mmOf(pi)) fail(`${at}.file`, `file '${st.file}' was inherited by fork: its bind would be of this task's own mm, which the model's driver does not do (bind it before the fork, or open a file here)`);
          f.bound = true;
          break;
        }
        case 'unbind': {
          const f = file(st.file);
          // The unbind is an ioctl on the file: on a closed fd the kernel answers EBADF and never
          // reaches the driver (the close's release has unbound it already).
          if (!f.open) fail(`${at}.file`, `file '${st.file}' is closed`);
          if (!f.bound) fail(`${at}.file`, `file '${st.file}' is not bound`);
          f.bound = false;
          break;
        }
        case 'dma': {
          const f = file(st.file);
          // With an explicit `pasid` the device is told a PASID the file never bound.
          if (!f.open || (!f.bound && st.pasid === undefined)) fail(`${at}.file`, `file '${st.file}' must be open and bound for dma`);
          if (st.request) checkRequest(st.request, st.pasid, `${at}.request`, fail);
          break;
        }
        case 'close':
          if (!file(st.file).open) fail(`${at}.file`, `file '${st.file}' closed twice`);
          file(st.file).open = false;
          break;
        case 'mmap': {
          if (st.file !== undefined && !file(st.file).open) fail(`${at}.file`, `file '${st.file}' is closed`);
          if (vmas.has(st.vma)) fail(`${at}.vma`, `vma '${st.vma}' mapped twice`);
          const end = st.addr + st.pages;
          for (let pg = st.addr; pg < end; pg++) if (pages.has(pg)) fail(`${at}.addr`, `overlaps vma '${pages.get(pg)!}'`);
          tasks.claim(pi, st.addr, end, st.vma, `${at}.addr`, fail);
          for (let pg = st.addr; pg < end; pg++) pages.set(pg, st.vma);
          vmas.set(st.vma, tasks.newVma(pi, st.vma, st.addr, end, st.file === undefined));
          break;
        }
        case 'munmap': {
          const v = vmas.get(st.vma) ?? fail(`${at}.vma`, `unknown vma '${st.vma}'`);
          if (!v.mapped) fail(`${at}.vma`, `vma '${st.vma}' unmapped twice`);
          tasks.useVma(pi, v, `${at}.vma`, fail);
          v.mapped = false;
          for (let pg = v.start; pg < v.end; pg++) pages.delete(pg);
          break;
        }
        case 'send_fd':
          if (!file(st.file).open) fail(`${at}.file`, `file '${st.file}' is closed: sendmsg's scm_fp_copy finds no file at that fd (EBADF)`);
          break;
        case 'clone':
        case 'fork':
          tasks.spawn(pi, st, { files, vmas, pages }, `${at}.task`, fail);
          break;
        default:
          break;
      }
    });
  }
  checkFamiliesExit(s, spawns, fail);
  checkIommu(s, fail);
  checkFaults(s, fail);
  checkAfter(s, fail);
}

/** A dma step's page request flags, as struct page_req_dsc can carry them and 4.4 reads them. */
function checkRequest(r: NonNullable<Extract<Scenario['processes'][number]['steps'][number], { op: 'dma' }>['request']>, pasid: number | undefined, at: string, fail: (path: string, msg: string) => never): void {
  // 4.4: `if (req->lpig) { Page Group Response } else if (req->srr) { Page Stream Response }`.
  if (r.srr && r.lpig) fail(`${at}.srr`, 'a stream request is not last in a group: srr needs lpig false (4.4 reads srr only when lpig is clear)');
  if (!r.pasid_present && pasid !== undefined) fail(`${at}.pasid_present`, `false, yet the step gives pasid ${pasid}: a request without PASID carries none`);
  if (!r.pasid_present && (r.priv_req || r.exe_req)) fail(`${at}.pasid_present`, 'false, yet priv_req or exe_req is set: PCIe carries those in the PASID prefix, which a request without PASID has not');
}

/** The IOMMU section: a ring size the index mask can wrap (a power of two), devices that exist,
 * and one requester id per device (the fault handler tells devices apart by PCI_DEVID). */
function checkIommu(s: Scenario, fail: (path: string, msg: string) => never): void {
  const prq = s.iommu?.prq;
  if (prq !== undefined && (prq & (prq - 1)) !== 0) fail('iommu.prq', `${prq} descriptors is not a power of two (2 to 256; 4.4 has 256)`);
  const rids = new Map<number, string>();
  s.devices.forEach((d, i) => {
    const hw = deviceHw(s, d, i);
    const other = rids.get(hw.sid);
    if (other !== undefined) fail(`iommu.devices.${d}`, `requester id ${hw.bus}:${hw.devfn >> 3}.${hw.devfn & 7} is ${other}'s too`);
    rids.set(hw.sid, d);
  });
  for (const d of Object.keys(s.iommu?.devices ?? {})) if (!s.devices.includes(d)) fail(`iommu.devices.${d}`, `unknown device '${d}' (valid: ${s.devices.join(', ')})`);
}
