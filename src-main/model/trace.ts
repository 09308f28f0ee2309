// A parsed Go execution trace, columnar: typed arrays and one interned string table, so a trace
// of tens of millions of events costs a few arrays and a timeline can draw lanes per goroutine
// and per P straight from them. Times are nanoseconds relative to the trace start (exact
// integers), never floats of absolute time.

/** Goroutine states, as the Go reader names them. */
export const GoState = { Undetermined: 0, NotExist: 1, Runnable: 2, Running: 3, Waiting: 4, Syscall: 5 } as const;
export type GoState = (typeof GoState)[keyof typeof GoState];

export const GO_STATE_NAMES = ['undetermined', 'notexist', 'runnable', 'running', 'waiting', 'syscall'] as const;

/** A transition's state change byte (GoroutineTransitions.change) from its two states. */
export const stateChange = (from: number, to: number): number => from | (to << 4);
/** The state a transition leaves. */
export const fromState = (change: number): number => change & 0xf;
/** The state a transition enters. */
export const toState = (change: number): number => change >> 4;

/** Kinds of time ranges. */
/** GcMark: "GC concurrent mark phase" (global); Stw: "stop-the-world (<kind>)" on a goroutine (name = the
 * kind); MarkAssist: "GC mark assist" on a goroutine; Sweep: "GC incremental sweep" on a P. */
export const RangeKind = { GcMark: 0, Stw: 1, MarkAssist: 2, Sweep: 3 } as const;

/** Rows per block of a TimeColumn: 2^TIME_BLOCK_BITS (4,096). */
export const TIME_BLOCK_BITS = 12;

/**
 * A column of times (ns from the trace start) in the largest tables, read with timeAt: row i's
 * time is base[i >> TIME_BLOCK_BITS] + offset[i], each block of 4,096 rows counting 32-bit
 * offsets from a base of its own (near its first time), so the column stays 4 bytes a row in a
 * trace of any length while every block's times are whole numbers spanning less than 2^32 ns
 * (4.29 s). Else offset is 64-bit floats holding the times themselves and every base is 0.
 */
export interface TimeColumn {
  offset: Uint32Array | Float64Array;
  base: Float64Array;
}

/** Row i's time in a TimeColumn. */
export const timeAt = (c: TimeColumn, i: number): number => c.base[i >>> TIME_BLOCK_BITS] + c.offset[i];

/** The first `count` times of a TimeColumn, as 64-bit floats. */
export function timesOf(c: TimeColumn, count = c.offset.length): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = timeAt(c, i);
  return out;
}

/** An index column of GoroutineTransitions: as narrow as the trace's values allow. */
export type IndexColumn = Uint8Array | Uint16Array | Int32Array;
export type SignedIndexColumn = Int8Array | Int16Array | Int32Array;

/**
 * A column-per-field table of rows appended in time order. The largest table of a trace (one row
 * per one or two events), so each index column is 8-bit while its values fit (goroutine, reason
 * and stack indexes below 256, Ps within ±127), else 16-bit while they fit (below 65,536, ±32,767),
 * and 32-bit in a trace where they do not.
 */
export interface GoroutineTransitions {
  count: number;
  time: TimeColumn;
  /** Dense goroutine index (see GoTrace.goId). */
  g: IndexColumn;
  /** The state before and after, in one byte: fromState(change[i]), toState(change[i]). */
  change: Uint8Array;
  /** String index of the block/stop reason, 0 if none. */
  reason: IndexColumn;
  /** Stack index of the event (0 = none): the stack the Go tools key blocking profiles by. */
  stack: IndexColumn;
  /** P of the event's context, -1 if none. */
  proc: SignedIndexColumn;
}

/** Exact state intervals of every goroutine, grouped by goroutine (rows of g are [start[g], start[g+1])). */
export interface GoroutineIntervals {
  start: Uint32Array;
  begin: Float64Array;
  end: Float64Array;
  state: Uint8Array;
  /** Block reason (string index) for Waiting, 0 otherwise. */
  reason: Int32Array;
  /** P the goroutine ran on (Running) or held (Syscall), -1 otherwise. */
  proc: Int32Array;
}

