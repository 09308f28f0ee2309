// Folded stacks → Profile: each `a;b;c N` line is a stack, root first, with N samples; equal
// stacks are summed. UTF-8 or UTF-16 (with a byte-order mark), LF or CRLF. Lines starting with
// "#" or "//" are comments. Other lines that are not stacks are skipped, as flamegraph.pl and
// speedscope skip them, and listed by line number in a warning (a profile comment); a file
// without any stack is refused, naming its first bad line.

import { ProfileBuilder } from '../../model/profile-builder.js';
import type { Profile } from '../../model/profile.js';
import { FormatError } from '../format-error.js';
import { quoteInput } from '../quote-input.js';
import { detached, LineSplitter } from '../text-lines.js';
import { parseFoldedLine } from './folded-line.js';

/** Comments gpw adds to a folded profile: warnings start with this. */
export const FOLDED_WARNING_PREFIX = 'warning: ';

const MAX_REPORTED_LINES = 5;

interface BadLine {
  lineNo: number;
  reason: string;
  text: string;
}

/** Folded stacks that arrive in pieces (a file read in chunks) → Profile; only the sums per stack are kept. */
export class FoldedStream {
  private readonly sums = new Map<string, number>();
  private readonly bad: BadLine[] = [];
  private badCount = 0;
  private stacks = 0;
  private readonly lines = new LineSplitter((line, lineNo) => this.line(line, lineNo));

  push(bytes: Uint8Array): void {
    this.lines.push(bytes);
  }

  private line(line: string, lineNo: number): void {
    const parsed = parseFoldedLine(line);
    if (parsed.kind === 'stack') {
      const sum = this.sums.get(parsed.stack);
      if (sum === undefined) this.sums.set(detached(parsed.stack), parsed.count);
      else this.sums.set(parsed.stack, sum + parsed.count);
      this.stacks++;
    } else if (parsed.kind === 'invalid') {
      this.badCount++;
      if (this.bad.length < MAX_REPORTED_LINES) this.bad.push({ lineNo, reason: parsed.reason, text: detached(line.slice(0, 200)) });
    }
  }

  finish(): Profile {
    this.lines.end();
    const { bad, badCount } = this;
    if (this.stacks === 0) {
      if (bad.length === 0) throw new FormatError('no folded stacks: the file has only blank or comment lines');
      const b = bad[0];
      throw new FormatError(`no folded stacks: line ${b.lineNo} is not "frame;frame;... count" (${b.reason}): ${quoteInput(b.text, 60)}`, b.lineNo);
    }
    const profile = buildProfile(this.sums);
    if (badCount > 0) {
      const listed = bad.map((b) => `line ${b.lineNo} ${quoteInput(b.text, 60)}`).join(', ');
      profile.comments.push(
        `${FOLDED_WARNING_PREFIX}skipped ${badCount} line${badCount === 1 ? '' : 's'} that ${badCount === 1 ? 'is' : 'are'} not "frame;frame;... count": ${listed}${badCount > bad.length ? ', ...' : ''}`,
      );
    }
    return profile;
  }
}

export function parseFolded(bytes: Uint8Array): Profile {
  const stream = new FoldedStream();
  stream.push(bytes);
  return stream.finish();
}

/** One sample per distinct stack, frames interned by name. */
function buildProfile(sums: Map<string, number>): Profile {
  const builder = new ProfileBuilder({ sampleTypes: [{ type: 'samples', unit: 'count' }], mergeSamples: false });
  const frameLocs = new Map<string, number>();
  const locs: number[] = [];
  const value = [0];
  for (const [stack, count] of sums) {
    const names = stack.split(';');
    locs.length = 0;
    for (let i = names.length - 1; i >= 0; i--) {
      let loc = frameLocs.get(names[i]);
      if (loc === undefined) {
        loc = builder.frame(names[i]);
        frameLocs.set(names[i], loc);
      }
      locs.push(loc);
    }
    value[0] = count;
    builder.addSample(locs, value);
  }
  return builder.build();
}
