// gpw source and gpw peek as text, laid out as `go tool pprof -list` and `-peek` print them.

import type { DisasmReport, SourceListing } from '../../api/source-types.js';
import type { PeekReport } from './peek.js';
import { formatInUnit, formatPercent, formatValue, reportUnit } from '../units.js';

const pct = (v: number, total: number): string => formatPercent(v, total).padStart(6);

export function formatListText(l: SourceListing): string {
  const value = (v: number): string => formatValue(v, l.unit);
  const out = [`Total: ${value(l.total)}`];
  for (const f of l.functions) {
    if (f.file === '') {
      out.push(`No source information for ${f.name}`);
      continue;
    }
    out.push(`ROUTINE ======================== ${f.name} in ${f.file}`);
    out.push(`${value(f.flat).padStart(10)} ${value(f.cum).padStart(10)} (flat, cum) ${pct(f.cum, l.total)} of Total`);
    if (f.missingSource) {
      out.push(` Error: ${f.error}`);
      continue;
    }
    const dot = (v: number): string => (v === 0 ? '.' : value(v));
    for (const line of f.lines) out.push(`${dot(line.flat).padStart(10)} ${dot(line.cum).padStart(10)} ${String(line.line).padStart(6)}:${line.text ?? ''}`);
  }
  return out.join('\n') + '\n';
}

const SEPARATOR = '----------------------------------------------------------+-------------';
const LEGEND = '      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ';

/** From pprof's "Showing nodes accounting for" line on (the lines before name the file and its times). */
export function formatPeekText(p: PeekReport): string {
  const outUnit = reportUnit(p.unitValues, p.total, p.unit);
  const value = (v: number): string => formatInUnit(v, p.unit, outUnit);
  const out = [`Showing nodes accounting for ${value(p.shownFlat)}, ${formatPercent(p.shownFlat, p.total)} of ${value(p.total)} total`, SEPARATOR, LEGEND];
  let flatSum = 0;
  for (const n of p.nodes) {
    out.push(SEPARATOR);
    for (const e of n.callers) out.push(`${value(e.weight).padStart(50)} ${pct(e.weight, n.cum)} |   ${e.name}${e.inline ? ' (inline)' : ''}`);
    flatSum += n.flat;
    out.push(`${value(n.flat).padStart(10)} ${pct(n.flat, p.total)} ${pct(flatSum, p.total)} ${value(n.cum).padStart(10)} ${pct(n.cum, p.total)}                | ${n.name}`);
    for (const e of n.callees) out.push(`${value(e.weight).padStart(50)} ${pct(e.weight, n.cum)} |   ${e.name}${e.inline ? ' (inline)' : ''}`);
  }
  if (p.unitValues.length > 0) out.push(SEPARATOR);
  return out.join('\n') + '\n';
}

/** pprof -disasm's text: one ROUTINE per function, the location printed where it changes. */
export function formatDisasmText(d: DisasmReport): string {
  const value = (v: number): string => formatValue(v, d.unit);
  const dot = (v: number): string => (v === 0 ? '.' : value(v));
  const out = [`Total: ${value(d.total)}`];
  for (const f of d.functions) {
    out.push(`ROUTINE ======================== ${f.name}`);
    out.push(`${value(f.flat).padStart(10)} ${value(f.cum).padStart(10)} (flat, cum) ${pct(f.cum, d.total)} of Total`);
    let fn = '';
    let file = '';
    let line = 0;
    for (const n of f.instructions) {
      let loc = '';
      if (n.function !== fn || n.file !== file || n.line !== line) {
        [fn, file, line] = [n.function, n.file, n.line];
        loc = (n.function ? n.function + ' ' : '') + (n.file ? n.file + (n.line !== 0 ? `:${n.line}` : '') : '');
      }
      const head = `${dot(n.flat).padStart(10)} ${dot(n.cum).padStart(10)} ${n.address.toString(16).padStart(10)}: `;
      if (loc === '') out.push(head + n.text);
      else if (n.text.length < 40) out.push(`${head}${n.text.padEnd(40)};${loc}`);
      else out.push(`${' '.repeat(74)};${loc}`, head + n.text);
    }
  }
  return out.join('\n') + '\n';
}
