// A VMA: mmap_region gives it one f_count on its file (vma->vm_file = get_file(file));
// remove_vma (mm/mmap.c) drops it with fput and frees the VMA.
import { assign, emit, enqueueActions, setup } from 'xstate';
import { callerOf, ret, send } from './emit.ts';
import { obj, patch, type Objs } from './objects.ts';

interface Ctx {
  id: string;
  owner: string;
  mm: string;
  file: string | null;
  objs: Objs;
  caller: { from: string; fn: string } | null;
  ctx: string;
}
type Ev = { type: string; from?: string; [k: string]: unknown };

export const vmaMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; owner: string; mm: string } },
  actions: {
    // vm_area_alloc + vma_link: the VMA exists, mapping [start, end) of `file` (or anonymous).
    vm_area_alloc: assign(({ context, event }) => {
      const file = (event.file as string | null) ?? null;
      return {
        file,
        caller: callerOf(event),
        ctx: String(event.ctx),
        objs: { [context.id]: obj('vma', context.owner, { start: event.start, end: event.end, refs: file ? [file] : [] }) },
      };
    }),
    // get_file(file): the VMA's own f_count.
    get_file: emit(({ context }) => send(context.file!, { type: 'get_file', ctx: context.ctx })),
    // remove_vma: vm_ops->close, then fput(vma->vm_file) in the caller's context.
    fput: emit(({ context }) => send(context.file!, { type: 'fput', ctx: context.ctx })),
    rememberCaller: assign(({ event }) => ({ caller: callerOf(event), ctx: String(event.ctx) })),
    // kmem_cache_free(vm_area_cachep, vma).
    vm_area_free: assign(({ context }) => ({ objs: patch(context.objs, context.id, { alive: false }) })),
    returnToCaller: emit(({ context }) => ret(context.caller)),
  },
  guards: {
    hasFile: ({ context }) => context.file !== null,
  },
}).createMachine({
  id: 'vma',
  context: ({ input }) => ({ ...input, file: null, objs: {}, caller: null, ctx: '' }),
  initial: 'unallocated',
  states: {
    unallocated: {
      on: { vma_init: { target: 'mmap_region', actions: 'vm_area_alloc' } },
    },
    // mmap_region: take the file reference before the VMA is visible.
    mmap_region: {
      always: [{ guard: 'hasFile', target: 'get_file', actions: 'get_file' }, { target: 'mapped', actions: 'returnToCaller' }],
    },
    get_file: {
      tags: ['waiting'],
      on: { 'ret.get_file': { target: 'mapped', actions: 'returnToCaller' } },
    },
    mapped: {
      on: { remove_vma: { target: 'remove_vma', actions: 'rememberCaller' } },
    },
    // remove_vma: fput the file (if any), then free the VMA.
    remove_vma: {
      always: [{ guard: 'hasFile', target: 'fput', actions: 'fput' }, { target: 'freed', actions: ['vm_area_free', 'returnToCaller'] }],
    },
    fput: {
      tags: ['waiting'],
      on: { 'ret.fput': { target: 'freed', actions: ['vm_area_free', 'returnToCaller'] } },
    },
    freed: {},
  },
});
