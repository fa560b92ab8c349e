// The rate the summary and `status` print (issue 29 F22: 3 schedules in 6.68 s said `0/s`).
import { describe, expect, it } from 'vitest';
import { perSecond } from '../../src/explore/rate.ts';

describe('schedules per second', () => {
  it.each([
    [3, 6.68, 0.45],
    [1, 20, 0.05],
    [300, 8.79, 34],
    [95, 10, 9.5],
    [5, 0, 0],
  ])('%i in %f s: %f/s', (n, s, rate) => expect(perSecond(n, s)).toBe(rate));
});
