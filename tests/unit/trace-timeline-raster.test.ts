// The timeline's lane rasteriser (src-main/analysis/trace/lane-raster.ts) against a brute-force
// picture: every interval at least a pixel wide is drawn exactly where it is; every merged
// pixel column has the class with the most time in that pixel and the covered share of it
// (rounded up to eighths), whether the column was summed directly or with prefix sums; every
// pixel with time in it is drawn; and a lane of a million intervals costs O(pixels).
import { describe, expect, test } from 'vitest';
import { RunBuffer, buildPrefix, buildWantedPrefix, rasterLane, wantPrefix, type LaneSource, type TimeWindow } from '../../src-main/analysis/trace/lane-raster.js';

/** A deterministic pseudo-random lane: integer times, gaps, tiny and wide intervals, `classes` classes. */
function makeLane(n: number, seed: number, classes = 5): LaneSource {
  let s = seed;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const begin = new Float64Array(n);
  const end = new Float64Array(n);
  const cls = new Uint8Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.1) t += Math.floor(rnd() * 200); // a gap (the goroutine did not exist)
    const r = rnd();
    const len = r < 0.7 ? 1 + Math.floor(rnd() * 20) : r < 0.95 ? 20 + Math.floor(rnd() * 300) : 300 + Math.floor(rnd() * 5000);
    begin[i] = t;
    end[i] = t + len;
    cls[i] = Math.floor(rnd() * classes);
    t += len;
  }
  return { begin, end, cls, lo: 0, hi: n };
}

/** Brute force: time per class in pixel column c. */
function columnTruth(src: LaneSource, w: TimeWindow, c: number): { acc: number[]; covered: number } {
  const cs = w.t0 + c * w.nsPerPx;
  const ce = cs + w.nsPerPx;
  const acc = new Array<number>(16).fill(0);
  let covered = 0;
  for (let i = src.lo; i < src.hi; i++) {
    const d = Math.min(src.end[i], ce) - Math.max(src.begin[i], cs);
    if (d > 0) {
      acc[src.cls[i]] += d;
      covered += d;
    }
  }
  return { acc, covered };
}

function check(src: LaneSource, w: TimeWindow): { runs: number; merged: number } {
  const out = new RunBuffer();
  rasterLane(src, w, out);
  const toX = (t: number): number => (t - w.t0) / w.nsPerPx;
  let merged = 0;
  // Runs go left to right and never overlap by more than the fraction of a pixel a wide interval leaves in a column.
  for (let k = 1; k < out.n; k++) expect(out.x0[k]).toBeGreaterThan(out.x0[k - 1] - 1e-9);
  for (let k = 0; k < out.n; k++) {
    const i = out.index[k];
    const wide = i >= 0 && out.fill[k] === 1 && !(Number.isInteger(out.x0[k]) && out.x1[k] === out.x0[k] + 1 && toX(src.end[i]) - toX(src.begin[i]) < 1);
    if (wide) {
      // An interval's own rectangle: exactly its (clipped) extent.
      expect(out.x1[k]).toBeCloseTo(Math.min(toX(src.end[i]), w.widthPx), 9);
      expect(out.x0[k]).toBeGreaterThanOrEqual(Math.max(0, toX(src.begin[i])) - 1e-9);
      expect(out.x0[k]).toBeLessThan(Math.max(0, toX(src.begin[i])) + 1);
      continue;
    }
    for (let c = out.x0[k]; c < out.x1[k] - 1e-9; c++) {
      merged++;
      const { acc, covered } = columnTruth(src, w, c);
      let best = 0;
      for (let q = 0; q < 16; q++) if (acc[q] > acc[best]) best = q;
      expect(out.cls[k], `class of column ${c}`).toBe(best);
      expect(out.fill[k], `fill of column ${c}`).toBe(Math.min(8, Math.ceil((covered / w.nsPerPx) * 8 - 1e-9)) / 8);
    }
  }
  // Every pixel with time in it is drawn.
  for (let c = 0; c < w.widthPx; c++) {
    if (columnTruth(src, w, c).covered <= 0) continue;
    let hit = false;
    for (let k = 0; k < out.n && !hit; k++) hit = out.x0[k] < c + 1 && out.x1[k] > c;
    expect(hit, `column ${c} is drawn`).toBe(true);
  }
  return { runs: out.n, merged };
}

