// The layer rule (docs/design/architecture.md): a module imports only from its own layer or the
// layers below it, and no module imports itself back through a cycle. `npm test` runs this
// (test/architecture/layers.test.ts); `npx depcruise src machines bin --config` shows it by hand.
/** Bottom to top. */
const LAYERS = [
  ['base', '^src/(hash|files|input|errors|paths)\\.ts$'],
  ['machines', '^machines/'],
  ['variants', '^src/variants/'],
  ['runtime', '^src/runtime/'],
  ['trace', '^src/trace/'],
  ['oracles', '^src/oracles/'],
  ['scenario', '^src/scenario/'],
  ['scheduler', '^src/scheduler/'],
  ['engine', '^src/engine/'],
  ['simulate', '^src/simulate\\.ts$'],
  ['faults', '^src/faults/'],
  ['explore', '^src/explore/'],
  ['fuzz, play', '^src/(fuzz|play)/'],
  ['distributed, views', '^src/(distributed|views)/'],
  ['cli', '^(src/cli/|bin/)'],
];

const above = (i) => LAYERS.slice(i + 1).map(([, p]) => `(${p})`).join('|');

module.exports = {
  forbidden: [
    ...LAYERS.slice(0, -1).map(([name, path], i) => ({
      name: `layer: ${name}`,
      comment: `${name} imports only from its own layer and the ones below (base <- machines <- variants <- runtime <- trace <- oracles <- scenario <- scheduler <- engine <- simulate <- faults <- explore <- fuzz/play <- distributed/views <- cli)`,
      severity: 'error',
      from: { path },
      to: { path: above(i)},
    })),
    {
      name: 'views render, never run',
      comment: 'a view takes a run (or an exploration) as data and returns HTML or JSON: it imports no module that runs a simulation (the run loop, a transport, a strategy, a replay, a search, a fuzz run, a played session); the callers in src/cli/ run, then draw. A type-only import runs nothing and is allowed',
      severity: 'error',
      from: { path: '^src/views/' },
      to: {
        path: '^src/(simulate\\.ts|runtime/(inline|run)\\.ts|runtime/threads/|engine/transports\\.ts|scheduler/|faults/lasso\\.ts|explore/(counterexamples|explore|explorer|job|lasso-shrink|loops|nearest|parallel|replay-file|run-input|shrink|stateful)\\.ts|fuzz/(fuzz|judge|run-seed|shrink-world)\\.ts|play/)',
        dependencyTypesNot: ['type-only'],
      },
    },
    { name: 'no-cycle', comment: 'no import cycle, type-only ones included', severity: 'error', from: {}, to: { circular: true } },
    { name: 'tools-not-test', comment: 'scripts and the product never import the test tree', severity: 'error', from: { path: '^(src|machines|bin|tools|bench)/' }, to: { path: '^test/' } },
    { name: 'not-to-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'], exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
