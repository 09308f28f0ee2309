// Colour classes of the timeline: goroutine states (running, runnable, syscall, and blocked
// split by what it waits for, as the blocking profiles split it) and, on P lanes, what kind of
// goroutine ran. The legend, the lanes and the span panel all use these.

export { ProcClass, goClassOf } from '../../src-main/analysis/trace/lane-classes';

export const GO_CLASSES: { name: string; color: string; help: string }[] = [
  { name: 'running', color: '#3a9d5d', help: 'on a P, executing' },
  { name: 'runnable', color: '#e8b83a', help: 'ready, waiting for a P (scheduler latency)' },
  { name: 'syscall', color: '#8d63c9', help: 'in a system call' },
  { name: 'blocked (sync)', color: '#d9646b', help: 'channel, select, mutex or other sync wait' },
  { name: 'blocked (network)', color: '#4f86c6', help: 'waiting for the network poller' },
  { name: 'GC waiting', color: '#e58a3b', help: 'waiting on the GC (assist, sweep, mark)' },
  { name: 'blocked (other)', color: '#bcc3cf', help: 'sleep, timers, runtime waits' },
];

export const PROC_CLASSES: { name: string; color: string }[] = [
  { name: 'user goroutine', color: '#3a9d5d' },
  { name: 'GC worker', color: '#e58a3b' },
  { name: 'runtime', color: '#7b8798' },
];

/** Wide running spans on P lanes take a shade of green per start function, so neighbours differ. */
const USER_SHADES = ['#3a9d5d', '#2f8a7e', '#58a55c', '#4e9a86', '#6aa84f', '#2e8b57', '#5f9e6e', '#3d8f6f'];

export function userShade(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return USER_SHADES[Math.abs(h) % USER_SHADES.length];
}

/** Range bands. */
export const BAND_COLORS = { gc: '#f2a65a', stw: '#c0392b', assist: '#e58a3b', sweep: '#c9b27c', heap: '#4f86c6', goal: '#6b7385', task: '#8d63c9', region: '#2f6fbf' };
