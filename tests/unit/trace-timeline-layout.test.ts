// The timeline's pure helpers: lane rows (grouping, filter, sort, folded groups, row lookup),
// task packing, range unions, the heap series per pixel, zoom and pan, on a real trace's
// timeline (tests/go/tracegen via trace-gen.mjs) and on small hand-made inputs.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
// @ts-expect-error plain JS helper
import { ensureTrace } from '../go/trace-gen.mjs';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace.js';
import { traceTimeline } from '../../src-main/analysis/trace/timeline.js';
import { goroutineGroups, goroutineStats } from '../../src-main/analysis/trace/goroutine-summary.js';
import type { TraceTimeline } from '../../src-main/api/trace-timeline-types.js';
import { ROW_HEIGHT, RowKind, layoutLanes, packTasks, rowAt } from '../../src-renderer/lib/trace-lane-layout.js';
import { stepSeriesColumns, unionIntervals } from '../../src-renderer/lib/trace-bands.js';
import { clampViewport, formatSpan, formatTick, tickStep, wholeTrace, zoomAt } from '../../src-renderer/lib/trace-viewport.js';
import { prepareTimeline } from '../../src-renderer/lib/trace-timeline-data.js';
import { formatNs } from '../../src-main/analysis/trace/trace-text.js';

let tl: TraceTimeline;
let groupsFromSummary: { name: string; count: number }[];

beforeAll(async () => {
  const made = await ensureTrace({ toolchain: 'local' });
  const trace = parseGoTrace(new Uint8Array(readFileSync(made.path)));
  tl = traceTimeline(trace);
  groupsFromSummary = goroutineGroups(goroutineStats(trace));
}, 300_000);

const open = { filter: '', sort: 'id' as const, grouped: true, collapsed: new Set<string>() };

