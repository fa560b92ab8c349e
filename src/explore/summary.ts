// The end of an exploration, for people and for scripts: `summarize` makes the `--json` document
// (violations as `run --json` has them, plus where and how often each fired), `summaryText` the
// report printed at the end.
import { CoverageRecorder, type CoverageSummary } from './coverage.ts';
import type { ExploreResult, SwarmMember, ViolationRecord } from './result.ts';
import { KINDS } from '../../machines/index.ts';
import { memberText } from '../scheduler/member.ts';
import { perSecond } from './rate.ts';
import type { BitstateStats } from './bitstate.ts';
import { moreStepsHint } from '../scenario/max-steps.ts';

/** What a run is, as the result says it. */
type Head = Omit<ExploreResult, 'format' | 'maxSteps' | 'endStates' | 'violations' | 'coverage' | 'coverageCounts' | 'history' | 'dfs'>;

export interface Summary extends Head {
  schedulesPerSecond: number;
  distinctEndStates: number;
  violations: (ViolationRecord['violation'] & Omit<ViolationRecord, 'violation' | 'oracle'>)[];
  coverage: CoverageSummary;
  /** dfs: the space (within the preemption bound) was searched to the end. */
  exhausted?: boolean;
  reduction?: { mode: string; sleepBlocked: number; asleep: number; unraced: number; overBound: number; unreducedEstimate?: number };
  /** --swarm: each bitstate search's states, coverage and finds. */
  swarm?: SwarmMember[];
  /** dfs, stateful: the state graph searched, and how many schedules run through it. */
  states?: { states: number; transitions: number; complete: number; revisits: number; capped: number; maxSteps: number; top?: number; schedulesCovered?: number | null; por?: { reduced: number; proviso: number; passes: number }; bitstate?: BitstateStats; symmetry?: { classes: string[][]; perms: number } };
}

export function summarize(r: ExploreResult): Summary {
  const { format: _f, maxSteps: _m, endStates, violations, coverage: cov, coverageCounts: _cc, history: _h, dfs, ...head } = r;
  return {
    ...head,
    schedulesPerSecond: perSecond(r.schedules, r.seconds),
    distinctEndStates: endStates.length,
    violations: violations.map(({ violation, oracle: _o, ...rest }) => ({ ...violation, ...rest })),
    coverage: new CoverageRecorder(cov).summary(KINDS.filter((k) => cov[k])),
    ...(dfs
      ? {
          exhausted: dfs.exhausted,
          ...(dfs.swarm ? { swarm: dfs.swarm } : {}),
          reduction: {
            mode: dfs.reduction ?? (r.preemptionBound === undefined ? 'dpor' : 'sleep'),
            sleepBlocked: dfs.blocked,
            asleep: dfs.asleep,
            unraced: dfs.unraced,
            overBound: dfs.overBound,
            ...(dfs.estimate !== undefined ? { unreducedEstimate: dfs.estimate } : {}),
          },
          ...(dfs.states
            ? {
                states: {
                  states: dfs.states.states,
                  transitions: dfs.states.transitions,
                  complete: dfs.states.complete,
                  revisits: dfs.states.revisits,
                  capped: dfs.states.capped ?? 0,
                  maxSteps: r.maxSteps,
                  // Jobs and shards each walk the top of the tree (above the split) unmatched.
                  ...(dfs.states.top ? { top: dfs.states.top } : {}),
                  // --reduction por: states expanded with an ample set, of them expanded fully by
                  // the cycle proviso, and the quiet learning passes before the counting one.
                  ...(dfs.states.por ? { por: dfs.states.por } : {}),
                  // --symmetry: the interchangeable processes, and the permutations of each state.
                  ...(dfs.states.symmetry ? { symmetry: dfs.states.symmetry } : {}),
                  // --bitstate: the bit array and the coverage it gives (never exhausted).
                  ...(dfs.states.bitstate ? { bitstate: dfs.states.bitstate } : {}),
                  // Known once the search is exhausted. JSON has no Infinity: null is a cyclic
                  // state graph (unboundedly many schedules).
                  ...(dfs.states.exhausted ? { schedulesCovered: Number.isFinite(dfs.states.paths) ? dfs.states.paths : null } : {}),
                },
              }
            : {}),
        }
      : {}),
  };
}

/** The stuck oracle's words for a run cut by its step limit. */
const STEP_LIMIT = /no quiescence within (\d+) deliveries/;

const pct = (v: number, t: number) => (t ? `${Math.round((100 * v) / t)}%` : '-');
const ratio = (x: { visited: number; total: number }) => `${x.visited}/${x.total} (${pct(x.visited, x.total)})`;
const pad = (s: string, n: number) => s.padEnd(n);
const sci = (n: number) => (n < 1e6 ? String(Math.round(n)) : n.toExponential(1));

