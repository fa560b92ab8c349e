// What each task of a scenario holds while check.ts walks its steps: its files and VMAs, and what
// a clone or fork gives the task it starts. The steps of two tasks run in no fixed order, so an
// object they share (a file, a VMA of a shared mm, a page of a shared mm) may be used by one of
// them only; a static check can then follow each task alone.
import type { Scenario, ScenarioStep } from './schema.ts';
import { groupRoot, type Spawn } from './spawn.ts';

type Fail = (path: string, msg: string) => never;

export interface FileSt {
  open: boolean;
  bound: boolean;
  /** Where it was opened (task index / name): the same in every task that inherits it. */
  key: string;
  /** The mm of the task that opened it: the model's driver binds that one. */
  mm: number;
  /** Another task holds it too (clone or fork), and through the same fd table (CLONE_FILES). */
  shared: boolean;
  sharedTable: boolean;
  /** Passed to this task by another's send_fd: its own fd on the sender's file. */
  received?: boolean;
}
export interface VmaSt {
  start: number;
  end: number;
  mapped: boolean;
  key: string;
  anon: boolean;
  /** A VMA of an mm that a clone shares. */
  shared: boolean;
}
export interface TaskSt {
  files: Map<string, FileSt>;
  vmas: Map<string, VmaSt>;
  /** Which mapped vma holds each page. */
  pages: Map<number, string>;
}

export class Tasks {
  private readonly init = new Map<number, TaskSt>();
  /** An inherited object's key → the task that uses it. */
  private readonly users = new Map<string, number>();
  /** Tasks whose mm a clone has shared so far, and the pages their mmaps took since. */
  private readonly sharing = new Set<number>();
  private readonly claimed = new Map<number, Map<number, { task: number; vma: string }>>();

  constructor(
    private readonly s: Scenario,
    private readonly spawns: Map<number, Spawn>,
  ) {}

  mmOf(i: number): number {
    return groupRoot(this.spawns, i, false);
  }

  private shares(i: number, files: boolean): boolean {
    const root = groupRoot(this.spawns, i, files);
    return this.s.processes.some((_, j) => j !== i && groupRoot(this.spawns, j, files) === root);
  }

  start(i: number): TaskSt {
    return this.init.get(i) ?? { files: new Map(), vmas: new Map(), pages: new Map() };
  }

  newFile(i: number, name: string): FileSt {
    return { open: true, bound: false, key: `${i}/${name}`, mm: this.mmOf(i), shared: false, sharedTable: false };
  }

  /** An fd received by send_fd: open from the task's start (its first use waits for the send). */
  receivedFile(i: number, name: string): FileSt {
    return { open: true, bound: false, key: `${i}/${name}`, mm: -1, shared: false, sharedTable: false, received: true };
  }

  newVma(i: number, name: string, start: number, end: number, anon: boolean): VmaSt {
    return { start, end, mapped: true, key: `${i}/${name}`, anon, shared: false };
  }

  /** A step of task `i` names file `f`: an inherited one is one task's only. close and mmap use
   * the task's own fd, so with a copied table they touch nothing the other task holds. */
  use(i: number, op: string, f: FileSt, at: string, fail: Fail): void {
    // The driver's ioctls on a passed fd would act on the sender's binding while the sender's steps
    // change it (not modelled): the receiver may close and mmap it.
    if (f.received && op !== 'close' && op !== 'mmap') fail(at, `a ${op} of an fd received by send_fd: the driver's ioctls on a passed fd, and passing it on, are not modelled (close and mmap are)`);
    if (!f.shared || ((op === 'close' || op === 'mmap') && !f.sharedTable)) return;
    this.oneUser(i, f.key, 'file', at, fail);
  }

  useVma(i: number, v: VmaSt, at: string, fail: Fail): void {
    if (v.shared) this.oneUser(i, v.key, 'vma', at, fail);
  }

  private oneUser(i: number, key: string, what: string, at: string, fail: Fail): void {
    const other = this.users.get(key);
    if (other !== undefined && other !== i) {
      const n = (j: number) => `'${this.s.processes[j]!.name}'`;
      fail(at, `${what} '${key.slice(key.indexOf('/') + 1)}' is used by both ${n(other)} and ${n(i)} after the clone/fork that shares it: their steps run in no fixed order, so only one of them may use it`);
    }
    this.users.set(key, i);
  }

  /** An mmap in an mm a clone shares may not overlap another task's mmap there since. */
  claim(i: number, start: number, end: number, vma: string, at: string, fail: Fail): void {
    if (!this.sharing.has(i)) return;
    const root = this.mmOf(i);
    const m = this.claimed.get(root) ?? new Map<number, { task: number; vma: string }>();
    this.claimed.set(root, m);
    for (let pg = start; pg < end; pg++) {
      const c = m.get(pg);
      if (c && c.task !== i) fail(at, `overlaps vma '${c.vma}' of '${this.s.processes[c.task]!.name}', which shares this mm: two threads' mmaps must not overlap`);
    }
    for (let pg = start; pg < end; pg++) m.set(pg, { task: i, vma });
  }

  /** A clone or fork step of task `i` with its state `cur`: what the started task begins with. */
  spawn(i: number, st: Extract<ScenarioStep, { op: 'clone' | 'fork' }>, cur: TaskSt, at: string, fail: Fail): void {
    const child = this.s.processes.findIndex((p) => p.name === st.task);
    const table = st.op === 'clone' && st.files;
    if (st.op === 'fork' && this.shares(i, false)) fail(at, `a fork by a task that shares its mm with a thread: dup_mmap would copy VMAs the other threads map and unmap meanwhile (not modelled)`);
    if (!table && this.shares(i, true)) fail(at, `a ${st.op} that copies the fd table of a task that shares it (CLONE_FILES): dup_fd of a table other threads change meanwhile is not modelled`);
    if (st.op === 'fork') {
      const anon = [...cur.vmas].find(([, v]) => v.mapped && v.anon);
      if (anon) fail(at, `vma '${anon[0]}' is an anonymous mapping: fork's copy_page_range write-protects its pages for copy-on-write and flushes the device's IOTLB through the mmu notifier, which the model does not do (fork with file mappings only)`);
    }
    const files = new Map<string, FileSt>();
    for (const [name, f] of cur.files) {
      if (!f.open) continue;
      f.shared = true;
      f.sharedTable ||= table;
      files.set(name, { ...f, sharedTable: table });
    }
    const vmas = new Map<string, VmaSt>();
    for (const [name, v] of cur.vmas) {
      if (!v.mapped) continue;
      if (st.op === 'clone') v.shared = true;
      vmas.set(name, st.op === 'clone' ? { ...v } : { ...v, key: `${child}/${name}` });
    }
    this.init.set(child, { files, vmas, pages: new Map(cur.pages) });
    if (st.op === 'clone') this.sharing.add(i).add(child);
  }
}
