// The CLI's commands, each a file in ./commands that exports `register(program)`. Imported by
// name, so that a start loads one command's modules (and a bundler sees every one: src/bundles.js).
// test/cli/command-list.test.ts checks that this lists every file in ./commands.
import type { Command } from 'commander';

type Module = { register: (p: Command) => void };

export const COMMANDS: Record<string, () => Promise<Module>> = {
  bisect: () => import('./commands/bisect.ts'),
  charts: () => import('./commands/charts.ts'),
  demo: () => import('./commands/demo.ts'),
  diff: () => import('./commands/diff.ts'),
  explore: () => import('./commands/explore.ts'),
  fuzz: () => import('./commands/fuzz.ts'),
  history: () => import('./commands/history.ts'),
  lists: () => import('./commands/lists.ts'),
  merge: () => import('./commands/merge.ts'),
  play: () => import('./commands/play.ts'),
  replay: () => import('./commands/replay.ts'),
  report: () => import('./commands/report.ts'),
  run: () => import('./commands/run.ts'),
  status: () => import('./commands/status.ts'),
  worker: () => import('./commands/worker.ts'),
};
