// Collects the ordered events of a trace into the columnar GoTrace model. Append-only columns,
// with a mark/rollback so a damaged last generation can be dropped as go tool trace does.

import { Growable, grown, retyped, Uint32UntilWider } from '../growable.js';
import { RangeKind, stateChange, TIME_BLOCK_BITS, timeAt, type GoTrace, type TraceDetail, type GoroutineTransitions, type IndexColumn, type SignedIndexColumn, type TimeColumn } from '../../model/trace.js';
import type { TraceTables } from './generation-tables.js';

/**
 * The row rangeBegin gives a range the parse does not keep: past every row, so rangeEnd leaves
 * it alone, and not negative, so the parser's checks still see the range open until it ends.
 */
const UNKEPT_ROW = 0x7fffffff;

type Col = Growable<Float64Array> | Growable<Int32Array> | Growable<Uint32Array> | Growable<Uint8Array> | Uint32UntilWider;

const f64 = (): Growable<Float64Array> => new Growable(Float64Array, 1024);
const i32 = (): Growable<Int32Array> => new Growable(Int32Array, 1024);
const u8 = (): Growable<Uint8Array> => new Growable(Uint8Array, 1024);

export class TraceBuilder {
  readonly goIds = f64();
  readonly goLabel = i32();
  readonly goStack = i32();
  private readonly goIndex = new Map<number, number>();

  /** The goroutine transitions: the largest table (one row per two or three events), grown in one step. */
  readonly tr: TransitionColumns;

  // Ranges and metrics: the next largest tables (a row per 30 to 70 bytes of trace), given room
  // up front like the transitions, so that they are not copied as they grow; their begin times
  // and metric times as 32-bit offsets (TimeColumn) and metric values 32-bit while they fit.
  readonly rKind: Growable<Uint8Array>;
  readonly rBegin: TimeColumnWriter;
  readonly rEnd: Growable<Float64Array>;
  readonly rOwner: Growable<Int32Array>;
  readonly rName: Growable<Int32Array>;

  readonly cTime = f64();
  readonly cG = i32();
  readonly cProc = i32();
  readonly cStack = i32();

  readonly mTime: TimeColumnWriter;
  readonly mKind: Growable<Uint8Array>;
  readonly mValue: Uint32UntilWider;

  readonly tId = f64();
  readonly tParent = f64();
  readonly tName = i32();
  readonly tBegin = f64();
  readonly tEnd = f64();
  private readonly openTasks = new Map<number, number>();

  readonly rgG = i32();
  readonly rgTask = f64();
  readonly rgName = i32();
  readonly rgBegin = f64();
  readonly rgEnd = f64();

  readonly lTime = f64();
  readonly lG = i32();
  readonly lTask = f64();
  readonly lKey = i32();
  readonly lValue = i32();

  readonly piTime = f64();
  readonly piProc = i32();
  readonly piBefore = i32();

  readonly lbTime = f64();
  readonly lbG = i32();
  readonly lbLabel = i32();

  readonly syncs = f64();
  gcCount = 0;
  eventCount = 0;
  lastTime = 0;

  private readonly columns: Col[];

  /**
   * tables: the trace's strings and stacks, which grow generation by generation as events arrive.
   * expected: rows to reserve (a good guess avoids copies of the largest columns; room never
   * written costs no memory). detail: what to keep (TraceDetail).
   */
  constructor(
    private readonly tables: TraceTables,
    expected: { transitions: number; ranges: number; metrics: number } = { transitions: 1024, ranges: 1024, metrics: 1024 },
    private readonly detail: TraceDetail = 'full',
  ) {
    this.tr = new TransitionColumns(Math.max(1024, expected.transitions));
    const ranges = Math.max(1024, expected.ranges);
    [this.rKind, this.rBegin, this.rEnd] = [new Growable(Uint8Array, ranges), new TimeColumnWriter(ranges), new Growable(Float64Array, ranges)];
    [this.rOwner, this.rName] = [new Growable(Int32Array, ranges), new Growable(Int32Array, ranges)];
    const metrics = Math.max(1024, expected.metrics);
    [this.mTime, this.mKind, this.mValue] = [new TimeColumnWriter(metrics), new Growable(Uint8Array, metrics), new Uint32UntilWider(metrics)];
    this.columns = Object.values(this).filter((v): v is Col => v instanceof Growable);
  }

  /** Dense index of a goroutine id (created on first mention). */
  g(goid: number): number {
    let i = this.goIndex.get(goid);
    if (i === undefined) {
      i = this.goIds.length;
      this.goIds.push(goid);
      this.goLabel.push(0);
      this.goStack.push(0);
      this.goIndex.set(goid, i);
    }
    return i;
  }

