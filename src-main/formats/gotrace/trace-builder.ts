// Collects the ordered events of a trace into the columnar GoTrace model. Append-only columns,
// with a mark/rollback so a damaged last generation can be dropped as go tool trace does.

import { Growable } from '../growable.js';
import type { GoTrace } from '../../model/trace.js';
import type { TraceTables } from './generation-tables.js';

type Col = Growable<Float64Array> | Growable<Int32Array> | Growable<Uint32Array> | Growable<Uint8Array>;

const f64 = (): Growable<Float64Array> => new Growable(Float64Array, 1024);
const i32 = (): Growable<Int32Array> => new Growable(Int32Array, 1024);
const u8 = (): Growable<Uint8Array> => new Growable(Uint8Array, 1024);
const presized = <T extends Float64Array | Int32Array | Uint8Array>(ctor: new (n: number) => T, rows: number): Growable<T> => new Growable(ctor, rows);

export class TraceBuilder {
  readonly goIds = f64();
  readonly goLabel = i32();
  readonly goStack = i32();
  private readonly goIndex = new Map<number, number>();

  readonly trTime: Growable<Float64Array>;
  readonly trG: Growable<Int32Array>;
  readonly trFrom: Growable<Uint8Array>;
  readonly trTo: Growable<Uint8Array>;
  readonly trReason: Growable<Int32Array>;
  readonly trStack: Growable<Int32Array>;
  readonly trProc: Growable<Int32Array>;

  readonly rKind = u8();
  readonly rBegin = f64();
  readonly rEnd = f64();
  readonly rOwner = i32();
  readonly rName = i32();

  readonly cTime = f64();
  readonly cG = i32();
  readonly cProc = i32();
  readonly cStack = i32();

  readonly mTime = f64();
  readonly mKind = u8();
  readonly mValue = f64();

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
   * expectedTransitions: room to reserve (a good guess avoids copies of the largest columns).
   */
  constructor(
    private readonly tables: TraceTables,
    expectedTransitions = 1024,
  ) {
    const rows = Math.max(1024, expectedTransitions);
    this.trTime = presized(Float64Array, rows);
    this.trG = presized(Int32Array, rows);
    this.trFrom = presized(Uint8Array, rows);
    this.trTo = presized(Uint8Array, rows);
    this.trReason = presized(Int32Array, rows);
    this.trStack = presized(Int32Array, rows);
    this.trProc = presized(Int32Array, rows);
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

  /** A goroutine state change: `stack` is the event's, `trStack` the transition's (a new goroutine's start stack). */
  transition(time: number, goid: number, from: number, to: number, reason: number, stack: number, trStack: number, proc: number): void {
    const g = this.g(goid);
    this.trTime.push(time);
    this.trG.push(g);
    this.trFrom.push(from);
    this.trTo.push(to);
    this.trReason.push(reason);
    this.trStack.push(stack);
    this.trProc.push(proc);
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
    this.piBefore.push(this.trTime.length);
  }

  /** Opens a range; returns its row for rangeEnd. */
  rangeBegin(kind: number, time: number, owner: number, name: number): number {
    this.rKind.push(kind);
    this.rBegin.push(time);
    this.rEnd.push(NaN);
    this.rOwner.push(owner);
    this.rName.push(name);
    return this.rKind.length - 1;
  }

  rangeEnd(row: number, time: number): void {
    if (row >= 0 && row < this.rEnd.length) this.rEnd.set(row, time);
  }

  metric(time: number, kind: number, value: number): void {
    this.mTime.push(time);
    this.mKind.push(kind);
    this.mValue.push(value);
  }

  cpuSample(time: number, goid: number, proc: number, stack: number): void {
    this.cTime.push(time);
    this.cG.push(this.gOrNone(goid));
    this.cProc.push(proc);
    this.cStack.push(stack);
  }

  label(time: number, goid: number, label: number): void {
    const g = this.g(goid);
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

  regionBegin(time: number, goid: number, task: number, name: number): number {
    this.rgG.push(this.g(goid));
    this.rgTask.push(task);
    this.rgName.push(name);
    this.rgBegin.push(time);
    this.rgEnd.push(NaN);
    return this.rgG.length - 1;
  }

  regionEnd(row: number, time: number): void {
    this.rgEnd.set(row, time);
  }

  log(time: number, goid: number, task: number, key: number, value: number): void {
    this.lTime.push(time);
    this.lG.push(this.g(goid));
    this.lTask.push(task);
    this.lKey.push(key);
    this.lValue.push(value);
  }

  /** Column lengths and counters, to roll a damaged generation back. */
  mark(): number[] {
    return [...this.columns.map((c) => c.length), this.gcCount, this.eventCount, this.lastTime];
  }

  rollback(mark: number[]): void {
    this.columns.forEach((c, i) => (c.length = Math.min(c.length, mark[i])));
    const n = this.columns.length;
    [this.gcCount, this.eventCount, this.lastTime] = mark.slice(n);
    for (const [goid, i] of this.goIndex) if (i >= this.goIds.length) this.goIndex.delete(goid);
    for (const [id, row] of this.openTasks) if (row >= this.tId.length) this.openTasks.delete(id);
    // Ranges and regions that ended in the dropped part are open again.
    for (let r = 0; r < this.rEnd.length; r++) if (this.rEnd.get(r) > this.lastTime) this.rEnd.set(r, NaN);
    for (let r = 0; r < this.tEnd.length; r++) if (this.tEnd.get(r) > this.lastTime) this.tEnd.set(r, NaN);
    for (let r = 0; r < this.rgEnd.length; r++) if (this.rgEnd.get(r) > this.lastTime) this.rgEnd.set(r, NaN);
  }

  finish(header: { version: string; ticksPerSecond: number; wallStartMs: number | null; warning: string | null }): GoTrace {
    const tables = this.tables;
    const transitions = {
      count: this.trTime.length,
      time: this.trTime.view(),
      g: this.trG.view(),
      from: this.trFrom.view(),
      to: this.trTo.view(),
      reason: this.trReason.view(),
      stack: this.trStack.view(),
      proc: this.trProc.view(),
    };
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
      ranges: { count: this.rKind.length, kind: this.rKind.finish(), begin: this.rBegin.finish(), end: this.rEnd.finish(), owner: this.rOwner.finish(), name: this.rName.finish() },
      gcCount: this.gcCount,
      labels: { count: this.lbTime.length, time: this.lbTime.finish(), g: this.lbG.finish(), label: this.lbLabel.finish() },
      procIdle: { count: this.piTime.length, time: this.piTime.finish(), proc: this.piProc.finish(), before: this.piBefore.finish() },
      cpuSamples: { count: this.cTime.length, time: this.cTime.finish(), g: this.cG.finish(), proc: this.cProc.finish(), stack: this.cStack.finish() },
      metrics: { count: this.mTime.length, time: this.mTime.finish(), kind: this.mKind.finish(), value: this.mValue.finish() },
      tasks: { count: this.tId.length, id: this.tId.finish(), parent: this.tParent.finish(), name: this.tName.finish(), begin: this.tBegin.finish(), end: this.tEnd.finish() },
      regions: { count: this.rgG.length, g: this.rgG.finish(), task: this.rgTask.finish(), name: this.rgName.finish(), begin: this.rgBegin.finish(), end: this.rgEnd.finish() },
      logs: { count: this.lTime.length, time: this.lTime.finish(), g: this.lG.finish(), task: this.lTask.finish(), key: this.lKey.finish(), value: this.lValue.finish() },
    };
  }
}

