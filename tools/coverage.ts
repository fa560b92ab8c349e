// `npm run coverage -- [kernel...] [--seconds S]`: transition coverage over every built-in
// scenario on each kernel variant (default fixed and pre-fix): a stateful dfs of each scenario
// (cut at S seconds, default 20) plus 300 pct schedules, merged; then every transition of every
// machine that no run took. The table of untaken transitions in docs/results/coverage.md comes from this.
import { CoverageRecorder, untaken, untakenText } from '../src/explore/coverage.ts';
import { explore } from '../src/explore/explore.ts';
import { variantByName } from '../src/variants/variants.ts';
import { builtinNames, loadScenario } from '../src/scenario/load.ts';
import { KINDS } from '../machines/index.ts';
import { Command } from 'commander';

const cli = new Command('coverage')
  .argument('[kernel...]', 'kernel variants', ['fixed', 'pre-fix'])
  .option('--seconds <s>', "each scenario's dfs is cut at S seconds", '20')
  .parse();
const seconds = Number(cli.opts<{ seconds: string }>().seconds);
const kernels = cli.processedArgs[0] as string[];

for (const kernel of kernels) {
  const variant = variantByName(kernel);
  const cov = new CoverageRecorder();
  for (const name of builtinNames()) {
    const scenario = loadScenario(name);
    const base = { scenario, variant, seed: 1, maxSteps: 5000, transport: 'inline' as const, reorder: false, shrink: false };
    const dfs = await explore({ ...base, strategy: 'dfs', seconds });
    const pct = await explore({ ...base, strategy: 'pct', schedules: 300 });
    cov.add(dfs.coverage);
    cov.add(pct.coverage);
    const fired = [...new Set([...dfs.violations, ...pct.violations].map((v) => v.oracle))];
    console.error(`${kernel} ${name}: dfs ${dfs.dfs?.exhausted ? 'exhausted' : `cut at ${seconds} s`} (${dfs.schedules} runs), pct 300${fired.length ? `; fired: ${fired.join(', ')}` : ''}`);
  }
  const s = cov.summary(KINDS);
  console.log(`\n${kernel}: transitions ${s.transitions.visited}/${s.transitions.total}, states ${s.states.visited}/${s.states.total}`);
  console.log(untakenText(untaken(cov.data(), KINDS)));
}
