// The trace viewer: the model the page reads, the page itself and its inputs (the command:
// test/cli/report.test.ts).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInput, variantByName } from '../../src/variants/variants.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { random } from '../../src/scheduler/random.ts';
import { simulate } from '../../src/simulate.ts';
import { buildReport } from '../../src/views/report-model.ts';
import { reportHtml } from '../../src/views/report-html.ts';
import { loadRunInput } from '../../src/explore/run-input.ts';
import { mermaidSequence } from '../../src/views/mermaid-sequence.ts';
import { leavesOf } from '../../src/views/chart.ts';
import { mermaidId } from '../../src/views/mermaid-state.ts';
import { runDocOf, runOf } from './fixtures.ts';

const ROOT = join(import.meta.dirname, '../..');
const tmp = () => mkdtempSync(join(tmpdir(), 'svmsim-report-'));

describe('report model', () => {
  it('lanes read process → file → vma → mm → svm → srcu → prq → iommu → dma, with their kinds and first states', async () => {
    const doc = await runDocOf('pre-fix');
    const d = buildReport(doc);
    expect(d.actors.map((a) => `${a.id}:${a.kind}`)).toEqual(['process#1:process', 'file#1:file', 'vma#1:vma', 'mm#1:mm', 'svm:svm', 'srcu:srcu', 'prq:faultHandler', 'iommu:iommu', 'dma#1:dma']);
    expect(d.actors.find((a) => a.id === 'mm#1')!.initial).toBe('lifecycle.live|op.idle|unregister.idle');
    // Without the world's names the kinds come from the states seen, and the first states from
    // the charts: the process's is `user_mode`, before start-up takes it into its first syscall.
    const bare = buildReport({ trace: doc.trace, violations: doc.violations });
    // srcu takes no step on pre-fix (the leak keeps exit_mmap from ever running), so the trace alone
    // does not name it.
    expect(bare.actors.map((a) => `${a.id}:${a.kind}`)).toEqual(d.actors.filter((a) => a.id !== 'srcu').map((a) => `${a.id}:${a.kind}`));
    expect(bare.actors.filter((a) => a.initial !== d.actors.find((x) => x.id === a.id)!.initial).map((a) => `${a.id} ${a.initial} → ${d.actors.find((x) => x.id === a.id)!.initial}`)).toEqual(['process#1 user_mode → syscall']);
  });

  it('the objects folded step by step end as `run --json` reports them', async () => {
    const doc = await runDocOf('fixed');
    const d = buildReport(doc);
    const table: Record<string, unknown> = {};
    for (const s of d.steps) for (const o of s.objects) table[(o as { id: string }).id] = o;
    expect(Object.values(table)).toEqual(expect.arrayContaining(doc.objects));
    expect(Object.keys(table).sort()).toEqual(doc.objects.map((o) => o.id).sort());
  });

  it('a violation after the last step links to the last step; states light their chart nodes and ancestors', async () => {
    const doc = await runDocOf('pre-fix');
    const d = buildReport(doc);
    expect(doc.violations[0]!.step).toBe(doc.trace.length);
    expect(d.violations[0]!.at).toBe(doc.trace.length - 1);
    expect(d.lit['lifecycle.live|op.idle|unregister.idle']).toEqual(['lifecycle', 'lifecycle__live', 'op', 'op__idle', 'unregister', 'unregister__idle']);
    for (const s of d.steps) {
      const ids = d.lit[s.state]!;
      for (const leaf of leavesOf(s.state)) expect(ids).toContain(mermaidId(leaf));
      for (const leaf of leavesOf(s.state)) expect(d.charts[s.to]).toContain(`<g class="node" data-id="${mermaidId(leaf)}"`);
    }
  });
});

