// What the schema cannot say: names refer to things that exist when the step runs. One pass over
// the steps, each checked in time bounded by its own size (an mmap by its pages, at most 1024): a
// 100,000-step scenario is checked in well under a second.
import { BadInput } from '../variants/variants.ts';
import type { Scenario } from './schema.ts';
import { checkFaults } from './check-faults.ts';
import { checkAfter } from './after.ts';

export function checkScenario(s: Scenario, where: string): void {
  const fail = (path: string, msg: string): never => {
    throw new BadInput(`${where}: ${path}: ${msg}`);
  };
  const names = new Set<string>();
  s.devices.forEach((d, i) => (names.has(`dev:${d}`) ? fail(`devices[${i}]`, `device '${d}' named twice`) : names.add(`dev:${d}`)));
  s.processes.forEach((p, pi) => {
    if (names.has(`proc:${p.name}`)) fail(`processes[${pi}].name`, `process '${p.name}' named twice`);
    names.add(`proc:${p.name}`);
    const files = new Map<string, { open: boolean; bound: boolean }>();
    const vmas = new Map<string, { start: number; end: number; mapped: boolean }>();
    /** Which mapped vma holds each page. */
    const pages = new Map<number, string>();
    let exited = false;
    p.steps.forEach((st, si) => {
      const at = `processes[${pi}].steps[${si}]`;
      if (exited) fail(at, 'a step after exit');
      if (st.op === 'exit') exited = true;
      const file = (f: string) => files.get(f) ?? fail(`${at}.file`, `unknown file '${f}' (open it first)`);
      switch (st.op) {
        case 'open':
          if (!s.devices.includes(st.device)) fail(`${at}.device`, `unknown device '${st.device}' (valid: ${s.devices.join(', ')})`);
          if (files.has(st.file)) fail(`${at}.file`, `file '${st.file}' opened twice`);
          files.set(st.file, { open: true, bound: false });
          break;
        case 'bind': {
          const f = file(st.file);
          if (!f.open) fail(`${at}.file`, `file '${st.file}' is closed`);
          if (f.bound) fail(`${at}.file`, `file '${st.file}' is bound already`);
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
          for (let pg = st.addr; pg < end; pg++) pages.set(pg, st.vma);
          vmas.set(st.vma, { start: st.addr, end, mapped: true });
          break;
        }
        case 'munmap': {
          const v = vmas.get(st.vma) ?? fail(`${at}.vma`, `unknown vma '${st.vma}'`);
          if (!v.mapped) fail(`${at}.vma`, `vma '${st.vma}' unmapped twice`);
          v.mapped = false;
          for (let pg = v.start; pg < v.end; pg++) pages.delete(pg);
          break;
        }
        default:
          break;
      }
    });
  });
  checkFaults(s, fail);
  checkAfter(s, fail);
}
