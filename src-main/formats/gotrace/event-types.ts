// Event type numbers of the Go 1.22+ trace format and the number of arguments each timed event
// carries after its timestamp delta. Numbers are only ever appended, so one table serves every
// version; `maxEventType` says which are valid for a version.

export const Ev = {
  EventBatch: 1,
  Stacks: 2,
  Stack: 3,
  Strings: 4,
  String: 5,
  CPUSamples: 6,
  CPUSample: 7,
  Frequency: 8,
  ProcsChange: 9,
  ProcStart: 10,
  ProcStop: 11,
  ProcSteal: 12,
  ProcStatus: 13,
  GoCreate: 14,
  GoCreateSyscall: 15,
  GoStart: 16,
  GoDestroy: 17,
  GoDestroySyscall: 18,
  GoStop: 19,
  GoBlock: 20,
  GoUnblock: 21,
  GoSyscallBegin: 22,
  GoSyscallEnd: 23,
  GoSyscallEndBlocked: 24,
  GoStatus: 25,
  STWBegin: 26,
  STWEnd: 27,
  GCActive: 28,
  GCBegin: 29,
  GCEnd: 30,
  GCSweepActive: 31,
  GCSweepBegin: 32,
  GCSweepEnd: 33,
  GCMarkAssistActive: 34,
  GCMarkAssistBegin: 35,
  GCMarkAssistEnd: 36,
  HeapAlloc: 37,
  HeapGoal: 38,
  GoLabel: 39,
  UserTaskBegin: 40,
  UserTaskEnd: 41,
  UserRegionBegin: 42,
  UserRegionEnd: 43,
  UserLog: 44,
  GoSwitch: 45,
  GoSwitchDestroy: 46,
  GoCreateBlocked: 47,
  GoStatusStack: 48,
  ExperimentalBatch: 49,
  Sync: 50,
  ClockSnapshot: 51,
  EndOfGeneration: 52,
  /** Experimental AllocFree events (GODEBUG=traceallocfree=1): 128..136. */
  FirstExperimental: 128,
  LastExperimental: 136,
} as const;

/** Arguments after the timestamp delta of each timed event that may appear in an event batch; -1 otherwise. */
export const TIMED_ARGS: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  const set = (n: number, type: number): void => {
    t[type] = n;
  };
  set(2, Ev.ProcsChange);
  set(2, Ev.ProcStart);
  set(0, Ev.ProcStop);
  set(3, Ev.ProcSteal);
  set(2, Ev.ProcStatus);
  set(3, Ev.GoCreate);
  set(1, Ev.GoCreateSyscall);
  set(2, Ev.GoStart);
  set(0, Ev.GoDestroy);
  set(0, Ev.GoDestroySyscall);
  set(2, Ev.GoStop);
  set(2, Ev.GoBlock);
  set(3, Ev.GoUnblock);
  set(2, Ev.GoSyscallBegin);
  set(0, Ev.GoSyscallEnd);
  set(0, Ev.GoSyscallEndBlocked);
  set(3, Ev.GoStatus);
  set(2, Ev.STWBegin);
  set(0, Ev.STWEnd);
  set(1, Ev.GCActive);
  set(2, Ev.GCBegin);
  set(1, Ev.GCEnd);
  set(1, Ev.GCSweepActive);
  set(1, Ev.GCSweepBegin);
  set(2, Ev.GCSweepEnd);
  set(1, Ev.GCMarkAssistActive);
  set(1, Ev.GCMarkAssistBegin);
  set(0, Ev.GCMarkAssistEnd);
  set(1, Ev.HeapAlloc);
  set(1, Ev.HeapGoal);
  set(1, Ev.GoLabel);
  set(4, Ev.UserTaskBegin);
  set(2, Ev.UserTaskEnd);
  set(3, Ev.UserRegionBegin);
  set(3, Ev.UserRegionEnd);
  set(4, Ev.UserLog);
  set(2, Ev.GoSwitch);
  set(2, Ev.GoSwitchDestroy);
  set(3, Ev.GoCreateBlocked);
  set(4, Ev.GoStatusStack);
  // AllocFree experiment: Span, SpanAlloc, SpanFree, HeapObject, …Alloc, …Free, GoroutineStack, …Alloc, …Free.
  [3, 3, 1, 2, 2, 1, 2, 2, 1].forEach((n, i) => set(n, Ev.FirstExperimental + i));
  return t;
})();

/** Highest regular event type a format version may use (its experimental range aside). */
export function maxEventType(minor: number): number {
  if (minor <= 22) return Ev.UserLog;
  if (minor <= 24) return Ev.ExperimentalBatch;
  if (minor === 25) return Ev.ClockSnapshot;
  return Ev.EndOfGeneration;
}

/** GoStatus values on the wire. */
export const WireGoStatus = { Bad: 0, Runnable: 1, Running: 2, Syscall: 3, Waiting: 4 } as const;
/** ProcStatus values on the wire. */
export const WireProcStatus = { Bad: 0, Running: 1, Idle: 2, Syscall: 3, SyscallAbandoned: 4 } as const;