/** What ran on each P: rows of P p are [start[p], start[p+1]); g is a dense goroutine index. */
export interface ProcIntervals {
  start: Uint32Array;
  begin: Float64Array;
  end: Float64Array;
  g: Int32Array;
}

export interface TraceRanges {
  count: number;
  kind: Uint8Array;
  begin: TimeColumn;
  /** NaN while still open at the end of the trace. */
  end: Float64Array;
  /** Goroutine (dense) for STW/assist, P for sweep, -1 for the GC mark phase. */
  owner: Int32Array;
  /** STW kind (string index); 0 for the others. */
  name: Int32Array;
}

export interface GoTrace {
  /** Trace format version as the header says it: "1.22", "1.23" (Go 1.23 and 1.24), "1.25", "1.26". */
  version: string;
  /** Trace clock ticks per second (of the first generation). */
  ticksPerSecond: number;
  /** Wall clock (ms since the epoch) of the trace start when the trace has a clock snapshot (Go 1.25+). */
  wallStartMs: number | null;
  durationNs: number;
  eventCount: number;
  generations: number;
  /** Start time of each generation (the Go reader's Sync events). */
  syncTimes: Float64Array;
  /** Set when a damaged tail was dropped, as go tool trace does: what was wrong and where. */
  warning: string | null;

  strings: string[];
  /** Frames of stack s are frame*[stackStart[s]..stackStart[s+1]), leaf first. Stack 0 is empty. */
  stackStart: Uint32Array;
  frameFunc: Int32Array;
  frameFile: Int32Array;
  frameLine: Int32Array;
  framePc: Float64Array;

  /** Goroutine id per dense index. */
  goId: Float64Array;
  /** Last label set by GoLabel (GC workers: "GC (dedicated)"…), string index, 0 if none. */
  goLabel: Int32Array;
  /** Every GoLabel event (a mark worker is labelled each time it starts running). */
  labels: { count: number; time: Float64Array; g: Int32Array; label: Int32Array };
  /**
   * Per goroutine, the stack of its first state transition that has one (for a goroutine
   * created in the trace, its start stack): its root frame names the goroutine as go tool trace does.
   */
  goStack: Int32Array;
  /** Every goroutine state change in order (X→X status repeats left out); lanes come from analysis/trace/lanes.ts. */
  transitions: GoroutineTransitions;
  ranges: TraceRanges;
  /** Ps going idle (stopped or stolen), each before transition row `before`: a goroutine in a syscall on it lost its P. */
  procIdle: { count: number; time: Float64Array; proc: Int32Array; before: Int32Array };
  /** Number of GC cycles (GC mark phases begun in the trace). */
  gcCount: number;

  cpuSamples: { count: number; time: Float64Array; g: Int32Array; proc: Int32Array; stack: Int32Array };
  /**
   * Metrics: 0 = heap objects bytes (HeapAlloc), 1 = heap goal, 2 = GOMAXPROCS.
   * value: 32-bit while every value is a whole number below 2^32 (a heap under 4 GiB), else 64-bit floats.
   */
  metrics: { count: number; time: TimeColumn; kind: Uint8Array; value: Uint32Array | Float64Array };
  tasks: { count: number; id: Float64Array; parent: Float64Array; name: Int32Array; begin: Float64Array; end: Float64Array };
  regions: { count: number; g: Int32Array; task: Float64Array; name: Int32Array; begin: Float64Array; end: Float64Array };
  logs: { count: number; time: Float64Array; g: Int32Array; task: Float64Array; key: Int32Array; value: Int32Array };
}

/**
 * How much of a trace a parse keeps: all of it ('full'), or what its summary reads ('summary':
 * no metrics, and of the ranges only the stop-the-world ones), for a process asked that one
 * question (gpw trace FILE --summary), whose peak memory is the parsed trace's.
 */
export type TraceDetail = 'full' | 'summary';

export const METRIC_HEAP_ALLOC = 0;
export const METRIC_HEAP_GOAL = 1;
export const METRIC_GOMAXPROCS = 2;

/** Frames of a stack, root last, as function names. */
export function stackFuncs(trace: GoTrace, stack: number): string[] {
  const out: string[] = [];
  for (let i = trace.stackStart[stack]; i < trace.stackStart[stack + 1]; i++) out.push(trace.strings[trace.frameFunc[i]]);
  return out;
}