export function summaryText(s: Summary): string {
  const how = [s.strategy === 'pct' ? `pct d=${s.depth}` : s.strategy === 'delay' ? `delay b=${s.delays}` : s.strategy, s.preemptionBound !== undefined ? `≤${s.preemptionBound} preemptions` : '', s.reorder ? 'reorder' : '', s.transport, `seed ${s.seed}`]
    .filter(Boolean)
    .join(', ');
  const lines = [`svmsim explore: ${s.scenario} on ${s.kernel} (${how})${s.jobs > 1 || s.shards.length > 1 || s.shards[0] !== '1/1' ? ` [${s.jobs} job(s), shard(s) ${s.shards.join(' ')}]` : ''}`];
  if (s.error) lines.push(`FAILED: ${s.error} (what follows is what it had found by then)`);
  lines.push(`schedules: ${s.schedules} in ${s.seconds} s (${s.schedulesPerSecond}/s)${s.interrupted ? ', interrupted' : ''}; distinct end states: ${s.distinctEndStates}`);
  if (s.workerFaults) lines.push(`worker faults (each ended its run; the pool was respawned): ${Object.entries(s.workerFaults).map(([k, n]) => `${k} ${n} run(s)`).join(', ')}`);
  if (!s.violations.length) lines.push('violations: none — no oracle fired');
  else {
    lines.push('violations (by oracle, first schedule that hit it):');
    for (const v of s.violations) {
      lines.push(`  ${pad(`[${v.oracle}]`, 18)} ${v.count} schedule(s), first #${v.schedule} (seed ${v.seed}${v.member ? `, ${memberText(v.member)}` : ''}): ${v.message}`);
      if (v.faults) lines.push(`  ${pad('', 18)} ${faultsText(v.faults)}`);
      const cut = v.oracle === 'stuck' ? STEP_LIMIT.exec(v.message) : null;
      if (cut) lines.push(`  ${pad('', 18)} (the step limit --max-steps ${cut[1]} was reached, not necessarily a hang: a bigger world may need more: ${moreStepsHint(Number(cut[1]))})`);
      if (v.file) {
        const size = v.original ? `shrunk from ${v.original.deliveries} deliveries/${v.original.preemptions} preemptions to ${v.deliveries}/${v.preemptions}` : `${v.deliveries} deliveries, ${v.preemptions} preemptions`;
        lines.push(`  ${pad('', 18)} counterexample: ${v.file} (${size}); svmsim replay ${v.file}`);
      }
    }
  }
  lines.push('coverage (visited/total):', `  ${pad('machine', 14)}${pad('states', 16)}transitions`);
  for (const [k, m] of Object.entries(s.coverage.machines)) lines.push(`  ${pad(k, 14)}${pad(ratio(m.states), 16)}${ratio(m.transitions)}`);
  lines.push(`  ${pad('all', 14)}${pad(ratio(s.coverage.states), 16)}${ratio(s.coverage.transitions)}`);
  if (s.exhausted !== undefined && s.states) {
    const g = s.states;
    // A cycle through states that different jobs expanded: none saw it whole on its own stack.
    const unseen = s.jobs > 1 && !s.violations.some((v) => v.oracle === 'livelock') ? '; no job held the whole cycle on its stack, so no lasso: --jobs 1 reports it as livelock' : '';
    const covered = g.schedulesCovered == null ? `unboundedly many (the state graph has a cycle${unseen})` : sci(g.schedulesCovered);
    // Runs cut by --max-steps leave what lies beyond unsearched: say so.
    const within = g.capped ? ` within ${g.maxSteps} deliveries (${g.capped} run(s) cut there)` : '';
    const top = g.top ? ` (${g.top} of them above the split, walked by every job)` : '';
    const b = g.bitstate;
    lines.push(
      s.swarm
        ? `dfs: a swarm of ${s.swarm.length} bitstate searches, each with its own hashes and order: ${s.swarm.map((m) => `#${m.member} ${m.states} states${m.oracles.length ? ` ${m.oracles.join(',')}` : ''}`).join('; ')}; not exhaustive, the members may all miss a state`
        : b
        ? `dfs: bitstate search ${s.interrupted ? 'stopped' : 'ended'}: ${g.states} states, ${g.transitions} transitions (2^${b.bits} bits, ${b.hashes} hashes, seed ${b.seed}: ${b.hashFactor} bits per state); a collision hid about ${Math.round(b.expectedMissed)} of the new states it met (expected), and what lies past them is not counted: not exhaustive${b.hashFactor < 100 ? '; under 100 bits per state: give --bitstate more bits (SPIN\'s rule of thumb)' : ''}`
        : s.exhausted
        ? `dfs: exhausted: every reachable state${within} searched: ${g.states} states${top}, ${g.transitions} transitions; every one of the ${covered} schedules passes through them`
        : `dfs: NOT exhausted after ${g.states} states${top}, ${g.transitions} transitions`,
      `  reduction (${s.reduction?.mode ?? 'states'}): ${g.complete} runs to an end state, ${g.revisits} cut at a state explored before` +
        (g.por ? `; ${g.por.reduced} states expanded with an ample set (${g.por.proviso} of them fully after all, by the cycle proviso), after ${g.por.passes} learning pass(es)` : ''),
    );
    if (g.symmetry) lines.push(`  symmetry: ${g.symmetry.classes.map((c) => c.join(' ~ ')).join('; ')} interchangeable: one state of each orbit of ${g.symmetry.perms} permutations (the states above are orbits)`);
  } else if (s.exhausted !== undefined && s.reduction) {
    const r = s.reduction;
    const within = s.preemptionBound !== undefined ? ` within ${s.preemptionBound} preemption(s)` : '';
    lines.push(
      s.exhausted ? `dfs: exhausted: every schedule${within} is equivalent to one of the ${s.schedules} run` : `dfs: NOT exhausted${within} after ${s.schedules} schedules`,
      `  reduction (${r.mode}): ${r.sleepBlocked} sleep-blocked runs cut short, ${r.asleep} alternatives asleep, ${r.unraced} never racing, ${r.overBound} over the bound` +
        (r.unreducedEstimate !== undefined ? `; ≈${sci(r.unreducedEstimate)} interleavings without reduction (Knuth's estimate)` : ''),
    );
  }
  return lines.join('\n');
}

/** What the faults of a violation's first schedule account for. */
function faultsText(f: NonNullable<ViolationRecord['faults']>): string {
  const fired = f.fired.length ? `faults fired: ${f.fired.join(', ')}` : 'no fault fired';
  return f.explained ? `(${fired}: a harm the broken contract can cause)` : `(${fired}: not a harm the broken contract can cause, so a bug of the model itself)`;
}
