// One line of folded ("collapsed") stacks, `root;caller;leaf 42`, as stackcollapse-*.pl,
// BCC's `profile -f` and async-profiler's collapsed output write them: the stack, blanks, and
// a count (flamegraph.pl also takes decimals).

export type FoldedLine =
  | { kind: 'blank' }
  | { kind: 'comment' }
  | { kind: 'stack'; stack: string; count: number }
  | { kind: 'invalid'; reason: string };

const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

export function parseFoldedLine(line: string): FoldedLine {
  let end = line.length;
  while (end > 0 && isBlank(line.charCodeAt(end - 1))) end--;
  if (end === 0) return { kind: 'blank' };
  if (line.charCodeAt(0) === 35 || line.startsWith('//')) return { kind: 'comment' };
  // The count: digits, optionally ".digits", after the last blank.
  let i = end;
  while (i > 0 && isDigit(line.charCodeAt(i - 1))) i--;
  if (i > 0 && line.charCodeAt(i - 1) === 46 && i < end) {
    i--;
    const dot = i;
    while (i > 0 && isDigit(line.charCodeAt(i - 1))) i--;
    if (i === dot) return { kind: 'invalid', reason: 'the count is not a number' };
  }
  if (i === end || i === 0 || !isBlank(line.charCodeAt(i - 1))) {
    return { kind: 'invalid', reason: 'it does not end in a blank and a count' };
  }
  // One blank separates the count, as flamegraph.pl and speedscope read it: a frame may end in blanks.
  const stackEnd = i - 1;
  if (stackEnd === 0) return { kind: 'invalid', reason: 'it has a count but no stack' };
  const count = Number(line.slice(i, end));
  if (!Number.isFinite(count)) return { kind: 'invalid', reason: 'the count is too large' };
  return { kind: 'stack', stack: line.slice(0, stackEnd), count };
}
