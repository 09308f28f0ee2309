// A goroutine is named after the outermost frame of the first transition stack that names a
// function, as Go's reader does. Seen in CI: a Go 1.23 trace whose main goroutine was first
// preempted with a stack of unnamed frames; gpw named it "" where Go's reader said main.main.
import { expect, test } from 'vitest';
import { TraceTables } from '../../src-main/formats/gotrace/generation-tables.js';
import { TraceBuilder } from '../../src-main/formats/gotrace/trace-builder.js';
import { GoState } from '../../src-main/model/trace.js';
import { goroutineStats } from '../../src-main/analysis/trace/goroutine-summary.js';

test('a stack of unnamed frames does not name a goroutine; the next named one does', () => {
  const tables = new TraceTables();
  const stack = (frames: [number, string][]): number =>
    (tables as unknown as { internStack(f: number[]): number }).internStack(frames.flatMap(([pc, fn]) => [pc, tables.intern(fn), tables.intern(fn ? 'main.go' : ''), 1]));
  const unnamed = stack([[0x4010, ''], [0x4020, '']]);
  const blocked = stack([[0x5010, 'sync.(*WaitGroup).Wait'], [0x5020, 'main.main']]);
  const out = new TraceBuilder(tables);
  const g = out.g(1);
  out.transition(10, g, GoState.Undetermined, GoState.Running, 0, 0, 0, 0);
  out.transition(20, g, GoState.Running, GoState.Runnable, tables.intern('preempted'), unnamed, unnamed, 0);
  out.transition(30, g, GoState.Runnable, GoState.Running, 0, 0, 0, 0);
  out.transition(40, g, GoState.Running, GoState.Waiting, tables.intern('sync'), blocked, blocked, 0);
  const trace = out.finish({ version: '1.23', ticksPerSecond: 1e9, wallStartMs: null, warning: null });
  expect(trace.goStack[0]).toBe(blocked);
  expect(goroutineStats(trace).name[0]).toBe('main.main');
});
