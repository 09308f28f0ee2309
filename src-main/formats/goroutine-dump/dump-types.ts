// The model of a goroutine dump: /debug/pprof/goroutine?debug=2 (one record per goroutine, as
// an unrecovered panic prints them) or ?debug=1 (one record per distinct stack, with a count).

export interface DumpFrame {
  /** Function name as the runtime prints it (main.(*T).m, main.f.func1, panic). */
  func: string;
  file: string;
  line: number;
}

export interface DumpGoroutine {
  /** The goroutine id (debug=2); null in a debug=1 profile, which has none. */
  id: number | null;
  /** Goroutines this record stands for: 1 in debug=2, the stack's count in debug=1. */
  count: number;
  /** The wait reason or status ("chan receive", "running", "sync.Mutex.Lock"); null in debug=1. */
  state: string | null;
  /** Whole minutes the goroutine has waited, as the runtime prints them (0 under a minute). */
  waitMinutes: number;
  lockedToThread: boolean;
  /** Go 1.26's leak detector caught it: "[chan receive (leaked)]". */
  leaked: boolean;
  labels: Record<string, string>;
  /** Leaf first. */
  frames: DumpFrame[];
  /** The runtime left frames out ("...additional frames elided...", "...N frames elided..."). */
  elided: boolean;
  createdBy: (DumpFrame & { goroutine: number | null }) | null;
}

export interface GoroutineDump {
  format: 'debug=2' | 'debug=1';
  /** debug=1: the profile's name from its header ("goroutine", "goroutineleak", a custom profile). */
  profile: string;
  /** Goroutines read (sum of counts). */
  total: number;
  /** debug=1: the total its header states (may differ when the file was cut). */
  statedTotal: number | null;
  goroutines: DumpGoroutine[];
  /** Lines that could not be read, a cut end, text before the first goroutine. */
  warnings: string[];
  /** Where a dump cut mid-goroutine stopped (the incomplete goroutine is dropped). */
  cutAt: { line: number; byte: number } | null;
}