describe('counts and lifetimes over the steps', () => {
  it('pre-fix: mm_users never reaches 0 while mm_count climbs to 2; every object alive at the end, as run --json says', async () => {
    const doc = await runDocOf('pre-fix');
    const d = buildReport(doc);
    const series = (obj: string, field: string) => d.counts.find((c) => c.obj === obj && c.field === field)!.values;
    expect(d.counts.map((c) => `${c.obj}.${c.field}`)).toEqual(['mm#1.mm_users', 'mm#1.mm_count', 'file#1.f_count', 'sdev#2.users']);
    for (const c of d.counts) expect(c.values).toHaveLength(doc.trace.length);
    const users = series('mm#1', 'mm_users');
    expect(Math.min(...(users.filter((v) => v !== null) as number[]))).toBe(1);
    expect(series('mm#1', 'mm_count').at(-1)).toBe(2);
    // The last value of each count is the object's count in `run --json`.
    for (const c of d.counts) expect(c.values.at(-1)).toBe((doc.objects.find((o) => o.id === c.obj) as Record<string, unknown>)[c.field]);
    expect(d.lifetimes.filter((l) => l.to !== null)).toEqual([]);
    expect(d.lifetimes.map((l) => l.id).sort()).toEqual(doc.objects.map((o) => o.id).sort());
  });

  it('fixed: mm_users drops to 0 at exit_mmap while mm_count holds the mm until the last mmdrop frees it', async () => {
    const doc = await runDocOf('fixed');
    const d = buildReport(doc);
    const users = d.counts.find((c) => c.obj === 'mm#1' && c.field === 'mm_users')!.values;
    const count = d.counts.find((c) => c.obj === 'mm#1' && c.field === 'mm_count')!.values;
    const zero = users.indexOf(0);
    expect(zero).toBeGreaterThan(0);
    expect(count[zero]).toBeGreaterThan(0);
    const mm = d.lifetimes.find((l) => l.id === 'mm#1')!;
    const json = doc.objects.find((o) => o.id === 'mm#1')!;
    expect([mm.from, mm.to, mm.freedBy]).toEqual([json.allocStep, json.freedStep, json.freedBy]);
    // Drawn up to the step that frees it, not after.
    expect(count[mm.to!]).toBe(0);
    expect(count.slice(mm.to! + 1).every((v) => v === null)).toBe(true);
    for (const l of d.lifetimes) expect(l.to === null).toBe(doc.objects.find((o) => o.id === l.id)!.alive);
  });
});

