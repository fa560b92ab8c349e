// clone and fork steps (issue 25 item 6): what a scenario may say, refused with one line naming
// the field, and the world they build (a thread shares its parent's mm and, with CLONE_FILES, a
// files_struct; a forked child has a new mm with a copy of each VMA).
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { variantByName } from '../../src/variants/variants.ts';

type St = Record<string, unknown>;
const open = { op: 'open', file: 'f', device: 'd0' };
const mmap = { op: 'mmap', vma: 'v', file: 'f', addr: 16, pages: 1 };
const bind = { op: 'bind', file: 'f' };
const exit = { op: 'exit' };
const world = (a: St[], b: St[] = [exit], more: { name: string; steps: St[] }[] = []) => ({ name: 'x', devices: ['d0'], processes: [{ name: 'A', steps: a }, { name: 'B', steps: b }, ...more] });
const refused = (w: unknown) => {
  try {
    parseScenario(w, 'w');
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe('clone and fork: refused with one line naming the field', () => {
  it.each([
    ['a clone of a process that does not exist', world([{ op: 'clone', task: 'Z' }, exit]), /^w: processes\[0\]\.steps\[0\]\.task: unknown process 'Z' \(valid: A, B\)$/],
    ['a task that clones itself', world([{ op: 'clone', task: 'A' }, exit]), /^w: processes\[0\]\.steps\[0\]\.task: process 'A' cannot clone itself$/],
    ['a task started twice', world([{ op: 'clone', task: 'B' }, { op: 'fork', task: 'B' }, exit]), /^w: processes\[0\]\.steps\[1\]\.task: process 'B' is started twice \(A\.0 starts it already\)$/],
    ['a cycle of forks', world([{ op: 'fork', task: 'B' }, exit], [{ op: 'fork', task: 'A' }, exit]), /^w: processes\[\d\]\.steps\[0\]\.task: a cycle of clone\/fork steps: .*none of them can ever start$/],
    ['a fork after exit', world([exit, { op: 'fork', task: 'B' }]), /^w: processes\[0\]\.steps\[1\]: a step after exit$/],
    ['a clone without its task', world([{ op: 'clone' }, exit]), /^w: processes\[0\]\.steps\[0\]\.task: /],
    ['a fork with an unknown field', world([{ op: 'fork', task: 'B', files: true }, exit]), /^w: processes\[0\]\.steps\[0\]: .*files/],
    ['a family task that never exits', world([{ op: 'clone', task: 'B' }, exit], [{ op: 'touch', addr: 1 }]), /^w: processes\[1\]\.steps: 'B' clones, forks or is started so, yet never exits/],
    ['two threads using one inherited file', world([open, bind, { op: 'clone', task: 'B' }, { op: 'dma', file: 'f', addr: 1 }, exit], [{ op: 'dma', file: 'f', addr: 2 }, exit]), /^w: processes\[1\]\.steps\[0\]\.file: file 'f' is used by both 'A' and 'B' after the clone\/fork that shares it/],
    ['a close of a shared-table fd the other thread uses', world([open, bind, { op: 'clone', task: 'B' }, { op: 'close', file: 'f' }, exit], [{ op: 'dma', file: 'f', addr: 2 }, exit]), /^w: processes\[1\]\.steps\[0\]\.file: file 'f' is used by both/],
    ['a munmap of a shared VMA by both threads', world([open, mmap, { op: 'clone', task: 'B' }, { op: 'munmap', vma: 'v' }, exit], [{ op: 'munmap', vma: 'v' }, exit]), /^w: processes\[1\]\.steps\[0\]\.vma: vma 'v' is used by both 'A' and 'B'/],
    ['two threads mapping the same page', world([{ op: 'clone', task: 'B' }, { op: 'mmap', vma: 'a', addr: 4, pages: 2 }, exit], [{ op: 'mmap', vma: 'b', addr: 5, pages: 1 }, exit]), /^w: processes\[1\]\.steps\[0\]\.addr: overlaps vma 'a' of 'A', which shares this mm/],
    ["a forked child's bind of an inherited file", world([open, { op: 'fork', task: 'B' }, exit], [bind, exit]), /^w: processes\[1\]\.steps\[0\]\.file: file 'f' was inherited by fork/],
    ['a fork with an anonymous mapping', world([{ op: 'mmap', vma: 'heap', addr: 4, pages: 1 }, { op: 'fork', task: 'B' }, exit]), /^w: processes\[0\]\.steps\[1\]\.task: vma 'heap' is an anonymous mapping: fork's copy_page_range/],
    ['a fork by a thread', world([{ op: 'clone', task: 'B' }, exit], [{ op: 'fork', task: 'C' }, exit], [{ name: 'C', steps: [exit] }]), /^w: processes\[1\]\.steps\[0\]\.task: a fork by a task that shares its mm with a thread/],
    ['a clone that copies a shared table', world([{ op: 'clone', task: 'B' }, { op: 'clone', task: 'C', files: false }, exit], [exit], [{ name: 'C', steps: [exit] }]), /^w: processes\[0\]\.steps\[1\]\.task: a clone that copies the fd table of a task that shares it/],
    ['an inherited file closed before the fork', world([open, { op: 'close', file: 'f' }, { op: 'fork', task: 'B' }, exit], [{ op: 'close', file: 'f' }, exit]), /^w: processes\[1\]\.steps\[0\]\.file: unknown file 'f' \(open it first\)$/],
    ['an after cycle through a clone', world([{ op: 'touch', addr: 1, after: 'B.0' }, { op: 'clone', task: 'B' }, exit], [{ op: 'touch', addr: 2 }, exit]), /^w: processes\[0\]\.steps\[0\]\.after: a cycle of after steps: /],
  ])('%s', (_what, w, message) => {
    expect(refused(w)).toMatch(message);
  });

  it.each([
    ['a thread uses the file its parent opened and bound', world([open, mmap, bind, { op: 'clone', task: 'B' }, exit], [{ op: 'dma', file: 'f', addr: 16 }, { op: 'munmap', vma: 'v' }, exit])],
    ['a forked child closes its copy of an fd its parent keeps using', world([open, bind, { op: 'fork', task: 'B' }, { op: 'dma', file: 'f', addr: 1 }, exit], [{ op: 'close', file: 'f' }, exit])],
    ["a child's first step waits for another step too", world([open, mmap, bind, { op: 'fork', task: 'B' }, exit], [{ op: 'dma', file: 'f', addr: 16, after: 'A.exit' }, exit])],
    ['a clone with a copied table, then a grandchild thread', world([open, { op: 'clone', task: 'B', files: false }, exit], [{ op: 'close', file: 'f' }, { op: 'clone', task: 'C' }, exit], [{ name: 'C', steps: [exit] }])],
  ])('accepted: %s', (_what, w) => {
    expect(refused(w)).toBe('accepted');
  });
});

describe('clone and fork: the world', () => {
  const specs = (w: unknown) => buildWorld(parseScenario(w, 'w'), variantByName('fixed'));
  const input = (w: ReturnType<typeof specs>, id: string) => w.specs.find((s) => s.id === id)?.input as Record<string, unknown> | undefined;

  it("a CLONE_FILES thread: the parent's mm, one files_struct for both, and its first step waits for the clone", () => {
    const w = specs(world([open, mmap, bind, { op: 'clone', task: 'B' }, exit], [{ op: 'dma', file: 'f', addr: 16 }, exit]));
    expect(w.specs.filter((s) => s.kind === 'mm').map((s) => s.id)).toEqual(['mm#1']);
    expect(w.specs.filter((s) => s.kind === 'files').map((s) => s.id)).toEqual(['files#1']);
    expect(input(w, 'process#2')).toMatchObject({ mm: 'mm#1', files: 'files#1' });
    const [a, b] = [input(w, 'process#1')!.steps, input(w, 'process#2')!.steps] as Record<string, unknown>[][];
    expect(a![3]).toMatchObject({ op: 'clone', task: 'process#2', table: 'files#1', notify: ['process#2'] });
    expect(b![0]).toMatchObject({ op: 'dma', file: 'file#1', after: 'process#1:3' });
    expect(w.names['B/f']).toBe('file#1');
  });

  it("a fork: a new mm, a copy of each VMA (owned by the child, in the child's mm), the fds copied", () => {
    const w = specs(world([open, mmap, bind, { op: 'fork', task: 'B' }, exit], [{ op: 'close', file: 'f' }, exit]));
    expect(w.specs.filter((s) => s.kind === 'mm').map((s) => s.id)).toEqual(['mm#1', 'mm#2']);
    expect(w.specs.some((s) => s.kind === 'files')).toBe(false);
    expect(input(w, 'vma#2')).toMatchObject({ owner: 'process#2', mm: 'mm#2' });
    expect(input(w, 'process#2')).toMatchObject({ mm: 'mm#2', fds: ['file#1'] });
    expect((input(w, 'process#1')!.steps as unknown[])[3]).toMatchObject({ op: 'fork', mm: 'mm#2', vmas: [{ vma: 'vma#2', file: 'file#1', start: 16, end: 17 }] });
    expect(w.names['B/v']).toBe('vma#2');
  });

  it('a world without clone or fork has no files_struct and no started task', () => {
    const w = specs({ name: 'x', devices: ['d0'], processes: [{ name: 'A', steps: [open, exit] }] });
    expect(w.specs.map((s) => s.kind)).not.toContain('files');
    expect(input(w, 'process#1')).not.toHaveProperty('files');
    expect(input(w, 'process#1')).not.toHaveProperty('fds');
  });
});
