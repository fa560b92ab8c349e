// Every mutant StrykerJS left alive is triaged (test/mutation/triage.ts), every rule still names a
// survivor, and SURVIVORS.md's tables are the ones the triage gives now.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INCREMENTAL, SURVIVORS_MD, render, rewritten, survivors, triage, type Incremental } from './survivors.ts';
import type { Rule } from './triage.ts';

const inc = JSON.parse(readFileSync(INCREMENTAL, 'utf8')) as Incremental;
const list = survivors(inc);
const t = triage(list);
const label = (s: (typeof list)[number]) => `${s.file}:${s.line}:${s.column} ${s.mutator} ${JSON.stringify(s.original)} → ${JSON.stringify(s.replacement)}`;

describe('the triage of the surviving mutants', () => {
  it('names every survivor', () => {
    expect(list.length).toBeGreaterThan(0);
    expect(t.untriaged.map(label)).toEqual([]);
  });

  it('has no rule left that names none (a killed mutant leaves its rule, or a rule moved with its line)', () => {
    expect(t.stale.map((r) => `${r.file} ${r.what}`)).toEqual([]);
  });

  it('SURVIVORS.md has the tables the triage gives now (npx tsx test/mutation/survivors.ts)', () => {
    const md = readFileSync(SURVIVORS_MD, 'utf8');
    expect(rewritten(md, render(inc, t.byRule))).toBe(md);
  });

  it('a survivor takes the first rule that matches it, by file, line and the text it replaced', () => {
    const s = { file: 'mm.ts', line: 55, column: 70, mutator: 'EqualityOperator', original: 'Number(addr) >= v.start', replacement: 'Number(addr) > v.start' };
    const rule = (r: Partial<Rule>): Rule => ({ file: 'mm.ts', equivalent: false, what: 'w', why: 'y', ...r });
    const [wrongLine, wrongText, right, later] = [rule({ lines: [54] }), rule({ original: /tags/ }), rule({ lines: [55], original: />=/ }), rule({})];
    const r = triage([s], [wrongLine, wrongText, right, later]);
    expect(r.byRule.get(right)).toEqual([s]);
    expect(r.stale).toEqual([wrongLine, wrongText, later]);
    expect(triage([s], [wrongLine]).untriaged).toEqual([s]);
  });
});
