// One side of the engine section's with/without-the-table ratios, in a process of its own, as a
// user's `svmsim explore` runs it: warmed until its rate has settled, then timed.
//   tsx bench/engine-rate.ts random|pct|dfs on|off   → one line of JSON
// random and pct: schedules per CPU second of exit-with-mmap on fixed (median of 5 timed rounds);
// dfs: CPU seconds of the stateful search (median of 9 with the table, 3 without). Either after
// untimed rounds worth WARM_CPU_S of CPU: the side with the table runs its code many more times a
// second, and is warm only after as much CPU time as the other. The parent
// (sections/15-engine.ts) alternates the two sides.
import { explore, type ExploreOptions } from '../src/explore/explore.ts';
import { variantByName } from '../src/variants/variants.ts';
import { DEFAULT_MAX_STEPS } from '../src/runtime/run.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { median } from './measure.ts';
import { Argument, Command } from 'commander';

const { kind, side } = (() => {
  const cli = new Command('engine-rate')
    .addArgument(new Argument('<kind>', 'what to time').choices(['random', 'pct', 'dfs']))
    .addArgument(new Argument('<side>', 'with or without the memo table').choices(['on', 'off']))
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2))
    .parse();
  return { kind: cli.processedArgs[0] as string, side: cli.processedArgs[1] as string };
})();
const memo = side === 'on';
const WARM_CPU_S = 3;
const base: ExploreOptions = { scenario: loadScenario('exit-with-mmap'), variant: variantByName('fixed'), strategy: kind as 'random', seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport: 'inline', reorder: false, shrink: false, memo };

/** CPU seconds of one explore, and what it did. */
async function timed(o: Partial<ExploreOptions>) {
  const c0 = process.cpuUsage();
  const r = await explore({ ...base, ...o });
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, r };
}

if (kind === 'dfs') {
  // A search with the table is a tenth of a second, and the code it runs once a search (the
  // explorer's set-up, the leaves' bookkeeping) settles only after some fifty of them: nine
  // timed searches with the table, against three without.
  let warm = 0;
  for (let n = 0; warm < WARM_CPU_S || (memo && n < 50); n++) warm += (await timed({})).cpu;
  const runs = [];
  for (let i = 0; i < (memo ? 9 : 3); i++) runs.push(await timed({}));
  const st = runs[0]!.r.dfs!.states!;
  console.log(JSON.stringify({ cpu: median(runs.map((x) => x.cpu)), states: st.states, transitions: st.transitions }));
} else {
  // A round takes about half a second on either side.
  const schedules = memo ? 2000 : Number(process.env.OFF_ROUND ?? 80);
  let warm = 0;
  while (warm < WARM_CPU_S) warm += (await timed({ schedules })).cpu;
  const rates = [];
  for (let i = 0; i < 5; i++) {
    const { cpu, r } = await timed({ schedules });
    rates.push(r.schedules / cpu);
  }
  console.log(JSON.stringify({ perS: median(rates) }));
}
