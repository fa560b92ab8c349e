// portfolio: one strategy per schedule, in turn, as Coyote's portfolio runs random, probabilistic
// random, PCT and delay bounding one iteration each. Two kinds of race are hunted: one where a
// thread must run a long stretch undisturbed while another waits (the missing release flush),
// which delay bounding and pct find better than a uniform walk; and one where two kernel threads
// must interleave within a few steps (the missing fault pin), which the walk finds better than pct
// or delay bounding. The probabilistic member (./probabilistic.ts) is good at both. Faults are a
// third kind, which falls mostly to pct. So each block of four opens with the probabilistic member
// at p = 0.1 (the best first schedule for the first two kinds), then pct (depth 3, 4 and 2 in turn),
// the probabilistic member at p = 0.25, and a uniform walk; delay bounding is left out (p = 0.1
// beats it on every race measured). The measurements: docs/results/strategies.md. Schedule n runs
// member n mod 12 with seed first + n, the seed that member's own strategy uses for its
// schedule 0 under `--seed first + n`, so a portfolio schedule is the member's own schedule, made
// again by `explore --strategy pct --depth 3 --seed <first + n> --schedules 1`. The member and
// its parameters come from the schedule number alone (no feedback), so shards and jobs deal out
// the numbers as they do for random and pct. A world that breaks one of the driver's contracts
// (it injects faults, or a device DMAs with a PASID nobody bound: src/faults/scenarios.ts,
// breaksContracts) gets its own rotation (FAULT_ROTATION below): there pct finds things first.
import { delayBounding } from './delay.ts';
import type { Composite, MemberRecord } from './member.ts';
import { pct } from './pct.ts';
import { probabilistic } from './probabilistic.ts';
import { random } from './random.ts';
import type { Strategy } from '../runtime/strategy.ts';

export interface PortfolioOptions {
  /** The seed of schedule 0 (explore's --seed): schedule n is the run with seed first + n. */
  first: number;
  /** k: a run's expected length, for pct's change points and the delays. */
  steps: number;
  /** The world breaks a contract (faults, or a PASID nobody bound: breaksContracts): pct alone. */
  faults?: boolean;
}

type Member = Omit<MemberRecord, 'seed'>;

const walk: Member = { strategy: 'random' };
const pctAt = (d: number): Member => ({ strategy: 'pct', depth: d });
const switching = (p: number): Member => ({ strategy: 'probabilistic', p });

/** The rotation, from the measurements above: three blocks of the probabilistic member at p = 0.1,
 * pct, the probabilistic member at 0.25 and a walk. */
export const ROTATION: readonly Member[] = [pctAt(3), pctAt(4), pctAt(2)].flatMap((m) => [switching(0.1), m, switching(0.25), walk]);

/** The rotation where the world breaks a contract (the scenario's `faults`, or `--faults`, or a
 * DMA with a PASID nobody bound): pct at depth 4 alone. A fault that must wait for its moment (a
 * stale request queued while A exits and B binds, a slow `dma_stop`) falls to pct far more often
 * than to any other member, and a lost response to pct as soon as to the walk: no other member
 * finds anything there sooner, so a mix would only dilute it (docs/results/strategies.md). */
export const FAULT_ROTATION: readonly Member[] = [pctAt(4)];

/** The rotation a world gets. */
export const rotationOf = (faults = false): readonly Member[] => (faults ? FAULT_ROTATION : ROTATION);

/** The strategy a member record names (k from the record). */
export function memberStrategy(m: Member, steps: number): Strategy {
  switch (m.strategy) {
    case 'pct':
      return pct({ depth: m.depth!, steps });
    case 'delay':
      return delayBounding({ delays: m.delays!, steps });
    case 'probabilistic':
      return probabilistic({ p: m.p! });
    default:
      return random();
  }
}

/** Schedule n's member: its place in the rotation, with k for those that take it. */
export function memberOf(n: number, steps: number, rotation: readonly Member[] = ROTATION): Member {
  const m = rotation[n % rotation.length]!;
  return m.strategy === 'random' || m.strategy === 'probabilistic' ? m : { ...m, steps };
}

export function portfolio(o: PortfolioOptions): Composite {
  const rotation = rotationOf(o.faults);
  const members = rotation.map((m) => memberStrategy(m, o.steps));
  let current: Strategy = members[0]!;
  let record: MemberRecord = { ...memberOf(0, o.steps, rotation), seed: o.first };
  return {
    name: 'portfolio',
    beginRun(seed) {
      // Schedule numbers wrap with the 32-bit seeds (explore's seed + n).
      const n = (seed - o.first) >>> 0;
      current = members[n % members.length]!;
      record = { ...memberOf(n, o.steps, rotation), seed };
      current.beginRun(seed);
    },
    pick: (enabled, step) => current.pick(enabled, step),
    member: () => record,
  };
}
