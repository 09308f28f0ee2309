// The transition columns start 8-bit and each becomes 16-bit when a value does not fit (a trace
// of more than 256 goroutines, strings or stacks, or Ps beyond ±127), 32-bit when a value does
// not fit that (65,536, ±32,767): the rows before and after keep their exact values, and the
// columns that still fit stay as narrow as they were. Metric values likewise start 32-bit;
// times are 32-bit offsets from a base per block of rows.
import { expect, test } from 'vitest';
import { TimeColumnWriter, TraceBuilder, TransitionColumns } from '../../src-main/formats/gotrace/trace-builder.js';
import { TraceTables } from '../../src-main/formats/gotrace/generation-tables.js';
import { Uint32UntilWider } from '../../src-main/formats/growable.js';
import { fromState, TIME_BLOCK_BITS, timeAt, timesOf, toState } from '../../src-main/model/trace.js';

const rowsOf = (c: TransitionColumns): number[][] =>
  Array.from({ length: c.count }, (_, i) => [timeAt(c.time.view(c.count), i), c.g[i], fromState(c.change[i]), toState(c.change[i]), c.reason[i], c.stack[i], c.proc[i]]);

test('small indexes are kept in 8-bit columns, larger ones in 16-bit columns', () => {
  const c = new TransitionColumns(4);
  const rows = [[1, 0, 0, 3, 0, 0, -1], [2, 255, 3, 4, 255, 255, 127], [3, 7, 4, 2, 9, 11, -128]];
  for (const r of rows) c.push(r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
  expect(rowsOf(c)).toEqual(rows);
  expect([c.g, c.reason, c.stack, c.proc].map((a) => a.constructor.name)).toEqual(['Uint8Array', 'Uint8Array', 'Uint8Array', 'Int8Array']);
  const more = [[4, 65535, 3, 4, 65535, 65535, 32767], [5, 7, 4, 2, 9, 11, -32768]];
  for (const r of more) c.push(r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
  expect(rowsOf(c)).toEqual([...rows, ...more]);
  expect([c.g, c.reason, c.stack, c.proc].map((a) => a.constructor.name)).toEqual(['Uint16Array', 'Uint16Array', 'Uint16Array', 'Int16Array']);
});

test('an 8-bit column holding a value beyond 16 bits becomes 32-bit at once', () => {
  const c = new TransitionColumns(4);
  const rows = [[1, 3, 0, 3, 2, 1, -1], [2, 70000, 3, 4, 2, 1, -40000], [3, 4, 4, 2, 2, 1, 5]];
  for (const r of rows) c.push(r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
  expect(rowsOf(c)).toEqual(rows);
  expect([c.g, c.reason, c.stack, c.proc].map((a) => a.constructor.name)).toEqual(['Int32Array', 'Uint8Array', 'Uint8Array', 'Int32Array']);
});

test('a value that does not fit widens its own column once, keeping every row, also across growth', () => {
  const c = new TransitionColumns(2);
  const rows: number[][] = [[1, 5, 0, 3, 6, 7, 0], [2, 5, 3, 4, 6, 7, 1]];
  rows.push([3, 70000, 4, 2, 6, 7, 1]); // goroutine index 70,000
  rows.push([4, 5, 2, 3, 6, 100000, 1]); // stack 100,000
  rows.push([5, 5, 3, 4, 2 ** 24, 7, 40000]); // reason string 2^24, P 40,000
  rows.push([6, 5, 4, 3, 6, 7, -40000]);
  for (let i = 0; i < 3000; i++) rows.push([7 + i, i % 3, 2, 3, i, i * 40, (i % 5) - 1]);
  for (const r of rows) c.push(r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
  expect(rowsOf(c)).toEqual(rows);
  expect([c.g, c.reason, c.stack, c.proc].map((a) => a.constructor.name)).toEqual(['Int32Array', 'Int32Array', 'Int32Array', 'Int32Array']);
  const v = c.view();
  expect(v.count).toBe(rows.length);
  expect(Array.from(v.g.subarray(0, 4))).toEqual([5, 5, 70000, 5]);
});

test('only the column whose value does not fit is widened', () => {
  const c = new TransitionColumns(8);
  c.push(1, 1, 0, 3, 1, 1, 0);
  c.push(2, 1, 3, 4, 1, 70000, 0);
  expect([c.g, c.reason, c.stack, c.proc].map((a) => a.constructor.name)).toEqual(['Uint8Array', 'Uint8Array', 'Int32Array', 'Int8Array']);
  expect(Array.from(c.stack.subarray(0, 2))).toEqual([1, 70000]);
});

test('metric values are kept 32-bit while they are whole numbers below 2^32, then as 64-bit floats, every value exact', () => {
  const b = new TraceBuilder(new TraceTables());
  const small = [0, 8192, 2 ** 32 - 1];
  small.forEach((v, i) => b.metric(i, 0, v));
  const narrow = b.finish({ version: '1.26', ticksPerSecond: 1e9, wallStartMs: null, warning: null }).metrics;
  expect(narrow.value.constructor.name).toBe('Uint32Array');
  expect(Array.from(narrow.value)).toEqual(small);
  const all = [...small, 2 ** 40 + 3, 7];
  [2 ** 40 + 3, 7].forEach((v, i) => b.metric(10 + i, 1, v));
  const wide = b.finish({ version: '1.26', ticksPerSecond: 1e9, wallStartMs: null, warning: null }).metrics;
  expect(wide.value.constructor.name).toBe('Float64Array');
  expect(Array.from(wide.value)).toEqual(all);
  expect(Array.from(wide.kind)).toEqual([0, 0, 0, 1, 1]);
});

test('metric values widened to 64-bit floats stay exact when the column then grows past its room', () => {
  const b = new TraceBuilder(new TraceTables());
  const values = [2 ** 40 + 3, 0.5, ...Array.from({ length: 3000 }, (_, i) => 2 ** 33 + i / 4)];
  values.forEach((v, i) => b.metric(i, 0, v));
  const metrics = b.finish({ version: '1.26', ticksPerSecond: 1e9, wallStartMs: null, warning: null }).metrics;
  expect(metrics.value.constructor.name).toBe('Float64Array');
  expect(Array.from(metrics.value)).toEqual(values);
});

// Times (ns from the trace start) are kept as 32-bit offsets from a base per block of 4,096 rows
// (TimeColumn), in a trace of any length, while each block's times are whole numbers spanning
// less than 2^32 ns; else the offsets become 64-bit floats holding the times: every time exact.
const header = { version: '1.26', ticksPerSecond: 1e9, wallStartMs: null, warning: null };
const BLOCK = 1 << TIME_BLOCK_BITS;

test('transition times of a trace far longer than 2^32 ns stay 32-bit offsets, every row exact, also across growth', () => {
  const c = new TransitionColumns(2);
  // 10 s from 8.6 s on, a row every 0.5 ms (a block spans 2 s).
  const rows: number[][] = [];
  for (let i = 0; i < 5 * BLOCK; i++) rows.push([2 ** 33 + i * 500_003 + (i % 7), i % 5, 2, 3, 1, 2, 0]);
  for (const r of rows) c.push(r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
  expect(rows[rows.length - 1][0]).toBeGreaterThan(2 ** 34);
  expect(c.time.offset.constructor.name).toBe('Uint32Array');
  expect(rowsOf(c)).toEqual(rows);
  const v = c.view();
  expect(v.time.offset.length).toBe(rows.length);
  expect(v.time.base.length).toBe(5);
  expect(Array.from(timesOf(v.time))).toEqual(rows.map((r) => r[0]));
});

test('a row a little earlier than its block\'s first (a range begun at its generation\'s start) keeps the offsets 32-bit', () => {
  const c = new TimeColumnWriter(4);
  const times = [2 ** 35, 2 ** 35 - 5_000_000, 2 ** 35 + 4_000_000_000, 3];
  times.forEach((t, i) => c.put(i, t));
  // The last, far earlier, does not fit its block: the times become 64-bit floats.
  expect(c.offset.constructor.name).toBe('Float64Array');
  expect(Array.from(timesOf(c.view(4)))).toEqual(times);
  const d = new TimeColumnWriter(4);
  times.slice(0, 3).forEach((t, i) => d.put(i, t));
  expect(d.offset.constructor.name).toBe('Uint32Array');
  expect(Array.from(timesOf(d.view(3)))).toEqual(times.slice(0, 3));
});

test('a time that is not a whole number fitting its block widens the times once, every earlier block exact', () => {
  for (const odd of [-1, 0.5, 2 ** 40 + 0.25, 2 ** 60]) {
    const c = new TransitionColumns(4);
    const times = Array.from({ length: 2 * BLOCK + 10 }, (_, i) => 2 ** 34 + i * 1000);
    times.forEach((t, i) => c.push(t, 1, 0, 3, 0, i === 5 ? 70000 : 0, 0));
    expect(c.time.offset.constructor.name).toBe('Uint32Array');
    c.push(odd, 1, 3, 4, 0, 0, 0);
    c.push(6, 1, 4, 3, 0, 0, 0);
    expect(c.time.offset.constructor.name).toBe('Float64Array');
    expect(Array.from(timesOf(c.view().time))).toEqual([...times, odd, 6]);
    expect(c.stack.constructor.name).toBe('Int32Array');
  }
});

test('a block spanning 2^32 ns or more widens the times; a gap that long between blocks does not', () => {
  const gap = new TransitionColumns(8);
  const times = Array.from({ length: 2 * BLOCK }, (_, i) => (i < BLOCK ? i : 2 ** 45 + i));
  times.forEach((t) => gap.push(t, 0, 0, 3, 0, 0, 0));
  expect(gap.time.offset.constructor.name).toBe('Uint32Array');
  expect(Array.from(timesOf(gap.view().time))).toEqual(times);
  const within = new TransitionColumns(8);
  const wide = [0, 1, 2 ** 32 + 2, 2 ** 32 + 3];
  wide.forEach((t) => within.push(t, 0, 0, 3, 0, 0, 0));
  expect(within.time.offset.constructor.name).toBe('Float64Array');
  expect(Array.from(timesOf(within.view().time))).toEqual(wide);
});

test('metric times and range begins of a long trace stay 32-bit offsets, then 64-bit floats if need be, every value exact', () => {
  const b = new TraceBuilder(new TraceTables());
  b.metric(3, 0, 10);
  const row = b.rangeBegin(1, 4, 2, 0);
  b.rangeEnd(row, 2 ** 32 - 1);
  const times = [3, ...Array.from({ length: 3 * BLOCK }, (_, i) => 2 ** 31 + i * 500_001)];
  times.slice(1).forEach((time) => b.metric(time, 1, 20));
  times.slice(1).forEach((time) => b.rangeEnd(b.rangeBegin(3, time, 0, 0), time + 1));
  let t = b.finish(header);
  expect([t.metrics.time.offset, t.ranges.begin.offset].map((a) => a.constructor.name)).toEqual(['Uint32Array', 'Uint32Array']);
  expect(Array.from(timesOf(t.metrics.time))).toEqual(times);
  expect(Array.from(timesOf(t.ranges.begin))).toEqual([4, ...times.slice(1)]);
  expect(timeAt(t.ranges.begin, t.ranges.count - 1)).toBeGreaterThan(2 ** 32 * 1.9);
  b.metric(2 ** 45 + 0.5, 1, 20);
  b.rangeBegin(3, 2 ** 45 + 0.5, 0, 0);
  t = b.finish(header);
  expect([t.metrics.time.offset, t.ranges.begin.offset].map((a) => a.constructor.name)).toEqual(['Float64Array', 'Float64Array']);
  expect(Array.from(timesOf(t.metrics.time))).toEqual([...times, 2 ** 45 + 0.5]);
  expect(Array.from(timesOf(t.ranges.begin))).toEqual([4, ...times.slice(1), 2 ** 45 + 0.5]);
  expect(Array.from(t.ranges.end)).toEqual([2 ** 32 - 1, ...times.slice(1).map((time) => time + 1), NaN]);
});

test('a value set into a 32-bit column that does not fit widens it too', () => {
  const col = new Uint32UntilWider(2);
  [1, 2, 3].forEach((v) => col.push(v));
  col.set(1, 7);
  expect(col.view().constructor.name).toBe('Uint32Array');
  col.set(2, 2 ** 32 + 0.5);
  expect(col.view().constructor.name).toBe('Float64Array');
  expect(Array.from(col.view())).toEqual([1, 7, 2 ** 32 + 0.5]);
});
