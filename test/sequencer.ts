// Longest files first. Vitest runs a file on one worker from start to end, so a long file that
// starts last keeps the suite waiting after every other file is done. On a fresh clone vitest has
// no durations cached and orders by file size, which puts the short files of the largest
// exhaustive searches last: these files start first, in this order, the rest as vitest orders them.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONGEST_FIRST = [
  'test/explore/exhaustive.test.ts',
  'test/explore/must-hold.test.ts',
  'test/cli/reliability.test.ts',
];

const rank = (spec: TestSpecification): number => {
  const i = LONGEST_FIRST.findIndex((f) => spec.moduleId.endsWith(f));
  return i < 0 ? LONGEST_FIRST.length : i;
};

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted.map((spec, i) => ({ spec, i })).sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i).map(({ spec }) => spec);
  }
}
