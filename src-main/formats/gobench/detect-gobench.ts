// Content check for detect-format.ts: `go test -bench` output has a result line (name,
// iterations, then value/unit pairs) in its first bytes, perhaps after goos/goarch/pkg/cpu lines
// and test logs.

import { headLines } from '../text-lines.js';
import { parseBenchLine } from './bench-line.js';

const MAX_LINES = 2000;

/** `text` is the decoded head of a file; its last line may be cut. */
export function looksLikeGoBench(text: string): boolean {
  for (const line of headLines(text, MAX_LINES)) {
    if (line.startsWith('Benchmark') && parseBenchLine(line).kind === 'result') return true;
  }
  return false;
}
