// `svmsim variants` and `svmsim scenarios`: what can be run.
import type { Command } from 'commander';
import { hunksOf, VARIANTS } from '../../variants/variants.ts';
import { builtinNames, loadScenario } from '../../scenario/load.ts';

export function register(program: Command): void {
  program
    .command('variants')
    .description('list the kernel variants and the hunks of the seed patch each carries')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      if (o.json) {
        console.log(JSON.stringify(VARIANTS.map((v) => ({ ...v, hunkList: hunksOf(v).map((h) => h.id) })), null, 2));
        return;
      }
      for (const v of VARIANTS) {
        const at = v.line ? `line: ${v.release}${v.commit ? ` ${v.commit}` : ''}` : v.tried ? `tried on ${v.tried}, off the line` : `ablation of ${v.ablates}`;
        console.log(`${v.name}\n  ${v.description} (${at})`);
        const hunks = hunksOf(v);
        console.log(hunks.length ? hunks.map((h) => `  + ${h.id}: ${h.where}: ${h.what} [${h.commit || 'commit not found'} ${h.release} "${h.subject}"]`).join('\n') : '  (no hunk of the seed: v4.4.1 as it was)');
      }
    });
  program
    .command('scenarios')
    .description('list the built-in scenarios (or pass --scenario FILE to run your own)')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const all = builtinNames().map((n) => loadScenario(n));
      if (o.json) console.log(JSON.stringify(all, null, 2));
      else for (const s of all) console.log(`${s.name.padEnd(20)} ${s.description}`);
    });
}
