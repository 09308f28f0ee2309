// Is this text folded stacks? Most lines are `frame;frame;... count` and at least one has a
// ";" (a file of `name number` lines alone is more likely something else, e.g. metrics).

import { headLines } from '../text-lines.js';
import { parseFoldedLine } from './folded-line.js';

const MAX_LINES = 400;

/** `text` is the decoded head of a file; its last line may be cut. */
export function looksLikeFolded(text: string): boolean {
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