  gOrNone(goid: number): number {
    return goid < 0 ? -1 : this.g(goid);
  }

  /** Dense index of a goroutine id already mentioned, else -1. */
  known(goid: number): number {
    const i = this.goIndex.get(goid);
    return i === undefined ? -1 : i;
  }

  /**
   * A state change of goroutine g (dense index): `stack` is the event's, `trStack` the
   * transition's (a new goroutine's start stack).
   */
  transition(time: number, g: number, from: number, to: number, reason: number, stack: number, trStack: number, proc: number): void {
    this.tr.push(time, g, from, to, reason, stack, proc);
    if (trStack !== 0 && this.goStack.get(g) === 0 && this.namesAFunction(trStack)) this.goStack.set(g, trStack);
  }

  /**
   * Whether a stack's outermost frame has a function name: a goroutine is named after the first
   * transition stack that gives one, as Go's reader does (a preemption can come with a stack of
   * unnamed frames).
   */
  private namesAFunction(stack: number): boolean {
    const { stackStart, frameFunc, strings } = this.tables;
    const root = stackStart.get(stack + 1) - 1;
    return root >= stackStart.get(stack) && strings[frameFunc.get(root)] !== '';
  }

  /** A P went idle (stopped or stolen): ends the syscall accounting of a goroutine in a syscall on it. */
  procIdled(time: number, proc: number): void {
    this.piTime.push(time);
    this.piProc.push(proc);
    this.piBefore.push(this.tr.count);
  }

  /** Opens a range; returns its row for rangeEnd (UNKEPT_ROW for a kind the parse does not keep). */
  rangeBegin(kind: number, time: number, owner: number, name: number): number {
    if (this.detail === 'summary' && kind !== RangeKind.Stw) return UNKEPT_ROW;
    this.rBegin.put(this.rKind.length, time);
    this.rKind.push(kind);
    this.rEnd.push(NaN);
    this.rOwner.push(owner);
    this.rName.push(name);
    return this.rKind.length - 1;
  }

  rangeEnd(row: number, time: number): void {
    if (row >= 0 && row < this.rEnd.length) this.rEnd.set(row, time);
  }

  metric(time: number, kind: number, value: number): void {
    if (this.detail === 'summary') return;
    this.mTime.put(this.mKind.length, time);
    this.mKind.push(kind);
    this.mValue.push(value);
  }

  cpuSample(time: number, goid: number, proc: number, stack: number): void {
    this.cTime.push(time);
    this.cG.push(this.gOrNone(goid));
    this.cProc.push(proc);
    this.cStack.push(stack);
  }

  /** A GoLabel event of goroutine g (dense index). */
  label(time: number, g: number, label: number): void {
    this.goLabel.set(g, label);
    this.lbTime.push(time);
    this.lbG.push(g);
    this.lbLabel.push(label);
  }

  taskBegin(time: number, id: number, parent: number, name: number): void {
    this.openTasks.set(id, this.tId.length);
    this.tId.push(id);
    this.tParent.push(parent);
    this.tName.push(name);
    this.tBegin.push(time);
    this.tEnd.push(NaN);
  }

  taskEnd(time: number, id: number): void {
    const row = this.openTasks.get(id);
    if (row === undefined) return;
    this.openTasks.delete(id);
    this.tEnd.set(row, time);
  }

  /** A region begins on goroutine g (dense index); returns its row for regionEnd. */
  regionBegin(time: number, g: number, task: number, name: number): number {
    this.rgG.push(g);
    this.rgTask.push(task);
    this.rgName.push(name);
    this.rgBegin.push(time);
    this.rgEnd.push(NaN);
    return this.rgG.length - 1;
  }

  regionEnd(row: number, time: number): void {
    this.rgEnd.set(row, time);
  }

  /** A user log message of goroutine g (dense index). */
  log(time: number, g: number, task: number, key: number, value: number): void {
    this.lTime.push(time);
    this.lG.push(g);
    this.lTask.push(task);
    this.lKey.push(key);
    this.lValue.push(value);
  }

  /** Column lengths and counters, to roll a damaged generation back. */
  mark(): number[] {
    return [...this.columns.map((c) => c.length), this.tr.count, this.gcCount, this.eventCount, this.lastTime];
  }