describe('layoutLanes', () => {
  test('a row per P, a header per start function and a row per goroutine, as the goroutine page groups them', () => {
    const rows = layoutLanes(tl, 0, open);
    const procs = tl.procs.start.length - 1;
    expect(procs).toBeGreaterThan(0);
    for (let r = 0; r < procs; r++) expect([rows.kind[r], rows.ref[r]]).toEqual([RowKind.Proc, r]);
    const counted = new Map(rows.groups.map((g) => [g.name, g.goroutines.length]));
    // Goroutines with lanes, per start function: the goroutine page's groups (same names and counts).
    for (const g of groupsFromSummary) expect(counted.get(g.name || '(no stack)'), g.name).toBe(g.count);
    let y = 0;
    for (let r = 0; r < rows.count; r++) {
      expect(rows.y[r]).toBe(y);
      y += ROW_HEIGHT[rows.kind[r] as 0 | 1 | 2 | 3];
    }
    expect(rows.height).toBe(y);
    expect(rows.shownGoroutines).toBe(tl.goroutines.id.length);
  });

  test('filter by id, function or label; fold a group; sort by time blocked', () => {
    const byName = layoutLanes(tl, 0, { ...open, filter: 'pingpong' });
    expect(byName.groups.map((g) => g.name)).toEqual(['main.pingPong.func1']);
    const id = tl.goroutines.id[byName.groups[0].goroutines[0]];
    const byId = layoutLanes(tl, 0, { ...open, filter: `G${id}` });
    expect(byId.shownGoroutines).toBe(1);
    const gc = layoutLanes(tl, 0, { ...open, filter: 'GC (' });
    expect(gc.shownGoroutines).toBeGreaterThan(0);
    for (const g of gc.groups) for (const i of g.goroutines) expect(tl.strings[tl.goroutines.label[i]]).toMatch(/^GC \(/);
    const all = layoutLanes(tl, 0, open);
    const big = all.groups.reduce((a, b) => (b.goroutines.length > a.goroutines.length ? b : a));
    const folded = layoutLanes(tl, 0, { ...open, collapsed: new Set([big.name]) });
    expect(folded.count).toBe(all.count - big.goroutines.length);
    const blocked = layoutLanes(tl, 0, { ...open, sort: 'blocked', grouped: false });
    const order = Array.from(blocked.ref.subarray(0, blocked.count)).filter((_, r) => blocked.kind[r] === RowKind.Goroutine);
    for (let k = 1; k < order.length; k++) expect(tl.goroutines.blockedNs[order[k - 1]]).toBeGreaterThanOrEqual(tl.goroutines.blockedNs[order[k]]);
  });

  test('rowAt finds the row under a height', () => {
    const rows = layoutLanes(tl, 2, open);
    for (let r = 0; r < rows.count; r++) {
      expect(rowAt(rows, rows.y[r])).toBe(r);
      expect(rowAt(rows, rows.y[r + 1] - 0.5)).toBe(r);
    }
    expect(rowAt(rows, -1)).toBe(-1);
    expect(rowAt(rows, rows.height)).toBe(-1);
  });

  test('prepareTimeline: lanes per goroutine and per P, bands from the ranges', () => {
    const data = prepareTimeline(tl);
    expect(data.goLanes.length).toBe(tl.goroutines.id.length);
    expect(data.gcBand.hi).toBeGreaterThan(0);
    for (let i = 1; i < data.gcBand.hi; i++) expect(data.gcBand.begin[i]).toBeGreaterThan(data.gcBand.end[i - 1]);
    expect(data.heapMax).toBeGreaterThan(0);
  });
});

describe('small helpers', () => {
  test('packTasks: overlapping tasks take separate rows, others share', () => {
    const { row, rows } = packTasks(Float64Array.from([0, 5, 12, 6]), Float64Array.from([10, 11, 20, 7]));
    expect(rows).toBe(3);
    expect(Array.from(row)).toEqual([0, 1, 0, 2]);
  });

  test('unionIntervals merges overlaps and counts them', () => {
    const u = unionIntervals([5, 0, 2, 20], [8, 3, 6, 25]);
    expect(Array.from(u.begin)).toEqual([0, 20]);
    expect(Array.from(u.end)).toEqual([8, 25]);
    expect(Array.from(u.count)).toEqual([3, 1]);
  });

  test('stepSeriesColumns: the largest value of the steps in each pixel', () => {
    const time = Float64Array.from([10, 12, 13, 40]);
    const value = Float64Array.from([1, 9, 2, 5]);
    const out = new Float64Array(6);
    stepSeriesColumns(time, value, { t0: 0, nsPerPx: 10, widthPx: 6 }, out);
    expect(Array.from(out)).toEqual([NaN, 9, 2, 2, 5, 5]);
  });

  test('zoom keeps the time under the pointer; the window stays inside the trace', () => {
    const v = wholeTrace(1e9, 1000);
    const z = zoomAt(v, 250, 0.5);
    expect(z.t0 + 250 * z.nsPerPx).toBeCloseTo(v.t0 + 250 * v.nsPerPx, 6);
    // Zoomed out as far as it goes: the whole trace, from 0 (no empty time before the start or after the end).
    expect(clampViewport({ t0: -1e12, nsPerPx: 1e9 }, 1e9, 1000)).toEqual({ t0: 0, nsPerPx: 1e6 });
    expect(clampViewport(zoomAt(v, 500, 1.5), 1e9, 1000)).toEqual({ t0: 0, nsPerPx: 1e6 });
    // Zoomed in, panning stops at either end.
    expect(clampViewport({ t0: -5e6, nsPerPx: 1e5 }, 1e9, 1000).t0).toBe(0);
    expect(clampViewport({ t0: 0.95e9, nsPerPx: 1e5 }, 1e9, 1000).t0).toBe(0.9e9);
    expect(clampViewport({ t0: 0, nsPerPx: 1e-6 }, 1e9, 1000).nsPerPx).toBe(0.05);
    expect(tickStep(1e3, 90)).toBe(1e5);
    expect(formatTick(1.5e6, 5e5)).toBe('1.5ms');
    expect(formatTick(2e9, 1e9)).toBe('2s');
    // Far into a trace and zoomed in: the time in seconds with the step's decimals, not 10407577µs.
    expect(formatTick(10_407_577_000, 1_000)).toBe('10.407577s');
    expect(formatTick(10_407_577_020, 20)).toBe('10.40757702s');
    expect(formatTick(0, 5e5)).toBe('0.0ms');
    // A span's ends differ however short it is.
    expect(formatSpan(10_407_500_000, 10_411_300_000)).toBe('10.4075s → 10.4113s');
    expect(formatSpan(10_407_577_000, 10_407_577_450)).toBe('10.40757700s → 10.40757745s');
    expect(formatSpan(1_500, 2_000_000)).toBe('0.0ms → 2.0ms');
  });

  test('durations (formatNs) in the unit their rounded figure needs', () => {
    expect([75, 999.4, 999.6, 1_000, 820_000, 999_940, 999_960, 3_400_000, 999_994_000, 999_996_000, 1_250_000_000].map(formatNs)).toEqual([
      '75ns', '999ns', '1.0µs', '1.0µs', '820.0µs', '999.9µs', '1.00ms', '3.40ms', '999.99ms', '1.00s', '1.25s',
    ]);
    expect([-999_960, -0.2, 0].map(formatNs)).toEqual(['-1.00ms', '0ns', '0ns']);
  });
});
