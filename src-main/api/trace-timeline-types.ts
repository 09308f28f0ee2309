// Shapes of the timeline answers (traceTimeline, traceSpan): every per-interval column is a typed
// array, so a trace of a million events crosses IPC or the WebSocket as a few binary buffers.
// Strings are indices into the answer's own small string table (not the trace's).
// What crosses is TraceTimelineWire (analysis/trace/timeline.ts): the goroutine intervals' ends
// left out where they are the next interval's begin, reasons and Ps in the narrowest array that
// holds them; the view widens it back to a TraceTimeline (unpackTimeline) without copying columns.

import type { GoroutineIntervals, ProcIntervals } from '../model/trace.js';

export interface TraceTimeline {
  goVersion: string;
  durationNs: number;
  eventCount: number;
  /** Names used below: start functions, block reasons, labels, STW kinds, task and region names. Index 0 is "". */
  strings: string[];
  /**
   * Per goroutine (dense index) its facts, and its exact state intervals as analysis/trace/lanes.ts
   * builds them (rows of goroutine g are [start[g], start[g+1]); times in ns from the trace start;
   * state is a GoState; reason a string index of this answer; proc the P while running or in a syscall).
   */
  goroutines: Omit<GoroutineIntervals, 'reason' | 'proc'> & {
    /** Block reason (string index of this answer) for Waiting, 0 otherwise. */
    reason: Int32Array | Uint16Array;
    /** P the goroutine ran on (Running) or held (Syscall), -1 otherwise. */
    proc: Int32Array | Int16Array;
    /** Goroutine id per dense index. */
    id: Float64Array;
    /** Start function (root frame of its first stack), string index. */
    name: Int32Array;
    /** Last GoLabel ("GC (dedicated)"…), string index, 0 if none. */
    label: Int32Array;
    /** Time blocked (any reason), as go tool trace's goroutine page counts it. */
    blockedNs: Float64Array;
  };
  /** What ran on each P: rows of P p are [start[p], start[p+1]); g is a dense goroutine index. */
  procs: ProcIntervals;
  /** GC mark phases (kind 0), stop-the-world (1, name = its kind), mark assists (2, owner = goroutine), sweeps (3, owner = P). */
  ranges: { kind: Uint8Array; begin: Float64Array; end: Float64Array; owner: Int32Array; name: Int32Array };
  /** Heap in use (the runtime's heap objects bytes) and the heap goal, as steps. */
  heapAlloc: { time: Float64Array; value: Float64Array };
  heapGoal: { time: Float64Array; value: Float64Array };
  /** User tasks and regions (runtime/trace); an end still open at the trace end is the trace end. */
  tasks: { id: Float64Array; parent: Float64Array; name: Int32Array; begin: Float64Array; end: Float64Array };
  regions: { g: Int32Array; task: Float64Array; name: Int32Array; begin: Float64Array; end: Float64Array };
}

/** The timeline as it crosses to the view: TraceTimeline without most of the goroutine intervals' ends. */
export interface TraceTimelineWire extends Omit<TraceTimeline, 'goroutines'> {
  goroutines: Omit<TraceTimeline['goroutines'], 'end'> & {
    /**
     * Every row's end when some row of a lane ends elsewhere than where the lane's next row
     * begins; null when none does (lanes have no gaps): then a row ends at the next row's begin,
     * and a lane's last row at laneEnd[g].
     */
    end: Float64Array | null;
    laneEnd: Float64Array;
  };
}

/**
 * The first view of a big trace (traceTimelineOverview): the timeline without its interval
 * columns (goroutines' begin/end/state/reason/proc and the Ps' begin/end/g are empty; `start`
 * still says which rows each lane has) and every lane rasterised by the engine for the whole
 * trace at the view's width, as the canvas would (analysis/trace/lane-raster.ts), so the view
 * draws before the full timeline has crossed.
 */
export interface TraceTimelineOverview {
  timeline: TraceTimeline;
  /** The window rasterised: time t at x = (t - t0) / nsPerPx, x in [0, widthPx). */
  window: { t0: number; nsPerPx: number; widthPx: number };
  /**
   * The rectangles of every goroutine lane, then every P lane: lane k's are [start[k], start[k+1]).
   * x0, x1 in pixels, cls the colour class, fill the covered share of a merged column. A run
   * that is one interval (`single` 1) carries that interval's state, reason and P (goroutine
   * lanes) or goroutine (P lanes), for its label; merged columns have single 0.
   */
  runs: {
    start: Uint32Array;
    x0: Float64Array;
    x1: Float64Array;
    cls: Uint8Array;
    fill: Float32Array;
    single: Uint8Array;
    state: Uint8Array;
    reason: Int32Array;
    proc: Int32Array;
    g: Int32Array;
  };
}

export interface SpanFrame {
  func: string;
  file: string;
  line: number;
}

/** One goroutine state change: when, on which P, by which goroutine (the one running on that P), and its stack. */
export interface SpanEvent {
  timeNs: number;
  /** P of the event, -1 if none (e.g. the network poller without a P). */
  proc: number;
  /** Id of the goroutine running on that P at that time (the one that made the change), or null. */
  byGoroutine: number | null;
  byName: string;
  stack: SpanFrame[];
}

/** The details of one span of a goroutine lane (the interval containing a time). */
export interface TraceSpan {
  goroutine: number;
  name: string;
  /** "running", "runnable", "waiting", "syscall". */
  state: string;
  reason: string;
  beginNs: number;
  endNs: number;
  durationNs: number;
  proc: number;
  /** The transition that began the span: its stack is where the goroutine blocked / made the syscall. */
  start: SpanEvent | null;
  /** The transition that ended it: for a blocked span, the event that woke it ("unblocked by"). */
  end: SpanEvent | null;
  /** For a runnable span: the event that made it runnable (the end of the preceding blocked span), else null. */
  wokenBy: SpanEvent | null;
}

/**
 * One part of the timeline's wire frame (traceTimelinePart): the frame (api/wire.ts, of a
 * TraceTimelineWire) cut into `parts` pieces of at most TIMELINE_PART_BYTES, so a big trace's
 * tens of MB cross as messages the view takes in one at a time between frames, never as one
 * long task. The view joins them (`total` bytes) and decodes the frame once.
 */
export interface TraceTimelinePart {
  part: number;
  parts: number;
  /** The frame's size, and where in it this part's bytes go. */
  total: number;
  offset: number;
  bytes: Uint8Array;
}

/** A timeline part's size: 1 MiB (a 2 M-event trace's 36 MB timeline is 35 parts, each taken in within a few ms). */
export const TIMELINE_PART_BYTES = 1024 * 1024;
