// How run comparisons and trends print their figures, in the CLI and the app alike: a value in
// its unit ("1.25s", "3.50MB", "12.5%", "1.2 ms"), a change ("+206.7%"), a p-value.

import { formatValue } from '../units.js';

/** A figure in its unit: share (a fraction), %, count, ms, ns, per second, or a pprof unit. */
export function formatFigure(v: number, unit: string): string {
  if (!Number.isFinite(v)) return String(v);
  if (unit === 'share') return `${(v * 100).toFixed(2)}%`;
  if (unit === '%') return `${v.toFixed(2)}%`;
  if (unit === 'count' || unit === '') return String(Math.round(v * 100) / 100);
  if (unit === 'ms') return formatValue(v * 1e6, 'nanoseconds');
  if (unit === 'ns') return formatValue(v, 'nanoseconds');
  if (unit === 'seconds') return formatValue(v * 1e9, 'nanoseconds');
  const perSecond = unit.endsWith('/s');
  return formatValue(v, perSecond ? unit.slice(0, -2) : unit) + (perSecond ? '/s' : '');
}

export function formatChange(changePct: number | null): string {
  if (changePct === null) return 'new';
  return `${changePct >= 0 ? '+' : ''}${changePct.toFixed(1)}%`;
}

export function formatP(p: number | null): string {
  if (p === null) return '';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}
