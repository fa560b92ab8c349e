// `svmsim bisect --scenario S [--oracle O]`: walk the line of history as `git bisect` walks
// commits (the first variant's verdict is "old"; halve until the first variant with another),
// and name that variant and the hunk responsible, with the counterexample on one side and the
// clean search on the other.
import type { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bisect, type BisectResult } from '../../explore/line.ts';
import { ORACLES, type OracleName } from '../../oracles/types.ts';
import { loadScenario } from '../../scenario/load.ts';
import { LINE, variantByName, type Hunk } from '../../variants/variants.ts';
import { BadInput, oneOf } from '../../errors.ts';
import { addLineOptions, cellOptions, cellText, type LineOpts } from '../line-common.ts';

interface BisectOpts extends LineOpts {
  scenario?: string;
  oracle?: string;
  from?: string;
  to?: string;
  out?: string;
}

/** A line variant by name (or commit, or release), for --from and --to. */
function onLine(flag: string, name: string): number {
  const v = variantByName(name);
  const i = LINE.indexOf(v);
  if (i < 0) throw new BadInput(`${flag} ${name}: not on the line of history (valid: ${LINE.map((x) => x.name).join(', ')})`);
  return i;
}

export function register(program: Command): void {
  addLineOptions(
    program
      .command('bisect')
      .description('walk the line of history like git bisect: the first variant whose verdict on a scenario changes, and the hunk responsible')
      .option('-s, --scenario <name|file>', 'a built-in scenario or a JSON file')
      .option('--oracle <name>', `compare whether this oracle fires (${ORACLES.join(', ')}) instead of the whole verdict`)
      .option('--from <variant>', 'the "old" end of the walk (default the first on the line)')
      .option('--to <variant>', 'the "new" end (default the last on the line)')
      .option('--out <dir>', 'keep the counterexamples in DIR/<variant>/<scenario>/ (default a new temporary folder, kept)'),
  ).action(async (o: BisectOpts) => {
    if (o.scenario === undefined) throw new BadInput('bisect needs --scenario S (a built-in scenario or a JSON file)');
    const scenario = loadScenario(o.scenario);
    const oracle = o.oracle === undefined ? undefined : oneOf<OracleName>('oracle', o.oracle, ORACLES);
    const from = o.from === undefined ? 0 : onLine('--from', o.from);
    const to = o.to === undefined ? LINE.length - 1 : onLine('--to', o.to);
    if (from >= to) throw new BadInput(`--from ${LINE[from]!.name} must come before --to ${LINE[to]!.name} on the line (${LINE.map((x) => x.name).join(', ')})`);
    const opts = cellOptions(o, o.out ?? mkdtempSync(join(tmpdir(), 'svmsim-bisect-')));
    const r = await bisect(scenario, LINE.slice(from, to + 1), { ...opts, ...(oracle ? { oracle } : {}) }, (s) => {
      if (!o.json) process.stderr.write(`  testing ${s.variant}: ${s.verdict} (${s.side})\n`);
    });
    console.log(o.json ? JSON.stringify(r) : bisectText(r));
  });
}

const hunkLine = (h: Hunk) => `${h.id}: ${h.where}: ${h.what}\n      [${h.commit || 'commit unknown'} ${h.release} "${h.subject}"]`;

export function bisectText(r: BisectResult): string {
  const what = r.oracle ? `whether ${r.oracle} fires` : 'the verdict';
  const out = [`bisect ${r.scenario} from ${r.from} (old) to ${r.to}, comparing ${what}:`, ...r.steps.map((s) => `  ${s.variant.padEnd(22)} ${s.verdict} (${s.side})`)];
  if (r.unchanged || !r.first || !r.before) {
    out.push(`no change: ${r.from} and ${r.to} agree (${r.steps[0]?.verdict}). bisect looks for one change between its ends; \`svmsim history -s ${r.scenario}\` shows every variant, and --from/--to narrow the walk.`);
    return out.join('\n');
  }
  const v = LINE.find((x) => x.name === r.first!.variant);
  out.push('', `first variant with the new verdict: ${r.first.variant}${v ? ` (${[v.release, v.commit].filter(Boolean).join(' ')})` : ''}`);
  if (r.responsible) out.push(`  the hunk responsible: ${hunkLine(r.responsible)}`);
  if (r.hunks && r.hunks.length > 1) out.push(`  (${r.first.variant} adds ${r.hunks.length} hunks over ${r.before.variant}: ${r.hunks.map((h) => h.id).join(', ')}; ${r.responsible ? `${r.responsible.id} alone, added in that order, changes the verdict` : 'no one of them alone changes it'})`);
  out.push(`  before  ${r.before.variant}: ${cellText(r.before)}`, `  after   ${r.first.variant}: ${cellText(r.first)}`);
  return out.join('\n');
}
