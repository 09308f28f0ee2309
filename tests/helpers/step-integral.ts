// The integral of a step function (value util[i] from time[i] to time[i+1], the last step to
// `end`) over [a, b], the slow way: the MMU tests' reference for single windows.
export function stepIntegral(time: Float64Array, util: Float64Array, end: number, a: number, b: number): number {
  let sum = 0;
  for (let i = 0; i < time.length; i++) {
    const s = Math.max(a, time[i]);
    const e = Math.min(b, i + 1 < time.length ? time[i + 1] : end);
    if (e > s) sum += util[i] * (e - s);
  }
  return sum;
}