  rollback(mark: number[]): void {
    this.columns.forEach((c, i) => (c.length = Math.min(c.length, mark[i])));
    const n = this.columns.length;
    this.tr.count = Math.min(this.tr.count, mark[n]);
    [this.gcCount, this.eventCount, this.lastTime] = mark.slice(n + 1);
    for (const [goid, i] of this.goIndex) if (i >= this.goIds.length) this.goIndex.delete(goid);
    for (const [id, row] of this.openTasks) if (row >= this.tId.length) this.openTasks.delete(id);
    // Ranges and regions that ended in the dropped part are open again.
    for (let r = 0; r < this.rEnd.length; r++) if (this.rEnd.get(r) > this.lastTime) this.rEnd.set(r, NaN);
    for (let r = 0; r < this.tEnd.length; r++) if (this.tEnd.get(r) > this.lastTime) this.tEnd.set(r, NaN);
    for (let r = 0; r < this.rgEnd.length; r++) if (this.rgEnd.get(r) > this.lastTime) this.rgEnd.set(r, NaN);
  }

  finish(header: { version: string; ticksPerSecond: number; wallStartMs: number | null; warning: string | null }): GoTrace {
    const tables = this.tables;
    // The large tables (one row per few events) as views, not copies, like the transitions.
    const transitions = this.tr.view();
    const durationNs = this.lastTime;
    const syncTimes = this.syncs.finish();
    return {
      ...header,
      durationNs,
      eventCount: this.eventCount,
      generations: syncTimes.length,
      syncTimes,
      strings: tables.strings,
      stackStart: tables.stackStart.finish(),
      frameFunc: tables.frameFunc.finish(),
      frameFile: tables.frameFile.finish(),
      frameLine: tables.frameLine.finish(),
      framePc: tables.framePc.finish(),
      goId: this.goIds.finish(),
      goLabel: this.goLabel.finish(),
      goStack: this.goStack.finish(),
      transitions,
      ranges: { count: this.rKind.length, kind: this.rKind.view(), begin: this.rBegin.view(this.rKind.length), end: this.rEnd.view(), owner: this.rOwner.view(), name: this.rName.view() },
      gcCount: this.gcCount,
      labels: { count: this.lbTime.length, time: this.lbTime.finish(), g: this.lbG.finish(), label: this.lbLabel.finish() },
      procIdle: { count: this.piTime.length, time: this.piTime.finish(), proc: this.piProc.finish(), before: this.piBefore.finish() },
      cpuSamples: { count: this.cTime.length, time: this.cTime.view(), g: this.cG.view(), proc: this.cProc.view(), stack: this.cStack.view() },
      metrics: { count: this.mKind.length, time: this.mTime.view(this.mKind.length), kind: this.mKind.view(), value: this.mValue.view() },
      tasks: { count: this.tId.length, id: this.tId.finish(), parent: this.tParent.finish(), name: this.tName.finish(), begin: this.tBegin.finish(), end: this.tEnd.finish() },
      regions: { count: this.rgG.length, g: this.rgG.finish(), task: this.rgTask.finish(), name: this.rgName.finish(), begin: this.rgBegin.finish(), end: this.rgEnd.finish() },
      logs: { count: this.lTime.length, time: this.lTime.finish(), g: this.lG.finish(), task: this.lTask.finish(), key: this.lKey.finish(), value: this.lValue.finish() },
    };
  }
}

const TIME_BLOCK_ROWS = 1 << TIME_BLOCK_BITS;
/** How far below a block's first time its base is: room for a later row a little earlier (a range begun at its generation's start). */
const TIME_BASE_SLACK = 2 ** 24;

/**
 * A TimeColumn written row by row, rows in order (each given its index: the table's row count,
 * so a rollback of the table rolls it back too). A block's base is set by its first row; a time
 * that is not a whole number within 2^32 ns above its block's base makes the offsets 64-bit
 * floats holding the times themselves, once (the bases then 0): every time comes back exact.
 */
export class TimeColumnWriter {
  offset: Uint32Array | Float64Array;
  base: Float64Array;
  private wide = false;

  constructor(rows: number) {
    // Room for whole blocks: the column can only be full at a block's start.
    this.offset = new Uint32Array(Math.ceil(Math.max(1, rows) / TIME_BLOCK_ROWS) * TIME_BLOCK_ROWS);
    this.base = new Float64Array(this.offset.length >>> TIME_BLOCK_BITS);
  }

  put(i: number, time: number): void {
    if ((i & (TIME_BLOCK_ROWS - 1)) === 0) this.startBlock(i, time);
    let offset = time - this.base[i >>> TIME_BLOCK_BITS];
    if (offset >>> 0 !== offset && !this.wide) {
      this.widen(i);
      offset = time;
    }
    this.offset[i] = offset;
  }

  private startBlock(i: number, time: number): void {
    if (i === this.offset.length) {
      this.offset = grown(this.offset, this.offset.length * 2);
      this.base = grown(this.base, this.base.length * 2);
    }
    this.base[i >>> TIME_BLOCK_BITS] = this.wide || !(time >= TIME_BASE_SLACK) ? 0 : Math.floor(time) - TIME_BASE_SLACK;
  }

