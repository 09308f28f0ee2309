// Reads `go test -bench` output (any -count, -benchmem, sub-benchmarks, b.ReportMetric units,
// b.SetBytes' MB/s, configuration lines that change mid-file, mixed with PASS/ok/FAIL and test
// logs) line by line, never as one string. A result line that cannot be read is a warning with
// its line number and is skipped; a file without any result is a FormatError.

import { FormatError } from '../format-error.js';
import { detached, forEachLine, looksLikeText } from '../text-lines.js';
import { parseBenchLine } from './bench-line.js';
import type { BenchConfig, BenchFile, BenchResult, BenchUnitMeta, BenchWarning } from './gobench-types.js';

const MAX_WARNINGS = 200;

export function parseGoBench(input: Uint8Array | string): BenchFile {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (!looksLikeText(bytes)) {
    const at = bytes.indexOf(0);
    throw new FormatError(`this is binary data, not go test -bench output${at >= 0 ? ` (a zero byte at offset ${at})` : ''}`, at >= 0 ? at : undefined);
  }
  const results: BenchResult[] = [];
  const units: BenchUnitMeta[] = [];
  const warnings: BenchWarning[] = [];
  let dropped = 0;
  const warn = (line: number, message: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push({ line, message });
    else dropped++;
  };
  let config: BenchConfig = [];
  let lastBad = 0;
  const { endsWithNewline, lines } = forEachLine(bytes, (text, lineNo) => {
    const l = parseBenchLine(text);
    switch (l.kind) {
      case 'result':
        results.push({ name: l.name, iters: l.iters, values: l.values, config, line: lineNo });
        break;
      case 'config': {
        const at = config.findIndex(([k]) => k === l.key);
        if (l.value === '') {
          if (at >= 0) config = config.filter((_, i) => i !== at);
        } else if (at < 0) config = [...config, [detached(l.key), detached(l.value)]];
        else if (config[at][1] !== l.value) config = config.map((kv, i) => (i === at ? [kv[0], detached(l.value)] : kv));
        break;
      }
      case 'unit':
        for (const p of l.problems) warn(lineNo, `unit line: ${p}`);
        for (const p of l.pairs) {
          const have = units.find((u) => u.unit === l.unit && u.key === p.key);
          if (!have) units.push({ unit: l.unit, key: p.key, value: p.value, line: lineNo });
          else if (have.value !== p.value) warn(lineNo, `metadata ${p.key} of unit ${l.unit} already set to ${have.value} (line ${have.line})`);
        }
        break;
      case 'bad':
        warn(lineNo, `unreadable benchmark line: ${l.problem}; skipped`);
        lastBad = lineNo;
        break;
    }
  });
  if (!endsWithNewline && lastBad === lines && lines > 0) warn(lines, 'the file ends in the middle of this line (cut off?)');
  if (dropped > 0) warnings.push({ line: 0, message: `${dropped} more warnings not shown` });
  if (results.length === 0) {
    const why = warnings.length > 0 ? `; ${warnings.length} line${warnings.length === 1 ? '' : 's'} could not be read (first: line ${warnings[0].line}: ${warnings[0].message})` : '';
    throw new FormatError(
      `no benchmark results found: go test -bench output has lines like "BenchmarkName-8  1000  1234 ns/op"${why}`,
      warnings[0]?.line,
    );
  }
  return { results, units, warnings, lines };
}

/** Benchmarks (full names), results per benchmark at most, units and configurations of a file. */
export function benchFileFacts(file: BenchFile): { benchmarks: string[]; runs: number; units: string[]; configs: Record<string, string>[] } {
  const perName = new Map<string, number>();
  const units: string[] = [];
  const configs: BenchConfig[] = [];
  for (const r of file.results) {
    perName.set(r.name, (perName.get(r.name) ?? 0) + 1);
    for (const v of r.values) if (!units.includes(v.unit)) units.push(v.unit);
    if (!configs.includes(r.config)) configs.push(r.config);
  }
  const distinct = new Map<string, Record<string, string>>();
  for (const c of configs) distinct.set(JSON.stringify(c), Object.fromEntries(c));
  return { benchmarks: [...perName.keys()], runs: Math.max(...perName.values()), units, configs: [...distinct.values()] };
}
