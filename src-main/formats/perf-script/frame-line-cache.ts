// Frame lines of a perf script seen before, and the location each became. A capture repeats a
// bounded set of frame lines (pc, symbol, module) millions of times, so most lines are one
// lookup here instead of a parse. A Map keyed by the whole line would hash every character of
// every line (a third of the fold's time on a long capture); this hashes only the line's head
// (its blanks and address), its length and its last characters, and tells lines apart by
// comparing them whole.

interface Entry {
  line: string;
  loc: number;
  next: Entry | undefined;
}

/** At most this many lines share one hash: past it, a line is not remembered (it is parsed each time). */
const MAX_CHAIN = 8;
const TAIL_CHARS = 8;

/** A hash of what usually tells two frame lines apart: the address after the blanks, the length, the end (module). */
function frameLineHash(line: string): number {
  const n = line.length;
  let i = 0;
  while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  let h = n | 0;
  for (; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c === 32) break;
    h = (Math.imul(h, 31) + c) | 0;
  }
  for (let j = n > TAIL_CHARS ? n - TAIL_CHARS : 0; j < n; j++) h = (Math.imul(h, 31) + line.charCodeAt(j)) | 0;
  return h;
}

export class FrameLineCache {
  private readonly byHash = new Map<number, Entry>();
  /** Lines remembered. */
  size = 0;

  /** The location remembered for this line (-1: a skipped frame), undefined when not seen. */
  get(line: string): number | undefined {
    for (let e = this.byHash.get(frameLineHash(line)); e !== undefined; e = e.next) if (e.line === line) return e.loc;
    return undefined;
  }

  /** Remembers a line (kept: pass a copy that does not hold its decoding chunk). */
  set(line: string, loc: number): void {
    const h = frameLineHash(line);
    const first = this.byHash.get(h);
    let chain = 0;
    for (let e = first; e !== undefined; e = e.next) if (++chain >= MAX_CHAIN) return;
    this.byHash.set(h, { line, loc, next: first });
    this.size++;
  }
}
