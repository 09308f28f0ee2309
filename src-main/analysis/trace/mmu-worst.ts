// The worst windows behind an MMU value, as go tool trace's MMU page lists them under its curve:
// for one window size, the windows of least mean mutator utilization that do not overlap one
// another. Candidates are the windows where the mean can be least (starting or ending at a
// step of the utilization, or at the trace's ends); the first is the MMU's own window.

export interface MmuWindow {
  startNs: number;
  durationNs: number;
  /** Mean mutator utilization in the window, 0..1. */
  util: number;
}

export interface MmuWorstWindows {
  windowNs: number;
  windows: MmuWindow[];
}

/** Window sizes listed by default: 1 ms, 10 ms, 100 ms, 1 s that fit twice in the trace (else a tenth of it). */
export function defaultWorstSizes(durationNs: number): number[] {
  const sizes = [1e6, 1e7, 1e8, 1e9].filter((w) => w * 2 <= durationNs);
  return sizes.length > 0 || durationNs <= 0 ? sizes : [Math.max(1, Math.round(durationNs / 10))];
}

/** Up to `count` non-overlapping windows of size w (≤ end) with the least mean utilization, least first. */
export function worstWindows(time: Float64Array, util: Float64Array, end: number, w: number, count = 5): MmuWindow[] {
  const n = time.length;
  w = Math.min(w, end);
  if (n === 0 || w <= 0) return [];
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + util[i] * ((i + 1 < n ? time[i + 1] : end) - time[i]);
  // Candidate starts, ascending within each of the two lists; integral(0..t) by a forward cursor per list end.
  const starts: number[] = [];
  const means: number[] = [];
  for (const startsAtStep of [true, false]) {
    let a = 0;
    let b = 0;
    const at = (i: number, t: number): [number, number] => {
      while (i + 1 < n && time[i + 1] <= t) i++;
      return [i, prefix[i] + util[i] * (t - time[i])];
    };
    for (let i = 0; i <= n; i++) {
      const edge = i < n ? time[i] : end;
      const x = Math.min(Math.max(startsAtStep ? edge : edge - w, 0), end - w);
      let fa: number;
      let fb: number;
      [a, fa] = at(a, x);
      [b, fb] = at(b, x + w);
      starts.push(x);
      means.push(Math.max(0, (fb - fa) / w));
    }
  }
  const order = Array.from(starts.keys()).sort((p, q) => means[p] - means[q] || starts[p] - starts[q]);
  const chosen: MmuWindow[] = [];
  for (const k of order) {
    if (chosen.length >= count) break;
    const x = starts[k];
    if (chosen.some((c) => x < c.startNs + w && c.startNs < x + w)) continue;
    chosen.push({ startNs: x, durationNs: w, util: means[k] });
  }
  return chosen;
}
