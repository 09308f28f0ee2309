// Is this text folded stacks? Most lines are `frame;frame;... count` and at least one has a
// ";" (a file of `name number` lines alone is more likely something else, e.g. metrics).

import { headLines } from '../text-lines.js';
import { parseFoldedLine } from './folded-line.js';

const MAX_LINES = 400;
/** A head without any line break shorter than this is a short file, read as lines. */
const MIN_CUT_LINE_CHARS = 4096;

function looksLikeCutStack(cut: string): boolean {
  // Frames (or one huge frame name after the root), and no control characters (binary data
  // decoded as text has them). The parser then reads the whole line, or names what is wrong.
  return cut.includes(';') && !/[\u0000-\u0008\u000e-\u001f]/.test(cut);
}

/** `text` is the decoded head of a file; its last line may be cut. */
export function looksLikeFolded(text: string): boolean {
  // A first line longer than the head (a stack thousands of frames deep) is cut before its
  // count: it is folded stacks when it reads as frames separated by ";".
  if (text.length >= MIN_CUT_LINE_CHARS && text.indexOf('\n') < 0) return looksLikeCutStack(text);
  let stacks = 0;
  let withCalls = 0;
  let invalid = 0;
  for (const line of headLines(text, MAX_LINES)) {
    const parsed = parseFoldedLine(line);
    if (parsed.kind === 'stack') {
      stacks++;
      if (parsed.stack.includes(';')) withCalls++;
    } else if (parsed.kind === 'invalid') invalid++;
  }
  return withCalls > 0 && stacks >= invalid * 2;
}
