// Timing helpers of the benchmarks: whole processes timed by GNU time (wall ms, peak RSS), the
// median of runs, the machine's load to print next to the figures, and a running process's CPU
// time and peak RSS from /proc.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const load = () => execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/^.*load average/, 'load average');

/** Wall ms, peak RSS (MiB) and CPU ms (user + sys) of a whole process, by GNU time. */
export function timed(cmd, args, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const [wall, rss, user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { ms: wall * 1000, mib: rss / 1024, cpuMs: (user + sys) * 1000, stdout: r.stdout };
}
export const fmt = (r) => `${r.ms.toFixed(0).padStart(6)} ms  ${r.mib.toFixed(0).padStart(5)} MiB`;
/** The median time and median peak RSS of runs. */
export const med = (rs) => ({ ms: median(rs.map((r) => r.ms)), mib: median(rs.map((r) => r.mib)) });

/**
 * A /proc stat file read (a process's, /proc/PID/stat, or a thread's, /proc/PID/task/TID/stat):
 * its name, parent pid and CPU time so far in ms (user + sys, in clock ticks of 1/100 s). Throws
 * where the file is missing (no /proc, or the process has ended).
 */
export function procStat(path) {
  const stat = readFileSync(path, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ppid: Number(f[1]), cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / 100 };
}

/** A running process's peak RSS so far (VmHWM), in MiB; NaN where its status has none. Throws where /proc/PID is missing. */
export function procPeakMiB(pid) {
  const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return kb ? Number(kb[1]) / 1024 : NaN;
}
