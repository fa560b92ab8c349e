// The triage of every mutant StrykerJS left alive in machines/ (test/mutation/stryker-incremental.json):
// a rule per kind of survivor, equivalent (why no run can tell) or not (what would catch it). A
// survivor takes the first rule that matches its file, line (the source the incremental file holds),
// and the text it replaced. test/mutation/survivors.ts writes SURVIVORS.md's tables from these, and
// test/mutation/triage.test.ts fails on a survivor no rule names or a rule that names none.

export interface Rule {
  /** The machine file (`mm.ts`), or `*` for every file. */
  file: string;
  /** Lines of the mutated text's start; none: anywhere in the file. */
  lines?: number[];
  /** The text the mutant replaced, and what it put there. */
  original?: RegExp;
  replacement?: RegExp;
  equivalent: boolean;
  what: string;
  why: string;
}

const OTHER_VARIANTS = 'code of the other variants only (`pre-fix`, `fixed-no-fault-pin`): the runner explores `fixed`, as the issue asks';
const NAMES_ONLY = 'a machine id only names its state nodes (coverage ids, charts); no machine targets a node by `#id` of its own id';
const TEXT_ONLY = 'the text of a report or of a caller: the oracles and the runner read the oracle and the objects, never the words';

export const TRIAGE: readonly Rule[] = [
  {
    file: '*', original: /^\[?'waiting'\]?$/, equivalent: true,
    what: "`tags: ['waiting']` → `[]` or `['']`",
    why: "the tag only tells the `stuck` oracle that a thread is blocked; no run of `fixed` ends with this state blocked, and where a fault world does (`stuck` is its finding), another thread blocked with it still shows the finding (the tags whose loss hides a finding are killed)",
  },

  // objects.ts, emit.ts, vma.ts
  { file: 'objects.ts', lines: [26], equivalent: true, what: '`HW_KINDS` → `[]`', why: 'read only by `svmsim demo`\'s "still alive" line, not by an oracle (kmemleak skips the caches because they have no owner)' },
  {
    file: 'objects.ts', lines: [45], equivalent: false, what: '`isKthread`: `startsWith` → `endsWith`',
    why: 'every thread counts as a kthread, so every final `fput` goes to `delayed_fput`: the release still runs and everything is freed. A functional, not a safety, change; the kernel-notes table tests (`task_work_add` rows) catch it',
  },
  {
    file: 'emit.ts', lines: [14], equivalent: false, what: '`access()` drops its `mm` field',
    why: 'it only weakens the `isolation` oracle\'s input: no run of the correct model has an isolation violation that no fault explains. An oracle-input mutant; a second-order mutant (with an isolation bug) would kill it',
  },
  { file: 'vma.ts', lines: [44], equivalent: true, what: "`id: 'vma'` → `''`", why: NAMES_ONLY },
  { file: 'vma.ts', lines: [45], equivalent: true, what: "the initial `ctx: ''` → `'Stryker was here!'`", why: 'overwritten (`vm_area_alloc`, `rememberCaller`) before any use' },

  // fault-handler.ts
  { file: 'fault-handler.ts', lines: [77], equivalent: true, what: "`id: 'faultHandler'` → `''`", why: NAMES_ONLY },
  { file: 'fault-handler.ts', lines: [44], equivalent: true, what: '`takeVma` → `{}`', why: 'the fault handler then passes no VMA, and the model\'s `handle_mm_fault` finds the same one itself' },
  {
    file: 'fault-handler.ts', lines: [66, 97], equivalent: false, what: '`supervisor` → `false`, and that branch\'s target and actions',
    why: 'equivalent while every bind had an mm; supervisor binds are modelled now (`"supervisor": true`), and the built-ins `supervisor-bind` and `supervisor-unbind` take this branch (`!svm->mm`: bad_req, INVALID): test/model/supervisor.test.ts fails on each of the three mutants (the handler pins and walks a NULL mm). Killed at the next `retest.ts --record` over this file',
  },
  { file: 'fault-handler.ts', lines: [70], equivalent: true, what: '`addr < vm_start` → `false`', why: '`find_extend_vma` in the model returns only a VMA that contains the address (no stack growth), so `addr < vm_start` never holds' },
  { file: 'fault-handler.ts', lines: [74, 130], equivalent: true, what: '`faultFailed` → `false`, and that branch\'s target → `\'\'`', why: 'unreachable: the model\'s `handle_mm_fault` fails only without a VMA, which `noVma` catches first' },
  { file: 'fault-handler.ts', lines: [99, 138], equivalent: true, what: 'the non-pinning branches (`down_read` after `idr_find`, `bad_req` after `up_read`): emptied, target or actions emptied', why: OTHER_VARIANTS },

  // dma.ts
  { file: 'dma.ts', lines: [173], equivalent: true, what: "`id: 'dma'` → `''`", why: NAMES_ONLY },
  {
    file: 'dma.ts', lines: [65, 150], equivalent: true, what: 'the `stopped` list: `dma_submit`\'s filter un-stops every PASID, `dma_stop`\'s list `[]`, its filter dropped, `true`, `false`, `===`',
    why: '`stopped` only decides whether an in-flight job of a stopped PASID retries its DMA after a Success; `dma_stop`\'s caller is answered when that job ends either way, so the unbind that follows sees the same device',
  },
  { file: 'dma.ts', lines: [129, 131], equivalent: true, what: '`stopCallers` filters dropped, `true` or `false`', why: 'a stop caller waits only while a job of its own PASID is in flight, and the next job starts only after that one ends: every waiting caller always has the ending job\'s PASID' },
  { file: 'dma.ts', lines: [134], equivalent: true, what: '`syncCaller` kept at `left: 0` (`w.left === 1` → `false` in the assignment)', why: 'the answer was already sent; the next waited submit replaces it, and `dma_stop` reads it only with waited jobs queued (next row)' },
  {
    file: 'dma.ts', lines: [142, 146, 147, 148], equivalent: true, what: 'cancelling waited jobs in `dma_stop`: the count\'s filter dropped, emptied, `true`, `false`, `||`, `!==`, the block emptied, `w.left <= cancelled` → `true`, `false`, `<`, `>`, `- cancelled` → `+`',
    why: 'a waited job is queued only while the process that submitted it sits in the ioctl, and the file\'s release (the only caller of `dma_stop`) runs in that same process\'s close or exit, or later from `delayed_fput` when it has exited: no `dma_stop` ever finds a waited job queued',
  },
  { file: 'dma.ts', lines: [123], equivalent: true, what: 'the isolation report\'s message → `` ` ` ``', why: TEXT_ONLY },
  {
    file: 'dma.ts', lines: [122], equivalent: false, what: '`checkIsolation`\'s condition loosened (`true`, `||`, each part `true`): a job\'s failure reported as isolation when its own PASID turned PRI off',
    why: 'PRI goes off only after a Response Failure, which only a `device-timeout` brings about, and `device-timeout` may cause isolation: the runner takes the report as that fault\'s harm. Attribution finer than the kind (the report\'s two PASIDs must differ, the one that failed being the timed-out request\'s) would catch them',
  },
  {
    file: 'dma.ts', lines: [90], equivalent: false, what: '`lpig: true` → `false`',
    why: 'the model\'s `prq_event_thread` answers every request, where the kernel sends a Page Group Response only for the last page in a group (`no_pasid:` step 11 in the kernel notes). A model disagreement with the notes: once the fault handler answers only `lpig` requests, `stuck` catches it (the device waits forever)',
  },

  // iommu.ts
  { file: 'iommu.ts', lines: [179, 74, 77], equivalent: true, what: "`id: 'iommu'` → `''`; `{ did: 1 }` → `{}`; `seq + 1` → `- 1`", why: 'an id; a return value nothing reads; entry ids stay unique counting down' },
  {
    file: 'iommu.ts', lines: [119, 140], equivalent: true, what: 'a fault\'s answer `{ ok: false, fault, pasid }` → `{}`, or its kind (`\'pasid-not-present\'`, `\'page-not-present\'`) → `\'\'`',
    why: 'the device reads only `ok === true`: an answer without it is the same fault',
  },
  {
    file: 'iommu.ts', lines: [51, 102, 107, 109], equivalent: true, what: 'more invalidated than asked: `ofPasid`\'s prefix `\'\'`, the PASID-cache flush\'s `k === p` → `true`, the IOTLB range test → `true`, `||`, without its PASID or either bound, `< end` → `<= end`, the paging-structure cache flush `k === p` → `true`',
    why: 'hardware may always invalidate more than asked: every later translation walks again and finds what the page tables say, so no safety oracle can tell (only counts could)',
  },
  {
    file: 'iommu.ts', lines: [100, 124, 135], original: /gen|\?\?/, replacement: /^(?!\{\}$)/, equivalent: true,
    what: 'the invalidation generation: `+ 1` → `- 1`, `?? 0` → `&& 0`, `=== w.gen` → `true`, `!==`',
    why: 'a walk never races a flush: `qi_submit_sync` is queued behind the walk in flight (`page_walk` state), so the generation a walk started with is always the current one; `!==` never fills the IOTLB (next row)',
  },
  { file: 'iommu.ts', lines: [100], equivalent: true, what: 'the generation map `{}`', why: 'as the row above: with no generation recorded, every walk\'s generation (0) is still the current one' },
  {
    file: 'iommu.ts', lines: [124], original: /write/, equivalent: true, what: 'the walk record\'s `write` flipped',
    why: '`walk.write` is never read (the access kind goes with `iommu_walk`, whose mutants are killed)',
  },
  {
    file: 'iommu.ts', lines: [125, 127, 135, 136, 138, 139, 174], equivalent: true,
    what: 'caching less: no IOTLB fill (the block emptied, the map `{}`, the assign `{}`), no paging-structure cache (`pwc` `{}`, `?? null` → `&& null`), the PASID cache emptied at each walk, `walk: null` left out, `iotlbHit` → `false`',
    why: 'a cache that does not cache is correct hardware: every translation walks the page tables as they are; the stale walk left in `walk` is overwritten by the next one',
  },
  {
    file: 'iommu.ts', lines: [54, 60, 63, 65], replacement: /^(?!\[\]$|\{\}$|false$|links\.length <= 0$)/, equivalent: true,
    what: 'the cache objects\' bookkeeping that keeps the same content: links unsorted, the key\'s `\':\'` → `\'\'` (PASIDs are single digits), the object re-patched every time (`true`, `>= 0`, `!== join` → `true`), its owner `\'Stryker was here!\'` (no process of that name exits)',
    why: 'the objects the oracles read are the same',
  },
  { file: 'iommu.ts', lines: [67], replacement: /^false$/, equivalent: true, what: 'a new object map returned even when no cache object changed (`out === c.objs` → `false`)', why: 'the same objects in a new map: the trace records no change' },
  {
    file: 'iommu.ts', lines: [54, 60, 63, 65, 67, 82], equivalent: false,
    what: 'the cache and PASID-entry objects lost or emptied: cache links `[]`, `withCaches` emptied, never created or updated (`false`, `links.length > 0` → `false` or `<= 0`, `out === c.objs` → `true`, `!==`), the iommu\'s object map replaced by `{}` at a cache\'s first fill, the PASID entry\'s object, its fields or its links dropped',
    why: 'oracle-input mutants, like `access()` without its `mm`: they blind `dangling` and `kmemleak` to a stale IOTLB or PASID-cache entry or a PASID entry left present, and the correct model has none to miss, in a fault world too. A second-order mutant (with a missing flush) would kill them; the hand-written patches 03 and 10 are that check for the unbind\'s flushes',
  },

  // mm.ts
  { file: 'mm.ts', original: /^`BUG: /, equivalent: true, what: 'the text of a BUG the correct model never hits', why: TEXT_ONLY },
  { file: 'mm.ts', lines: [135, 138, 156, 160, 168, 234], equivalent: true, what: "names of callers and contexts (`'handle_mm_fault'`, `'iommu-walk'`, the `'op'` tag of a release)", why: TEXT_ONLY },
  { file: 'mm.ts', lines: [140, 144], equivalent: true, what: 'page and page-table names counted down (`++seq` → `--seq`)', why: 'the names stay unique' },
  { file: 'mm.ts', lines: [82], equivalent: true, what: 'every `mmput` records its caller as the exit\'s (`n === 0` → `true`)', why: 'the last `mmput`, the one that runs `exit_mmap`, records itself last, and none follows it (`mm_users` is 0: `mmget_not_zero` refuses)' },
  { file: 'mm.ts', lines: [266, 299], equivalent: true, what: '`exitCaller` not reset after `mmput` returns; the initial `exitCtx` `\'\'` → `\'Stryker was here!\'`', why: 'used once, by the `mmput` that ran `exit_mmap`; set by that `mmput` before any use' },
  { file: 'mm.ts', lines: [124], original: /start/, equivalent: true, what: '`find_extend_vma`\'s `start` → `null` (`?? null` → `&& null`)', why: 'read only by the fault handler\'s `addr < vm_start`, which never holds (`fault-handler.ts` 70)' },
  { file: 'mm.ts', lines: [132], equivalent: true, what: '`handle_mm_fault` without a VMA answering `{}` or `ok: true`', why: 'only a process\'s `touch` of an unmapped address gets that answer (the fault handler passes the VMA it found), and the process does not read it' },
  { file: 'mm.ts', lines: [175, 176, 178, 271, 377, 378, 379, 380, 381, 385], equivalent: true, what: 'the mm\'s queue of `mmap_sem` operations: the queue, its resume, the `op` state\'s handlers', why: 'an operation arriving while another runs: each mm has one task making one syscall at a time, and the other thread that reaches an mm\'s operations (a kworker\'s unbind) comes after `exit_mmap` (the README\'s untaken transitions: it needs a multi-threaded process, which the scenario format has not)' },
  { file: 'mm.ts', lines: [366, 370], equivalent: true, what: '`__mmdrop` during `exit_mmap`', why: 'untaken: the `mm_count` all `mm_users` share is dropped only at `exit_mmap`\'s end' },
  { file: 'mm.ts', lines: [83, 91, 96, 97, 222, 225], equivalent: false, what: 'the model\'s own BUG_ONs disabled (`n < 0` → `false`, `users > 0` → `false`, `<= 0` → `< 0`)', why: 'oracle-input mutants: the correct model never trips them. A second-order mutant (a reference dropped twice) would kill them; patch 07 is that check' },
  { file: 'mm.ts', lines: [157, 158, 161, 170], equivalent: false, what: 'the IOMMU\'s page walk: the paging-structure-cache branch emptied, `?? null` → `&& null`, the answer without a page table `{}`, `page` → `true`', why: 'oracle-input mutants of the walk: the correct model never leaves the walk cache holding a freed page table, so the branch that reports it has nothing to report' },
  { file: 'mm.ts', lines: [56, 236, 237, 241, 247, 274, 276, 277], equivalent: false, what: 'the mmu notifier list: unhash, forget, `isHashed`, `fromExit`/`fromOp`, the release\'s `releasing` flag, `hashed()` unfiltered', why: 'they differ only when an unbind\'s `mmu_notifier_unregister` meets `exit_mmap`\'s release of the same notifier, or a flush runs while a notifier is unhashed but listed; `unbind-meets-release` orders them one way only' },
  { file: 'mm.ts', lines: [118, 270], equivalent: false, what: '`mmap_sem`\'s reader/writer bookkeeping: readers counted wrong after `up_write`, a writer that does not wait for readers', why: 'no fault thread\'s `down_read` meets a `munmap`\'s `down_write` in a built-in with a DMA in flight at that moment (the writer mutants that let a fault in during a zap are killed: `dangling` sees the page it maps there)' },
  { file: 'mm.ts', lines: [213], equivalent: false, what: 'the gather list left holding a bogus entry after `tlb_finish_mmu` (`gather: []` → `[\'Stryker was here\']`)', why: 'the next `tlb_finish_mmu` or `exit_mmap` marks a name that is no object freed, which the trace records as an object born freed: an invariant that every free is of an object the machines allocated would catch it' },

  // process.ts
  { file: 'process.ts', lines: [61], equivalent: true, what: 'the text of the BUG for a step kind the scenario format cannot produce', why: TEXT_ONLY },
  { file: 'process.ts', lines: [103], equivalent: true, what: "`finish_task_switch`'s `'finish_task_switch'` reason and `'sched'` lane → `''`", why: 'the reason names the `mmdrop` in a report; the lane is the only process→mm message on it, so it keeps a channel of its own either way' },
  { file: 'process.ts', lines: [53], equivalent: true, what: 'a DMA step always passes its `pasid` (`s.pasid !== undefined` → `true`)', why: 'an absent PASID is passed as `undefined`, which the file reads as its own (`event.pasid ?? context.pasid`)' },
  { file: 'process.ts', lines: [81, 84, 122, 127], original: /^(?!false$)/, equivalent: true, what: 'the `after` bookkeeping: its initial list (`[]`, the `some` that decides it, the object), its `?? []` fallbacks, the optional chain of a step that is always there', why: 'read with a fallback that gives the same, or overwritten before use; `steps[at]` at exit is the `exit` step itself' },
  { file: 'process.ts', lines: [88, 112], equivalent: true, what: '`task_work_add` after `exit_task_work` still queued (`ok` → `true`, `markWorkExited` emptied or `false`)', why: 'untaken: nothing runs in a task\'s context after its `exit_task_work`' },
  { file: 'process.ts', lines: [87, 127], equivalent: false, what: '`task_work_add` always refused before exit (`!workExited` → `workExited`, the initial `workExited: false` → `true`)', why: 'every final `fput` from a task goes to `delayed_fput` instead: the release still runs, from a kworker, and everything is freed. A functional, not a safety, change; the kernel-notes table tests (`task_work_add` rows) catch it' },
  { file: 'process.ts', lines: [49], equivalent: false, what: '`mmap(..., PROT_READ)`\'s read-only flag lost', why: 'as `mm.ts`\'s `find_extend_vma` read-only mutants: only `fault-refused-dma` writes a read-only mapping, and its finding also comes from its other DMA; a check of the run against its scenario (a VMA mapped as asked) would catch it' },
  { file: 'process.ts', lines: [138, 139], equivalent: false, what: 'a process that skips its `running` end or its `after` wait (that branch\'s target `\'\'`)', why: 'the rest of this class is killed (`bind-after-exit`\'s B waits forever, or a fault scenario loses its finding). What is left leaves a world the scenario format also allows (a process that does less), with nothing inconsistent in what the oracles read; a check of the run against its scenario (every step ran) would catch them (the ones that skip task work are killed: `refcount` sees a file nothing holds, never freed)' },

  // file.ts
  { file: 'file.ts', lines: [30], equivalent: true, what: '`c.objs[c.id]?.f_count` without `?.`', why: 'the count is read only after `alloc_file` made the object' },
  { file: 'file.ts', lines: [56], equivalent: true, what: "`delayed_fput`'s `'kworker'` context and `'workqueue'` lane → `''`", why: 'the context names the kworker in a report; the lane is the only file→file message on the default lane, so it keeps a channel of its own' },
  { file: 'file.ts', lines: [92, 93], equivalent: true, what: "the `dma_stop` timer's `'pass'` and `'timer'` lanes → `''`", why: 'a lane only names a FIFO channel: no other file→file message travels on the default lane, so each outcome still has a channel of its own and both orders stay possible' },
  { file: 'file.ts', lines: [99], original: /stopTimer/, equivalent: true, what: '`stopTimer - 1` → `+ 1` (the timer\'s budget grows when it fires)', why: 'a file is released once, so its `dma_stop` timer is armed at most once: the budget is never read again' },
  { file: 'file.ts', lines: [99], original: /^true$/, equivalent: true, what: '`disarmed: true` → `false` when the timer fires', why: '`disarmed` is read only by `stopArmed` in the `dma_stop` state, which the release leaves at that very step' },
  { file: 'file.ts', lines: [111], equivalent: true, what: 'the bind ioctl\'s return value (`{ pasid }`, its condition)', why: 'the process does not read what an ioctl returns' },
  { file: 'file.ts', lines: [116, 197], equivalent: true, what: '`taskWorkQueued` → `true`; the `delayed_fput` branch after a failed `task_work_add` emptied, its target or actions', why: 'untaken: a `task_work_add` fails only after the task\'s `exit_task_work`, and nothing runs in a task\'s context after it' },
  { file: 'file.ts', lines: [132, 133, 138], equivalent: true, what: "the initial `owner`, `mm`, `ctx` `''` → `'Stryker was here!'`", why: 'overwritten (`alloc_file`, `rememberCaller`, `fput`) before any use' },
  { file: 'file.ts', lines: [69], equivalent: false, what: 'the bound file\'s `refs` to its svm dropped (`{ refs }` → `{}`, `[]`)', why: 'oracle-input mutants: the leak report\'s cycle and `dangling` read them, and the correct model has no leak or dangling pointer to show. A second-order mutant (an unbind that frees the svm under a bound file) would kill them' },

  // injector.ts
  { file: 'injector.ts', lines: [89], equivalent: true, what: "`id: 'injector'` → `''`", why: NAMES_ONLY },
  { file: 'injector.ts', lines: [44], equivalent: true, what: '`openRace` opens a race for a kind with no budget left (the filter dropped, `true`, `>= 0`)', why: '`outcome` checks the budget again: that kind\'s outcome cannot fire, so the message arrives as it would have, one delivery later (the race\'s pass or a powerless fault outcome, whichever comes first)' },
  { file: 'injector.ts', lines: [47], equivalent: true, what: "the pass outcome's `'pass'` lane → `''`", why: 'every race\'s pass goes injector→injector on that one lane either way, and no other message takes the default lane there: the same channels, the same orders' },
  { file: 'injector.ts', lines: [51, 79, 80], equivalent: true, what: 'a race\'s outcome count: `1 + live.length` → `-`, `r.left === 1` → `false`, `r.left - 1` → `+ 1`', why: 'the race record is then never deleted, but a decided race behaves the same however many outcomes it still awaits: nothing reads `left` but that deletion, and the record is not an object the oracles see' },
  { file: 'injector.ts', lines: [52], equivalent: true, what: 'race ids counted down (`c.next + 1` → `- 1`)', why: 'the ids stay unique' },
  { file: 'injector.ts', lines: [60], equivalent: true, what: '`armWorkerFaults` with no worker faults (`!context.workers.length` → `false`)', why: '`openRace` with no kinds sends nothing and records nothing' },
  { file: 'injector.ts', lines: [75, 76], equivalent: true, what: "the pass outcome taken for a fault named `''` (`event.type === 'pass'` → `false`, `'pass'` → `''`), or its budget key `''` → `'Stryker was here!'`", why: 'a kind `\'\'` has no budget, so the pass still never fires; the key of a pass is never read' },
  { file: 'injector.ts', lines: [77], original: /^kind !== null$/, equivalent: true, what: '`kind !== null` → `true`', why: 'a pass\'s budget key (`\'\'`) has no budget, so it still never fires' },
  { file: 'injector.ts', lines: [77], original: /^!r\.decided/, equivalent: false, what: 'a fault outcome that arrives after its race was decided spends its budget (`!r.decided && kind !== null` → `true`, `&& … ||`)', why: 'it fires nothing (the decided race returns before emitting), so no lost race shows; the world just has one fault fewer left. Caught by a world whose finding needs a second fault of that kind after a race it lost: no fault world has one' },
  { file: 'injector.ts', lines: [77], original: /budgets/, equivalent: false, what: 'a fault fires with no budget left (`(budgets[key] ?? 0) > 0` → `true`, `>= 0`)', why: 'a race is opened only for kinds with budget, so this needs two races of one kind open at once with one fault left: `overBudget` then sees a second firing. No fault world has two such races open together' },

  // svm.ts
  { file: 'svm.ts', lines: [145, 188, 192], equivalent: true, what: 'the flush descriptors `\'iotlb-all\'`, `\'iotlb-range\'` → `\'\'`', why: 'the IOMMU takes any descriptor but `pasid-cache` as an IOTLB flush of the given range, all when none is given: the same flush' },
  { file: 'svm.ts', lines: [50, 61], equivalent: true, what: '`c.objs[sdev]?.users` without `?.`; `devs[o.i]?.dev ?? o.dev` → `&&`', why: 'the sdev is always there; the IOMMU\'s flush is per PASID, whatever device it names' },
  { file: 'svm.ts', lines: [206], equivalent: true, what: "`'prq_event_thread'` → `''`", why: 'only names the access in a KASAN report, and the correct model has none' },
  { file: 'svm.ts', lines: [179], equivalent: true, what: '`?? -1` → `?? +1`', why: 'the fallback of a release with no svm, which never happens' },
  { file: 'svm.ts', lines: [131, 197], equivalent: true, what: '`endOp`\'s `{ op: null }`, `returnCb`\'s `{ cb: null }` → `{}`', why: 'the next operation\'s `beginOp`, or the next callback\'s entry, overwrites them before anything reads them; nothing tests either for `null`' },
  {
    file: 'svm.ts', lines: [59, 78, 127, 156, 157, 158, 182, 183, 219, 221, 289, 328, 334, 336, 365], equivalent: true,
    what: 'pre-fix code: `holding()`\'s object, `reused: true` → `false`, `keep_mm_users` and `mmput_svm_mm` emptied, the `keepsMmUsers` and `heldUsers > 0` guards and branches, the pre-fix unbind\'s `mmput` state, the pre-fix release\'s WARN (its condition, message and branch)',
    why: 'code of `pre-fix` only (the svm holds `mm_users` there; the fixed release has no WARN): the runner explores `fixed`',
  },
  { file: 'svm.ts', lines: [71, 72, 233], equivalent: false, what: '`pasid_mutex` handoff: `handoff: true` → `false`, the lane `\'\'`, the initial `handoff: false` → `true`', why: 'needs a third bind or unbind arriving while the mutex is handed from one waiter to the next: no built-in has three contenders' },
  { file: 'svm.ts', lines: [123], equivalent: false, what: 'the sdev object\'s links `[]`', why: 'an oracle-input mutant (as in `iommu.ts`): `dangling` no longer sees an sdev pointing at a freed svm, which the correct model never has' },
  { file: 'svm.ts', lines: [207, 208], equivalent: false, what: '`prq_fault_cb`\'s sdev lookup (`some` → `every`, `?.` dropped, the predicate `() => undefined`, `true`, `false`, `!==`, `false` → `true`, `{ found }` → `{}`)', why: 'the fault handler only WARNs when no sdev matches; a WARN is not a violation. Treating that WARN as an `invariant` BUG would catch them' },
  {
    file: 'svm.ts', lines: [222, 229, 304], equivalent: false, what: '`unknownPasid` → `false` or `&&`, its branch\'s target and actions; `tagNotifier` → `true`',
    why: 'an unbind of a PASID the idr does not know needs a release of a file whose bind failed or an unbind of a file twice, which no built-in does; `tagNotifier` needs a notifier flush and an unbind flush in flight together',
  },
];
