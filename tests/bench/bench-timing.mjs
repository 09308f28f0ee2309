// Timing helpers of the benchmarks: whole processes timed by GNU time (wall ms, peak RSS), the
// median of runs, and the machine's load to print next to the figures.
import { execFileSync, spawnSync } from 'node:child_process';

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
