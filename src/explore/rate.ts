// Schedules per second, as the summary and `status` print them.
/** A rate as a person reads it: whole numbers from 10/s, two significant digits below (3 schedules
 * in 6.68 s is 0.45/s, not 0/s: F22 of issue 29); 0 when no time passed. */
export function perSecond(n: number, seconds: number): number {
  if (!(seconds > 0)) return 0;
  const rate = n / seconds;
  return rate >= 10 ? Math.round(rate) : Number(rate.toPrecision(2));
}
