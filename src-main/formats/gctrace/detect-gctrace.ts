// Content check for detect-format.ts: a gctrace log has at least one `gc N @T s U%: …` line
// (perhaps after the program's own output) in its first bytes.

import { GC_LINE_START } from './gc-line.js';

const LINE = new RegExp(String.raw`(?:^|\n)[^\n]{0,200}?${GC_LINE_START.source}[^\n]* ms clock, `);

export function looksLikeGctrace(text: string): boolean {
  return LINE.test(text);
}
