// Content check for detect-format.ts: `go test -bench` output has a result line (name,
// iterations, then value/unit pairs) in its first bytes, perhaps after goos/goarch/pkg/cpu lines
// and test logs. A line shaped like one (a Benchmark name and at least three more fields) that
// does not read still makes it bench output, so the reader can say which line is damaged, and
// so do the goos and goarch lines the testing package prints before any benchmark.

import { parseBenchLine } from './bench-line.js';

const MAX_LINES = 2000;
const DAMAGED = /^Benchmark\S*(?:\s+\S+){3,}/u;
const HEADER = /^go(?:os|arch): \S+$/;

/** `text` is the decoded head of a file; its last line may be cut (it is looked at too: a short file's last line is whole). */
export function looksLikeGoBench(text: string): boolean {
  let header = 0;
  for (const raw of text.split('\n', MAX_LINES)) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (HEADER.test(line) && ++header === 2) return true; // goos and goarch: a go test -bench run, perhaps without results
    if (!line.startsWith('Benchmark')) continue;
    if (parseBenchLine(line).kind === 'result' || DAMAGED.test(line)) return true;
  }
  return false;
}
