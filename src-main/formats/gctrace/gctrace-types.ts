// What a GODEBUG=gctrace=1 log holds, one record per GC cycle (see parse-gctrace.ts).

/** The two lines GODEBUG=gcpacertrace=1 prints around a cycle (byte-exact pacer state). */
export interface PacerTrace {
  /** Start line: initial assist ratio (scan work per allocated byte). */
  assistRatio: number | null;
  /** Start line: utilisation goal of dedicated + fractional workers. */
  dedicatedWorkers: number | null;
  fractionalGoal: number | null;
  /** End line: int(u·100), the mark phase's CPU utilisation incl. assists. */
  cpuPercent: number | null;
  /** End line: bytes of heap, stack and globals scan work done. */
  heapScanWork: number | null;
  stackScanWork: number | null;
  globalsScanWork: number | null;
  /** End line: scan work the pacer expected. */
  expectedWork: number | null;
  /** End line: heap size when the cycle was triggered and when marking ended (bytes). */
  triggeredBytes: number | null;
  heapLiveBytes: number | null;
  /** End line: cons/mark used for this cycle. */
  consMark: number | null;
  controllerReset: boolean;
}

export interface ScavLine {
  line: number;
  /** KiB released by the background scavenger since the last line. */
  backgroundKiB: number;
  /** KiB released eagerly by allocating goroutines (Go 1.21+; null before). */
  eagerKiB: number | null;
  /** Go 1.21+: KiB released now; Go 1.19/1.20: KiB released in total. */
  releasedKiB: number;
  utilPercent: number;
  forced: boolean;
}

export interface GcCycle {
  /** Cycle number as printed (1-based per process). */
  n: number;
  /** Which process of the log (a `gc 1` after later cycles starts a new one), from 0. */
  process: number;
  /** 1-based line number in the log. */
  line: number;
  /** Seconds since the program started, at the start of the cycle. */
  atSec: number;
  /** Cumulative GC CPU share since program start, whole percent (truncated by the runtime). */
  cumulativeCpuPercent: number;
  /** Wall clock ms: STW sweep termination, concurrent mark, STW mark termination. */
  sweepTermMs: number;
  markMs: number;
  markTermMs: number;
  /** CPU ms: sweep termination, assists, background workers, idle workers, mark termination. */
  sweepTermCpuMs: number;
  assistCpuMs: number;
  backgroundCpuMs: number;
  idleCpuMs: number;
  markTermCpuMs: number;
  /** Heap at the start of the cycle, when marking ended (the cycle's peak) and marked live, bytes. */
  heapStartBytes: number;
  heapEndBytes: number;
  heapLiveBytes: number;
  /**
   * The heap goal, or null when there was none: collection off (GOGC=off without a limit, or
   * debug.SetGCPercent(-1) during the cycle), which the runtime prints as a goal of about 2^63 bytes.
   */
  goalBytes: number | null;
  /** Whether the heap figures are exact (from gcpacertrace) or MiB truncated (gctrace). */
  exactHeap: boolean;
  /** "MB stacks" / "MB globals" (Go 1.18+), null on older lines. */
  stacksBytes: number | null;
  globalsBytes: number | null;
  procs: number;
  /** Started by runtime.GC() / debug.FreeOSMemory(). */
  forced: boolean;
  pacer: PacerTrace | null;
}

export interface GctraceWarning {
  line: number;
  message: string;
}

export interface GcLog {
  cycles: GcCycle[];
  scav: ScavLine[];
  warnings: GctraceWarning[];
  /** Lines that were none of gctrace's (the program's own output). */
  otherLines: number;
  /** Number of processes found (cycle numbers restarting at 1). */
  processes: number;
  /** Go version, when the log says (a `go version go1.x` line) or null. */
  goVersion: string | null;
  /** What the log's format tells about the Go version when it does not say, e.g. ">= 1.21". */
  goVersionHint: string | null;
  /**
   * CPU ms the program spent sweeping after each cycle (from its mark end to the next cycle's start),
   * one per cycle: execution traces only (their "GC incremental sweep" ranges); gctrace does not say.
   */
  sweepCpuMs?: number[];
  /**
   * The cycles are numbered from 1 where the recording starts, not by the runtime (an execution
   * trace, which may begin in the middle of a run): cycle 1 need not be the process's first.
   */
  ownNumbers?: boolean;
}
