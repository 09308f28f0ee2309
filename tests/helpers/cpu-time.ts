// CPU time of this test process (user + system), in milliseconds. Tests that tell "quick" from
// "hangs" or "quadratic" measure this, not wall time: on a loaded machine wall time grows by
// whatever the other processes take, while the work a call does costs the same CPU.
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
