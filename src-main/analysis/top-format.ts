// A top table as text, laid out as `go tool pprof -top` prints it: one unit for the whole
// table, pprof's percentages and header lines. Used by the CLI and the renderer's table.

import type { TopReport } from './top.js';
import { formatInUnit, formatPercent, reportUnit } from './units.js';

export interface TopFormatter {
  value(v: number): string;
  percent(v: number): string;
  /** "Showing nodes accounting for …", "Dropped …", "Showing top N nodes out of M". */
  headerLines: string[];
}

export function topFormatter(t: Pick<TopReport, 'rows' | 'total' | 'unit' | 'shownFlat' | 'droppedNodes' | 'keptNodes'>, nodefraction = 0.005): TopFormatter {
  const outUnit = reportUnit(t.rows.map((r) => r.flat || r.cum), t.total, t.unit);
  const value = (v: number): string => formatInUnit(v, t.unit, outUnit);
  const percent = (v: number): string => formatPercent(v, t.total);
  const headerLines = [`Showing nodes accounting for ${value(t.shownFlat)}, ${percent(t.shownFlat)} of ${value(t.total)} total`];
  if (t.total !== 0 && t.droppedNodes > 0) {
    headerLines.push(`Dropped ${t.droppedNodes} node${t.droppedNodes > 1 ? 's' : ''} (cum <= ${value(Math.abs(Math.trunc(t.total * nodefraction)))})`);
  }
  if (t.total !== 0 && t.rows.length > 0 && t.rows.length < t.keptNodes) {
    headerLines.push(`Showing top ${t.rows.length} nodes out of ${t.keptNodes}`);
  }
  return { value, percent, headerLines };
}

/** The whole report as pprof's text: header lines, column titles, one line per row. */
export function formatTopText(t: TopReport): string {
  const f = topFormatter(t);
  const lines = [`Type: ${t.sampleType}`, ...f.headerLines, `${'flat'.padStart(10)} ${'flat%'.padStart(6)} ${'sum%'.padStart(6)} ${'cum'.padStart(10)} ${'cum%'.padStart(6)}`];
  let sum = 0;
  for (const r of t.rows) {
    sum += r.flat;
    const inline = r.inline ? ` (${r.inline})` : '';
    lines.push(`${f.value(r.flat).padStart(10)} ${f.percent(r.flat).padStart(6)} ${f.percent(sum).padStart(6)} ${f.value(r.cum).padStart(10)} ${f.percent(r.cum).padStart(6)}  ${r.name}${inline}`);
  }
  return lines.join('\n') + '\n';
}