  /** The times of rows [0, count) as a TimeColumn, without a copy (views, like the other large columns). */
  view(count: number): TimeColumn {
    return { offset: this.offset.subarray(0, count), base: this.base.subarray(0, (count + TIME_BLOCK_ROWS - 1) >>> TIME_BLOCK_BITS) };
  }

  /** The rows before `count` as 64-bit float times, every base 0. */
  private widen(count: number): void {
    const times = new Float64Array(this.offset.length);
    for (let i = 0; i < count; i++) times[i] = timeAt(this, i);
    [this.offset, this.wide] = [times, true];
    this.base.fill(0);
  }
}

/**
 * The transition columns as plain typed arrays with one row count: a row is seven stores and
 * two checks (the hot path of the parser), and the columns grow together. The index columns
 * start 8-bit and the times are 32-bit offsets (TimeColumnWriter: 9 bytes a row with the two
 * states in one byte, instead of 26 when all are 32-bit and the times 64-bit); each index column
 * becomes 16- or 32-bit when a value does not fit, once or twice.
 */
export class TransitionColumns {
  count = 0;
  readonly time: TimeColumnWriter;
  g: IndexColumn;
  change: Uint8Array;
  reason: IndexColumn;
  stack: IndexColumn;
  proc: SignedIndexColumn;
  // The largest value each index column holds now (the smallest too for proc).
  private gMax = 0xff;
  private reasonMax = 0xff;
  private stackMax = 0xff;
  private procMin = -0x80;
  private procMax = 0x7f;

  constructor(rows: number) {
    this.time = new TimeColumnWriter(rows);
    this.g = new Uint8Array(rows);
    this.change = new Uint8Array(rows);
    this.reason = new Uint8Array(rows);
    this.stack = new Uint8Array(rows);
    this.proc = new Int8Array(rows);
  }

  push(time: number, g: number, from: number, to: number, reason: number, stack: number, proc: number): void {
    const i = this.count;
    if (i === this.g.length) this.grow();
    // A negative index shows as a large unsigned one: it widens its column too.
    if (g >>> 0 > this.gMax || reason >>> 0 > this.reasonMax || stack >>> 0 > this.stackMax || proc > this.procMax || proc < this.procMin) {
      this.widen(g, reason, stack, proc);
    }
    this.time.put(i, time);
    this.g[i] = g;
    this.change[i] = stateChange(from, to);
    this.reason[i] = reason;
    this.stack[i] = stack;
    this.proc[i] = proc;
    this.count = i + 1;
  }

  /** The columns a row's values do not fit, as wide as those values need. */
  private widen(g: number, reason: number, stack: number, proc: number): void {
    const n = this.count;
    if (g >>> 0 > this.gMax) [this.g, this.gMax] = widerUnsigned(this.g, g >>> 0, n);
    if (reason >>> 0 > this.reasonMax) [this.reason, this.reasonMax] = widerUnsigned(this.reason, reason >>> 0, n);
    if (stack >>> 0 > this.stackMax) [this.stack, this.stackMax] = widerUnsigned(this.stack, stack >>> 0, n);
    if (proc > this.procMax || proc < this.procMin) {
      const fits16 = proc >= -0x8000 && proc <= 0x7fff;
      this.proc = fits16 ? retyped(this.proc, n, Int16Array) : retyped(this.proc, n, Int32Array);
      [this.procMin, this.procMax] = fits16 ? [-0x8000, 0x7fff] : [-Infinity, Infinity];
    }
  }

  private grow(): void {
    const rows = this.g.length * 2;
    this.g = grown(this.g, rows);
    this.change = grown(this.change, rows);
    this.reason = grown(this.reason, rows);
    this.stack = grown(this.stack, rows);
    this.proc = grown(this.proc, rows);
  }

  /**
   * The rows as views of the columns, without a copy: spare room stays allocated but is never
   * written, so the OS never backs it with memory.
   */
  view(): GoroutineTransitions {
    const n = this.count;
    return {
      count: n,
      time: this.time.view(n),
      g: this.g.subarray(0, n),
      change: this.change.subarray(0, n),
      reason: this.reason.subarray(0, n),
      stack: this.stack.subarray(0, n),
      proc: this.proc.subarray(0, n),
    };
  }
}

/** An unsigned index column widened to hold `value` (16-bit while it fits, else 32-bit), and the largest value it then holds. */
function widerUnsigned(column: IndexColumn, value: number, count: number): [IndexColumn, number] {
  return value <= 0xffff ? [retyped(column, count, Uint16Array), 0xffff] : [retyped(column, count, Int32Array), Infinity];
}
