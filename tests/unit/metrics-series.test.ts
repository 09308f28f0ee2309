// Runtime metrics series from snapshots (analysis/metrics/runtime-series.ts): a series per name
// in time order, unknown names kept, counter rates broken at a restart, the least-squares slope
// against a hand computation, GC markers from PauseEnd or from the GC count, and `only`.
import { describe, expect, it } from 'vitest';
import { leastSquares, metricsSeries, prometheusUnit, type MetricSnapshot } from '../../src-main/analysis/metrics/runtime-series';

const snap = (id: string, atMs: number, values: Record<string, number>, o: Partial<MetricSnapshot> = {}): MetricSnapshot => ({
  id, atMs, source: 'prometheus', values: new Map(Object.entries(values)), help: new Map(), counters: new Set(), gcEndsMs: [], ...o,
});

describe('runtime metrics series', () => {
  it('one series per name in time order; unknown names kept; HELP and runtime/metrics names', () => {
    const help = new Map([['go_sched_goroutines_goroutines', 'Count of live goroutines. Sourced from /sched/goroutines:goroutines']]);
    const r = metricsSeries([
      snap('b', 2000, { go_sched_goroutines_goroutines: 12, 'shop_widgets{kind="a"}': 3 }, { help }),
      snap('a', 1000, { go_sched_goroutines_goroutines: 10 }, { help }),
    ]);
    const g = r.series.find((s) => s.name === 'go_sched_goroutines_goroutines')!;
    expect(g.points).toEqual([[1000, 10], [2000, 12]]);
    expect(g).toMatchObject({ unit: 'goroutines', runtimeMetric: '/sched/goroutines:goroutines', description: help.get('go_sched_goroutines_goroutines') });
    expect(r.series.find((s) => s.name === 'shop_widgets{kind="a"}')?.points).toEqual([[2000, 3]]);
    expect(r).toMatchObject({ snapshots: 2, fromMs: 1000, toMs: 2000 });
  });

  it('counters get a per-second rate, broken where the process restarted', () => {
    const counters = new Set(['go_memstats_alloc_bytes_total']);
    const r = metricsSeries([
      snap('1', 0, { go_memstats_alloc_bytes_total: 0 }, { counters }),
      snap('2', 2000, { go_memstats_alloc_bytes_total: 4000 }, { counters }),
      snap('3', 4000, { go_memstats_alloc_bytes_total: 100 }, { counters }),
      snap('4', 5000, { go_memstats_alloc_bytes_total: 1100 }, { counters }),
    ]);
    const rate = r.series.find((s) => s.name === 'go_memstats_alloc_bytes_total per second')!;
    expect(rate.unit).toBe('bytes/s');
    expect(rate.points).toEqual([[2000, 2000], [5000, 1000]]);
    expect(r.warnings[0]).toMatch(/went down .* restarted/);
  });

  it('the slope per hour is the least-squares line; steady only when the points lie on it', () => {
    // 3600 per hour = 1 per second, with noise that sums to zero.
    const pts: [number, number][] = [[0, 0], [1000, 1.5], [2000, 1.5], [3000, 3]];
    const hand = (() => {
      const xs = pts.map((p) => p[0] / 3.6e6), ys = pts.map((p) => p[1]);
      const mx = xs.reduce((a, b) => a + b) / 4, my = ys.reduce((a, b) => a + b) / 4;
      const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0), sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
      return sxy / sxx;
    })();
    expect(leastSquares(pts).slopePerHour).toBeCloseTo(hand, 6);
    expect(leastSquares(pts.slice(0, 2)).slopePerHour).toBeNull();
    const r = metricsSeries(pts.map(([t, v], i) => snap(String(i), t, { steady: t / 1000, wobbly: [0, 5, -5, 0][i] })));
    expect(r.series.find((s) => s.name === 'steady')).toMatchObject({ steady: true, slopePerHour: 3600 });
    expect(r.series.find((s) => s.name === 'wobbly')?.steady).toBe(false);
  });

  it('GC markers from PauseEnd inside the span, else where the GC count rose; only keeps named series', () => {
    const exact = metricsSeries([
      snap('1', 1000, { 'memstats.NumGC': 1 }, { source: 'expvar', gcEndsMs: [500, 900] }),
      snap('2', 3000, { 'memstats.NumGC': 3 }, { source: 'expvar', gcEndsMs: [900, 1500, 2500] }),
    ]);
    expect(exact.markers.map((m) => m.atMs)).toEqual([1500, 2500]);
    const counted = metricsSeries([snap('1', 0, { go_gc_duration_seconds_count: 4 }), snap('2', 1000, { go_gc_duration_seconds_count: 7 })]);
    expect(counted.markers).toEqual([{ atMs: 1000, kind: 'gc', label: '3 GC cycles since the previous snapshot' }]);
    const only = metricsSeries([snap('1', 0, { a_bytes: 1, b: 2 }), snap('2', 1, { a_bytes: 2, b: 2 })], [], ['a_bytes', 'nope']);
    expect(only.series.map((s) => s.name)).toEqual(['a_bytes']);
    expect(only.warnings).toEqual(['no series named nope in these snapshots']);
    expect(['x_bytes_total', 'x_seconds', 'x_ratio', 'go_threads', 'x'].map(prometheusUnit)).toEqual(['bytes', 'seconds', 'fraction', 'threads', 'count']);
  });
});
