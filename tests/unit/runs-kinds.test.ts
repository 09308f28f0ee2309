// Run comparison of traces and metrics snapshots: a real execution trace's figures in a
// comparison equal what `gpw trace --summary` reports for it (go tool trace's blocking totals),
// and Prometheus / expvar snapshots compare by goroutines, heap and GC pause quantiles.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
// @ts-expect-error plain JS helper
import { ensureTrace } from '../go/trace-gen.mjs';
import { gpw, gpwJson } from '../helpers/run';
import { tempDir } from '../helpers/paths';
import type { RunComparison } from '../../src-main/api/runs-types';
import type { TraceSummary } from '../../src-main/api/trace-types';

const tmp = tempDir('gpw-runs-kinds-');
const lib = join(tmp.dir, 'lib.sqlite');
let trace = '';
beforeAll(async () => {
  trace = (await ensureTrace({ toolchain: 'local' })).path;
}, 300_000);
afterAll(() => tmp.cleanup());

test('traces: blocking per category, goroutines, GCs and STW as gpw trace reports them', async () => {
  expect((await gpw(lib, 'import', trace, '--run', 't1')).code).toBe(0);
  expect((await gpw(lib, 'import', trace, '--run', 't2')).code).toBe(0);
  const c = await gpwJson<RunComparison>(lib, 'compare', 't1', 't2');
  const s = await gpwJson<TraceSummary>(lib, 'trace', trace, '--summary');
  const m = Object.fromEntries(c.trace!.metrics.map((x) => [x.name, x]));
  for (const k of ['net', 'sync', 'syscall', 'sched'] as const) expect(m[`blocking.${k}`]).toMatchObject({ base: s.blocking[k].delayNs, new: s.blocking[k].delayNs });
  expect(m.goroutines).toMatchObject({ base: s.goroutines, new: s.goroutines });
  expect(m.gcCount.base).toBe(s.gcCount);
  expect(m.stwNs.base).toBe(s.stwNs);
  // Time blocked per goroutine group, named as go tool trace's goroutine page groups them.
  expect(c.trace!.metrics.some((x) => x.name.startsWith('group:'))).toBe(true);
  expect(c.trace!.note).toMatch(/at least 4 artifacts/);
  expect(c.profiles).toEqual([]);
});

function prom(goroutines: number, heap: number, p50: number): string {
  return [
    '# TYPE go_goroutines gauge',
    `go_goroutines ${goroutines}`,
    '# TYPE go_memstats_heap_alloc_bytes gauge',
    `go_memstats_heap_alloc_bytes ${heap}`,
    '# TYPE go_gc_duration_seconds summary',
    `go_gc_duration_seconds{quantile="0"} 1e-05`,
    `go_gc_duration_seconds{quantile="0.5"} ${p50}`,
    `go_gc_duration_seconds{quantile="1"} 0.002`,
    'go_gc_duration_seconds_count 40',
    '',
  ].join('\n');
}

test('metrics snapshots: goroutines, heap and GC pause quantiles per side; a leak is flagged', async () => {
  const files = (name: string, values: number[]) =>
    values.map((g, i) => {
      const f = join(tmp.dir, `${name}-${i}.prom`);
      writeFileSync(f, prom(g, 50e6 + i * 1e5, 0.0003));
      return f;
    });
  expect((await gpw(lib, 'import', ...files('m1', [40, 42, 41, 43, 40]), '--run', 'm1')).code).toBe(0);
  expect((await gpw(lib, 'import', ...files('m2', [400, 420, 410, 430, 405]), '--run', 'm2')).code).toBe(0);
  const c = await gpwJson<RunComparison>(lib, 'compare', 'm1', 'm2');
  const g = c.metrics!.metrics.find((x) => x.name === 'goroutines')!;
  expect(g).toMatchObject({ base: 41, new: 410, significant: true });
  const heap = c.metrics!.metrics.find((x) => x.name === 'heapAllocBytes')!;
  expect(heap.significant).toBe(false);
  expect(c.metrics!.metrics.find((x) => x.name === 'gcPauseP50Sec')).toMatchObject({ base: 0.0003, new: 0.0003 });
});
