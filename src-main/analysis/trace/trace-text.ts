// The readable form of a trace summary (gpw trace FILE --summary without --json).

import type { TraceSummary } from '../../api/trace-types.js';
import { BLOCKING_KINDS } from './blocking.js';

/**
 * A duration for people: 1.25s, 3.40ms, 820.0µs, 75ns. The unit is the one the rounded figure
 * needs: 999,960 ns reads "1.00ms", not "1000.0µs".
 */
export function formatNs(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 1e9 || Math.abs(Number((ns / 1e6).toFixed(2))) >= 1000) return `${(ns / 1e9).toFixed(2)}s`;
  if (a >= 1e6 || Math.abs(Number((ns / 1e3).toFixed(1))) >= 1000) return `${(ns / 1e6).toFixed(2)}ms`;
  if (a >= 1e3 || Math.abs(Math.round(ns)) >= 1000) return `${(ns / 1e3).toFixed(1)}µs`;
  return `${Math.round(ns)}ns`;
}

const BLOCKING_TITLES = { net: 'network wait', sync: 'sync (chan, mutex, select)', syscall: 'syscalls', sched: 'scheduler latency' } as const;

export function formatTraceSummary(s: TraceSummary, file: string, maxGroups = 30): string {
  const lines = [
    `${file}: Go execution trace, format ${s.goVersion}, ${formatNs(s.durationNs)}, ${s.eventCount} events in ${s.generations} generation${s.generations === 1 ? '' : 's'}`,
    `goroutines: ${s.goroutines}   GC cycles: ${s.gcCount}   stop-the-world: ${formatNs(s.stwNs)}`,
  ];
  if (s.warning) lines.push(`warning: ${s.warning}`);
  lines.push('', 'blocking profiles (as go tool trace -pprof=…):');
  for (const k of BLOCKING_KINDS) lines.push(`  ${k.padEnd(8)} ${String(s.blocking[k].count).padStart(9)} × ${formatNs(s.blocking[k].delayNs).padStart(10)}   ${BLOCKING_TITLES[k]}`);
  lines.push('', 'goroutines by start function (most execution time first):');
  const rows = [['count', 'exec', 'sched wait', 'syscall', 'blocked', 'start function']];
  for (const g of s.groups.slice(0, maxGroups)) {
    const blocked = Object.values(g.blockNs).reduce((a, b) => a + b, 0) + g.syscallBlockNs;
    rows.push([String(g.count), formatNs(g.execNs), formatNs(g.schedWaitNs), formatNs(g.syscallNs), formatNs(blocked), g.name || '(no stack seen)']);
  }
  const widths = rows[0].slice(0, -1).map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) lines.push('  ' + r.map((v, c) => (c < widths.length ? v.padStart(widths[c]) : v)).join('  '));
  if (s.groups.length > maxGroups) lines.push(`  … ${s.groups.length - maxGroups} more groups (--json lists all)`);
  return lines.join('\n');
}