describe('report page', () => {
  it('is self-contained: nothing fetched, every step a row, the violation linked', async () => {
    const doc = await runDocOf('pre-fix');
    const html = reportHtml(buildReport(doc));
    expect(html).not.toMatch(/<link|@import|\ssrc=/);
    // The SVG namespace, and uPlot's license header (a comment in its inlined script).
    expect([...new Set(html.match(/https?:\/\/[^"'\s)]*/g))].sort()).toEqual(['http://www.w3.org/2000/svg', 'https://github.com/leeoniya/uPlot']);
    expect(html.match(/<g class="msg[^"]*" data-step="\d+"/g)).toHaveLength(doc.trace.length);
    expect(html).toContain(`<a href="#step=${doc.trace.length - 1}" data-step="${doc.trace.length - 1}">[leak]`);
    const data = JSON.parse(/<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html)![1]!) as { steps: unknown[] };
    expect(data.steps).toHaveLength(doc.trace.length);
  });
});

describe('report inputs', () => {
  it('a schedule is re-run with the replay strategy: the same trace as the run that recorded it', async () => {
    const scenario = loadScenario('fault-during-exit');
    const variant = variantByName('pre-fix');
    const r = await simulate({ scenario, variant, strategy: random(), seed: 3, transport: inlineTransport() });
    const fifoRun = await runOf('pre-fix', 'fault-during-exit');
    expect(r.trace).not.toEqual(fifoRun.trace); // the schedule matters
    const dir = tmp();
    writeFileSync(join(dir, 's.json'), JSON.stringify({ format: 'svmsim-schedule', version: 1, scenario: 'fault-during-exit', variant: 'pre-fix', seed: 3, choices: r.choices }));
    const input = await loadRunInput(join(dir, 's.json'));
    expect(input.trace).toEqual(r.trace);
    expect(input.violations).toEqual(r.violations);
  });

  it('bad input is one line naming the file and what is wrong', async () => {
    const dir = tmp();
    const cases: [string, string, RegExp][] = [
      ['junk.json', '{"trace": [', /junk\.json: /],
      ['step.json', JSON.stringify({ trace: [{ step: 'x' }], violations: [] }), /step\.json: trace\[0\]\.step: /],
      ['none.json', '{}', /neither a run .* nor a schedule/],
      ['diverge.json', JSON.stringify({ scenario: 'exit-with-mmap', variant: 'fixed', choices: [{ ch: 'nobody>nowhere', k: 0, of: 1 }] }), /no longer replays: diverged at step 0/],
      ['nokernel.json', JSON.stringify({ scenario: 'exit-with-mmap', choices: [] }), /names its kernel/],
    ];
    for (const [name, text, msg] of cases) {
      writeFileSync(join(dir, name), text);
      const err = await loadRunInput(join(dir, name)).then(() => null, (e: Error) => e);
      expect(err).toBeInstanceOf(BadInput);
      expect(err!.message).toMatch(msg);
      expect(err!.message).not.toContain('\n');
    }
    await expect(loadRunInput(join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: no such file/);
  });
});

describe('mermaid sequenceDiagram', () => {
  it('one arrow per delivery in delivery order, returns dashed, start-up and the violation as notes', async () => {
    const doc = await runDocOf('pre-fix');
    const text = mermaidSequence(doc.trace, doc.violations);
    const lines = text.split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    const arrows = lines.filter((l) => /->>/.test(l));
    const deliveries = doc.trace.filter((e) => e.from !== 'boot');
    expect(arrows).toHaveLength(deliveries.length);
    arrows.forEach((l, i) => {
      const e = deliveries[i]!;
      expect(l.trim()).toBe(`${e.from.replace(/\W/g, '_')}${e.event.startsWith('ret.') ? '-->>' : '->>'}${e.to.replace(/\W/g, '_')}: ${e.step} ${e.event}`);
    });
    expect(lines.filter((l) => l.includes('participant'))).toHaveLength(8);
    expect(text).toContain('Note over mm_1: 0 start-up +mm#1 +pgd#1');
    expect(text).toContain(`: [leak] step ${doc.violations[0]!.step}: kmemleak`);
    expect(doc.violations.map((v) => v.oracle)).toEqual(['leak']);
    expect(mermaidSequence([{ ...doc.trace[1]!, event: 'a;b' }])).toContain(': 1 a#59;b');
  });

  // Issue 26: each descriptor the driver writes (its own qi_submit_sync) and each register access
  // of prq_event_thread is a step of its own, in the diagram and in the trace viewer's steps.
  it('each invalidation descriptor and each PRQ register access is an arrow of its own, the descriptor named; the viewer has a step for each with its fields', async () => {
    const doc = await runDocOf('fixed', 'munmap-close-alive');
    const arrows = mermaidSequence(doc.trace).split('\n').filter((l) => /->>/.test(l));
    const descs = doc.trace.filter((e) => e.event === 'qi_submit_sync');
    expect(descs.map((e) => e.args.desc)).toEqual(['eiotlb', 'pasid-cache', 'eiotlb']);
    for (const e of descs) expect(arrows).toContain(`  svm->>iommu: ${e.step} qi_submit_sync ${e.args.desc}${e.args.gran ? ` ${e.args.gran}` : ''}`);
    expect(arrows.filter((l) => / (writel_prs_ppr|dmar_readq_pq|dmar_writeq_pqh)$/.test(l)).map((l) => l.replace(/.*: \d+ /, ''))).toEqual(['writel_prs_ppr', 'dmar_readq_pq', 'dmar_writeq_pqh']);
    const steps = buildReport(doc).steps.filter((s) => s.event === 'qi_submit_sync');
    expect(steps.map((s) => [s.args.desc, s.args.did, s.args.pasid, s.args.am])).toEqual([['eiotlb', 1, 0, 2], ['pasid-cache', 1, 0, undefined], ['eiotlb', 1, 0, undefined]]);
  });
});