describe('rasterLane', () => {
  test.each([
    { name: 'whole lane, sub-pixel everywhere (prefix sums)', n: 20000, t0: 0, nsPerPx: 2000, widthPx: 400 },
    { name: 'zoomed in (own rectangles and small columns)', n: 20000, t0: 150000, nsPerPx: 3, widthPx: 400 },
    { name: 'middle zoom, window starting inside an interval', n: 20000, t0: 77777, nsPerPx: 37, widthPx: 300 },
    { name: 'window before and past the lane', n: 500, t0: -5000, nsPerPx: 200, widthPx: 300 },
  ])('$name', ({ n, t0, nsPerPx, widthPx }) => {
    const src = makeLane(n, n + widthPx);
    const r = check(src, { t0, nsPerPx, widthPx });
    expect(r.runs).toBeGreaterThan(0);
  });

  test('prefix sums and direct sums agree on the same columns', () => {
    const a = makeLane(30000, 7);
    const w = { t0: 1000, nsPerPx: 5000, widthPx: 500 };
    const ra = new RunBuffer();
    const rb = new RunBuffer();
    // The first frame sums the dense columns directly and asks for the lane's prefix sums…
    rasterLane(a, w, rb);
    expect(a.prefix).toBeUndefined();
    while (buildWantedPrefix());
    expect(a.prefix).toBeTruthy();
    // …which the next frames use, with the same result.
    rasterLane(a, w, ra);
    expect(Array.from(ra.cls.subarray(0, ra.n))).toEqual(Array.from(rb.cls.subarray(0, rb.n)));
    expect(Array.from(ra.fill.subarray(0, ra.n))).toEqual(Array.from(rb.fill.subarray(0, rb.n)));
  });

  test('prefix sums built a few intervals per call between frames equal those built at once', () => {
    const a = makeLane(30000, 7);
    const b = makeLane(5000, 3);
    wantPrefix(a);
    wantPrefix(b);
    let calls = 0;
    // 1,000 intervals per call: many calls, each lane left part-built between them, unused until complete.
    while (buildWantedPrefix(1000)) {
      calls++;
      expect(calls).toBeLessThan(1000);
      if (a.prefix) expect(a.prefix.cum[0].length).toBe(a.hi - a.lo + 1);
    }
    expect(calls).toBeGreaterThanOrEqual(30);
    for (const lane of [a, b]) {
      const whole = buildPrefix(lane);
      expect(Array.from(lane.prefix!.slot)).toEqual(Array.from(whole.slot));
      expect(lane.prefix!.cum.map((c) => Array.from(c))).toEqual(whole.cum.map((c) => Array.from(c)));
    }
  });

  test('a lane of a million intervals costs O(pixels): few reads of its arrays, a few ms', () => {
    const src = makeLane(1_000_000, 3);
    const w = { t0: 0, nsPerPx: src.end[src.hi - 1] / 1600, widthPx: 1600 };
    const out = new RunBuffer();
    rasterLane(src, w, out); // asks for the prefix sums, built once between frames
    while (buildWantedPrefix());
    // Count every read of the interval columns while drawing the whole lane again.
    let reads = 0;
    const counted = (a: Float64Array | Uint8Array): Float64Array =>
      new Proxy(a, { get: (t, k) => (typeof k === 'string' && /^\d+$/.test(k) && reads++, Reflect.get(t, k)) }) as Float64Array;
    const watched: LaneSource = { ...src, begin: counted(src.begin), end: counted(src.end), cls: counted(src.cls) as unknown as Uint8Array };
    out.reset();
    rasterLane(watched, w, out);
    console.log(`1M-interval lane, 1600 px: ${reads} reads of its columns`);
    expect(reads).toBeLessThan(60 * w.widthPx);
    expect(out.n).toBeLessThanOrEqual(2 * w.widthPx);
    const t0 = performance.now();
    for (let k = 0; k < 20; k++) {
      out.reset();
      rasterLane(src, { ...w, t0: k * w.nsPerPx * 3 }, out);
    }
    console.log(`  ${((performance.now() - t0) / 20).toFixed(2)} ms per frame`);
  });
});
