// `go test -bench` output: checked and summarised (benchmarks × runs, units, configurations).
// Kind 'bench'; comparisons read the stored text again (analysis/bench/).

import type { OtherSummary } from '../../api/types.js';
import { benchFileFacts, parseGoBench } from '../../formats/gobench/parse-gobench.js';
import type { ArtifactReader } from '../reader-types.js';

export interface BenchSummary extends OtherSummary {
  benchmarks: number;
  /** Results of the benchmark run most often (go test -count). */
  runs: number;
  results: number;
  units: string[];
  /** Each distinct file-level configuration (goos, goarch, pkg, cpu, …). */
  configs: Record<string, string>[];
  names: string[];
  warnings: { line: number; message: string }[];
}

export function summarizeBench(bytes: Uint8Array): BenchSummary {
  const file = parseGoBench(bytes);
  const facts = benchFileFacts(file);
  const n = facts.benchmarks.length;
  const pkgs = [...new Set(facts.configs.map((c) => c.pkg).filter(Boolean))];
  const skipped = new Set(file.warnings.map((w) => w.line)).size;
  const bad = skipped > 0 ? `; ${skipped} line${skipped === 1 ? '' : 's'} skipped (line ${file.warnings[0].line}: ${file.warnings[0].message})` : '';
  return {
    headline:
      `${n} benchmark${n === 1 ? '' : 's'} × ${facts.runs} run${facts.runs === 1 ? '' : 's'}, units ${facts.units.join(' ')}` +
      (pkgs.length > 0 ? ` (${pkgs.join(', ')})` : '') +
      bad,
    benchmarks: n,
    runs: facts.runs,
    results: file.results.length,
    units: facts.units,
    configs: facts.configs,
    names: facts.benchmarks.slice(0, 200),
    warnings: file.warnings.slice(0, 20),
  };
}

export const benchReader: ArtifactReader = {
  kind: 'bench',
  async read(input) {
    return { subtype: null, capturedAt: null, durationNs: null, goVersion: null, summary: summarizeBench(input.bytes) };
  },
};
