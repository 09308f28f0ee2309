// Colour classes of the timeline: goroutine states (running, runnable, syscall, and blocked
// split by what it waits for, as the blocking profiles split it) and, on P lanes, what kind of
// goroutine ran. The legend, the lanes and the span panel all use these.

import { GoState } from '../../src-main/model/trace';

export const GoClass = { Running: 0, Runnable: 1, Syscall: 2, BlockedSync: 3, BlockedNet: 4, GcWait: 5, BlockedOther: 6 } as const;

export const GO_CLASSES: { name: string; color: string; help: string }[] = [
  { name: 'running', color: '#3a9d5d', help: 'on a P, executing' },
  { name: 'runnable', color: '#e8b83a', help: 'ready, waiting for a P (scheduler latency)' },
  { name: 'syscall', color: '#8d63c9', help: 'in a system call' },
  { name: 'blocked (sync)', color: '#d9646b', help: 'channel, select, mutex or other sync wait' },
  { name: 'blocked (network)', color: '#4f86c6', help: 'waiting for the network poller' },
  { name: 'GC waiting', color: '#e58a3b', help: 'waiting on the GC (assist, sweep, mark)' },
  { name: 'blocked (other)', color: '#bcc3cf', help: 'sleep, timers, runtime waits' },
];

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
export const PROC_CLASSES: { name: string; color: string }[] = [
  { name: 'user goroutine', color: '#3a9d5d' },
  { name: 'GC worker', color: '#e58a3b' },
  { name: 'runtime', color: '#7b8798' },
];

/** By start function only: the runtime's GoLabel events ("GC (fractional)") also land on other goroutines. */
export function procClassOf(name: string): number {
  if (name.includes('gcBgMarkWorker')) return ProcClass.GcWorker;
  if (name.startsWith('runtime.')) return ProcClass.Runtime;
  return ProcClass.User;
}

/** Wide running spans on P lanes take a shade of green per start function, so neighbours differ. */
const USER_SHADES = ['#3a9d5d', '#2f8a7e', '#58a55c', '#4e9a86', '#6aa84f', '#2e8b57', '#5f9e6e', '#3d8f6f'];

export function userShade(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return USER_SHADES[Math.abs(h) % USER_SHADES.length];
}

/** Range bands. */
export const BAND_COLORS = { gc: '#f2a65a', stw: '#c0392b', assist: '#e58a3b', sweep: '#c9b27c', heap: '#4f86c6', goal: '#6b7385', task: '#8d63c9', region: '#2f6fbf' };
