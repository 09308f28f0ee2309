// The runtime writes each gctrace, gcpacertrace and scavtrace line in pieces (each number and
// each bit of text its own write), so a line the program writes to the same file can land
// between two of them: "gc 2 @0.014s 11%: … clock, <program line>", then the rest of the gc line
// on a later line. The runtime's own lines never mix (it holds a lock while printing one), so
// the rest is the next runtime text after the program's lines.
//
// SplitLines keeps such heads for a few lines and puts a head and its rest back together.

import { readGcLine } from './gc-line.js';
import { parsePacerLine } from './pacer-line.js';
import { parseScavLine } from './scav-line.js';

export type RuntimeLineKind = 'gc' | 'pacer' | 'scav';

/** The runtime's first write of each kind of line. */
export const FIRST_PIECE: Record<RuntimeLineKind, string> = { gc: 'gc ', pacer: 'pacer: ', scav: 'scav ' };

/** How many lines of other output may come between the two pieces of a split line. */
const MAX_LINES_BETWEEN_PIECES = 3;
/** The longest start of a runtime line a program's line can follow (whole lines are shorter). */
const MAX_HEAD_PIECE = 300;
/**
 * Longer than any whole runtime line (gc lines run to about 250 characters, pacer lines to about
 * 300): a longer rest completes no head, and is not tried against each cut of every head (a
 * megabyte-long line of program output made that minutes of work).
 */
export const MAX_RUNTIME_LINE = 2048;

/** Whether `text` is a whole, readable runtime line of this kind. */
function isWhole(kind: RuntimeLineKind, text: string): boolean {
  if (kind === 'gc') return readGcLine(text) !== null;
  if (kind === 'pacer') return parsePacerLine(text).kind !== 'bad';
  return !('problem' in parseScavLine(text, 0));
}

/**
 * The line whose first pieces start `head` (the program's line follows them) and whose rest is
 * `rest`, or null. The runtime writes every number in one piece, so no cut splits one, and the
 * first piece (FIRST_PIECE) is whole too.
 */
export function joinPieces(kind: RuntimeLineKind, head: string, rest: string): string | null {
  if (rest.length > MAX_RUNTIME_LINE) return null;
  const splitsNumber = /^[\d.]/.test(rest);
  for (let cut = Math.min(head.length, MAX_HEAD_PIECE); cut >= FIRST_PIECE[kind].length; cut--) {
    if (splitsNumber && /[\d.]/.test(head[cut - 1])) continue;
    const joined = head.slice(0, cut) + rest;
    if (isWhole(kind, joined)) return joined;
  }
  return null;
}

export interface Head<T> {
  kind: RuntimeLineKind;
  line: string;
  lineNo: number;
  /**
   * What to report if its rest never comes; null when the line may as well be the program's own
   * ("gc is slow"), then it is counted as such.
   */
  problem: string | null;
  /** The caller's state at the head (e.g. the pacer lines read before a gc line). */
  state: T;
  waited: number;
}

export class SplitLines<T> {
  private heads: Head<T>[] = [];

  /** unmended: a head whose rest did not come (report it, or count it as the program's). */
  constructor(private readonly unmended: (head: Head<T>) => void) {}

  add(head: Omit<Head<T>, 'waited'>): void {
    this.heads.push({ ...head, waited: 0 });
  }

  /** The runtime started a new line: any earlier one is over. */
  flush(): void {
    this.heads.forEach(this.unmended);
    this.heads = [];
  }

  /**
   * Puts `rest` (a line that is not a runtime line's start) after the newest head it completes.
   * Returns that head and the whole line, or null (then one more line has passed for the heads).
   */
  mend(rest: string): { head: Head<T>; line: string } | null {
    for (let i = this.heads.length - 1; i >= 0; i--) {
      const head = this.heads[i];
      const line = joinPieces(head.kind, head.line, rest);
      if (line === null) continue;
      this.heads.splice(i, 1);
      this.flush();
      return { head, line };
    }
    for (const h of this.heads) h.waited++;
    const expired = this.heads.filter((h) => h.waited >= MAX_LINES_BETWEEN_PIECES);
    this.heads = this.heads.filter((h) => h.waited < MAX_LINES_BETWEEN_PIECES);
    expired.forEach(this.unmended);
    return null;
  }
}
