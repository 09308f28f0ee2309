// Frame lines of a perf script seen before, and the location each became. A capture repeats a
// bounded set of frame lines (pc, symbol, module) millions of times, so most lines are one
// lookup here instead of a parse, made on the line's bytes before it is decoded (text-lines.ts
// LineBytesFilter): such a line never becomes a string. The lookup hashes only the line's head
// (its blanks and address), its length and its last bytes (a Map keyed by the whole line would
// hash every character of every line), and tells lines apart by comparing their bytes whole,
// four at a time through DataViews (a byte loop, or a call of Buffer.compare per line, costs as
// much as the rest of the fold).

interface Entry {
  bytes: Uint8Array;
  view: DataView;
  loc: number;
  next: Entry | undefined;
}

/** At most this many lines share one hash: past it, a line is not remembered (it is parsed each time). */
const MAX_CHAIN = 8;
const TAIL_BYTES = 8;

/** A hash of what usually tells two frame lines apart: the address after the blanks, the length, the end (module). */
function frameLineHash(b: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && (b[i] === 32 || b[i] === 9)) i++;
  let h = (end - start) | 0;
  for (; i < end; i++) {
    const c = b[i];
    if (c === 32) break;
    h = (Math.imul(h, 31) + c) | 0;
  }
  for (let j = end - start > TAIL_BYTES ? end - TAIL_BYTES : start; j < end; j++) h = (Math.imul(h, 31) + b[j]) | 0;
  return h;
}

const encoder = new TextEncoder();

export class FrameLineCache {
  private readonly byHash = new Map<number, Entry>();
  /** A DataView of the last array looked in (the same piece of the file for many lines). */
  private lastArray: Uint8Array | null = null;
  private lastView: DataView | null = null;
  /** Lines remembered. */
  size = 0;

  /** The location remembered for the line `b[start, end)` (-1: a skipped frame), undefined when not seen. */
  get(b: Uint8Array, start: number, end: number): number | undefined {
    const n = end - start;
    let e = this.byHash.get(frameLineHash(b, start, end));
    if (e === undefined) return undefined;
    if (b !== this.lastArray) {
      this.lastArray = b;
      this.lastView = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    const bv = this.lastView!;
    next: for (; e !== undefined; e = e.next) {
      if (e.bytes.length !== n) continue;
      const kv = e.view;
      let i = 0;
      for (; i + 4 <= n; i += 4) if (kv.getInt32(i) !== bv.getInt32(start + i)) continue next;
      for (const k = e.bytes; i < n; i++) if (k[i] !== b[start + i]) continue next;
      return e.loc;
    }
    return undefined;
  }

  /** Remembers a decoded line by its UTF-8 bytes (those of the file, unless they were not valid UTF-8: then it is not found again, only parsed again). */
  set(line: string, loc: number): void {
    const bytes = encoder.encode(line);
    const h = frameLineHash(bytes, 0, bytes.length);
    const first = this.byHash.get(h);
    let chain = 0;
    for (let e = first; e !== undefined; e = e.next) if (++chain >= MAX_CHAIN) return;
    this.byHash.set(h, { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), loc, next: first });
    this.size++;
  }
}
