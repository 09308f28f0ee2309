// The colour classes of the timeline's lanes: a goroutine state with what it waits for (as the
// blocking profiles split reasons), and on P lanes what kind of goroutine ran. Shared by the
// renderer (src-renderer/lib/trace-states.ts: their colours) and timeline-overview.ts.

import { GoState } from '../../model/trace.js';

export const GoClass = { Running: 0, Runnable: 1, Syscall: 2, BlockedSync: 3, BlockedNet: 4, GcWait: 5, BlockedOther: 6 } as const;

/** The colour class of a goroutine state with its block reason. */
export function goClassOf(state: number, reason: string): number {
  switch (state) {
    case GoState.Running:
      return GoClass.Running;
    case GoState.Runnable:
      return GoClass.Runnable;
    case GoState.Syscall:
      return GoClass.Syscall;
    default:
      if (/GC|sweep|mark/.test(reason)) return GoClass.GcWait;
      if (reason === 'network') return GoClass.BlockedNet;
      if (reason.includes('chan') || reason.includes('sync') || reason.includes('select')) return GoClass.BlockedSync;
      return GoClass.BlockedOther;
  }
}

/** P lanes: what ran. */
export const ProcClass = { User: 0, GcWorker: 1, Runtime: 2 } as const;

/** By start function only: the runtime's GoLabel events ("GC (fractional)") also land on other goroutines. */
export function procClassOf(name: string): number {
  if (name.includes('gcBgMarkWorker')) return ProcClass.GcWorker;
  if (name.startsWith('runtime.')) return ProcClass.Runtime;
  return ProcClass.User;
}

/**
 * Each goroutine interval's class (state with reason; reason a string index of `strings`): each
 * (state, reason) pair is decided once, then looked up in one flat table. Intervals [lo, hi) of
 * `out` only, when given (the view classes a big trace's intervals a slice per task).
 */
export function goIntervalClasses(state: Uint8Array, reason: ArrayLike<number>, strings: string[], out = new Uint8Array(state.length), lo = 0, hi = state.length): Uint8Array {
  // Per state and reason, its class (0xff: not decided yet); states are below 8 (GoState).
  const n = strings.length;
  const table = classTables.get(strings) ?? new Uint8Array(8 * n).fill(0xff);
  classTables.set(strings, table);
  for (let i = lo; i < hi; i++) {
    const st = state[i];
    const r = reason[i];
    if (st > 7) {
      out[i] = goClassOf(st, strings[r]);
      continue;
    }
    const at = st * n + r;
    let c = table[at];
    if (c === 0xff) table[at] = c = goClassOf(st, strings[r]);
    out[i] = c;
  }
  return out;
}

/** The decided classes per string table, while the table lives (a big trace's intervals are classed in slices). */
const classTables = new WeakMap<string[], Uint8Array>();

/** Each P interval's class: that of the goroutine that ran (by its start function, a string index per goroutine). */
export function procIntervalClasses(procG: Int32Array, goName: Int32Array, strings: string[]): Uint8Array {
  const byG = new Uint8Array(goName.length);
  for (let g = 0; g < byG.length; g++) byG[g] = procClassOf(strings[goName[g]]);
  const cls = new Uint8Array(procG.length);
  for (let i = 0; i < cls.length; i++) cls[i] = byG[procG[i]];
  return cls;
}
