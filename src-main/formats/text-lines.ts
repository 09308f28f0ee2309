// Lines of a text file given as bytes, decoded in chunks so that a file of hundreds of MB
// never becomes one huge string. UTF-8 (with or without BOM) and UTF-16 with a BOM;
// a line's trailing "\r" (CRLF files) is removed.

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

const CHUNK_BYTES = 8 << 20;
/** A "line" longer than this (a binary file, a file without line breaks) is passed on in pieces. */
const MAX_LINE_CHARS = 16 << 20;

/** The encoding a byte-order mark names, and the mark's length. */
export function textEncodingOf(bytes: Uint8Array): { encoding: TextEncodingName; bomLength: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return { encoding: 'utf-8', bomLength: 0 };
}

/**
 * Text rather than binary: a UTF-16 byte-order mark, or hardly any stray control bytes in the
 * first 4 KiB (UTF-8 is fine). ANSI escape sequences (colours in a program's output mixed into a
 * log) are text, and a few NULs or other control bytes (a perf script with a NUL in a command
 * name) are tolerated: binary data such as protobuf has far more. The readers then say which
 * line they could not read.
 */
export function looksLikeText(head: Uint8Array): boolean {
  if (textEncodingOf(head).encoding !== 'utf-8') return true;
  const n = Math.min(head.length, 4096);
  let stray = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i];
    if (b >= 32 && b !== 127) continue;
    if (b === 9 || b === 10 || b === 13 || b === 12 || b === 11) continue;
    // ESC [ (CSI: colours, cursor) and ESC ] (OSC: window titles) start escape sequences.
    if (b === 27 && (head[i + 1] === 0x5b || head[i + 1] === 0x5d)) continue;
    stray++;
  }
  // At most 2 % of the bytes; a short file may have two.
  return stray * 50 <= Math.max(n, 100);
}

/** Decodes a (possibly cut) head of a text file, for content sniffing. */
export function decodeTextHead(head: Uint8Array): string {
  const { encoding, bomLength } = textEncodingOf(head);
  return new TextDecoder(encoding).decode(head.subarray(bomLength));
}

/** The first `max` lines of a decoded file head, without the last one (it may be cut), and without "\r". */
export function headLines(text: string, max: number): string[] {
  const lines = text.split('\n', max + 1);
  if (lines.length > 1) lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/**
 * A copy of a piece of a line, for keeping: V8 substrings point into the string they were cut
 * from, so a kept slice would keep its whole decoding chunk (megabytes) in memory.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

export interface LineVisitor {
  /** Called once per line; `lineNo` counts from 1. Returning false stops the walk. */
  (line: string, lineNo: number): boolean | void;
}

/**
 * Sees each line of UTF-8 text as bytes before it is decoded: `bytes[start, end)`, without its
 * "\r\n" or "\n"; the next line starts at `next`. A reader whose lines mostly repeat (perf
 * script's frame lines, whole records) answers those from the bytes. take() returns -1 to leave
 * the line to be decoded and visited, else where the walk goes on: `next` when it took the line
 * alone, or further when it took whole lines after it as well (in the same `bytes`, up to a
 * line's start); then `lines` says how many lines it took in all.
 */
export interface LineBytesFilter {
  take(bytes: Uint8Array, start: number, end: number, next: number): number;
  readonly lines: number;
}

/**
 * Lines of text that arrives in pieces (a file read in chunks): bytes cut anywhere (mid-line,
 * inside a UTF-8 or UTF-16 character, between the "\r" and "\n" of CRLF) give the lines the
 * whole text gives. The encoding is taken from the first bytes' byte-order mark. Only the
 * current piece and the unfinished line are held.
 */
export class LineSplitter {
  private decoder: TextDecoder | null = null;
  private utf8 = false;
  /** UTF-8: the bytes of a character the last piece cut, put before the next piece. */
  private partial: Uint8Array | null = null;
  /** The first bytes, held until there are enough to see a byte-order mark. */
  private head: Uint8Array | null = null;
  private carry = '';
  /** UTF-8 with a filter: the bytes of the unfinished line. */
  private carryBytes: Uint8Array | null = null;
  private lineNo = 0;
  private stopped = false;

  constructor(
    private readonly visit: LineVisitor,
    /** UTF-8 text only (UTF-16 lines are visited as they are). */
    private readonly filter?: LineBytesFilter,
  ) {}

  /** Whether the visitor asked to stop. */
  get done(): boolean {
    return this.stopped;
  }

  /** Lines passed on so far. */
  get lines(): number {
    return this.lineNo;
  }

  /** The next piece of the text; its bytes are decoded before this returns (the buffer may be reused). */
  push(bytes: Uint8Array): void {
    // A big piece is decoded a few MB at a time: never one string of hundreds of MB.
    for (let off = 0; off < bytes.length && !this.stopped; off += CHUNK_BYTES) this.pushPiece(bytes.subarray(off, off + CHUNK_BYTES));
  }

  private pushPiece(bytes: Uint8Array): void {
    if (this.stopped || bytes.length === 0) return;
    if (this.decoder === null) {
      const head = this.head ? concatBytes(this.head, bytes) : bytes;
      if (head.length < 3) {
        // A copy: Buffer.slice is a view, and the caller reuses its buffer.
        this.head = Uint8Array.prototype.slice.call(head);
        return;
      }
      this.head = null;
      const { encoding, bomLength } = textEncodingOf(head);
      this.decoder = new TextDecoder(encoding);
      this.utf8 = encoding === 'utf-8';
      bytes = head.subarray(bomLength);
    }
    if (this.utf8 && this.filter) this.takeBytes(bytes);
    else this.take(this.decodePiece(bytes));
  }

  /**
   * UTF-8 with a filter: lines are split as bytes ("\n" is never inside a UTF-8 character, so a
   * line decoded alone is what the whole text decodes to there); the filter sees each first,
   * and only the lines it does not take are decoded.
   */
  private takeBytes(bytes: Uint8Array): void {
    let start = 0;
    if (this.carryBytes) {
      const nl = bytes.indexOf(10);
      if (nl < 0) {
        this.carryBytes = concatBytes(this.carryBytes, bytes);
        if (this.carryBytes.length > MAX_LINE_CHARS) {
          const piece = this.carryBytes;
          this.carryBytes = null;
          if (this.byteLine(piece, 0, piece.length, piece.length, false) < 0) this.stopped = true;
        }
        return;
      }
      const line = concatBytes(this.carryBytes, bytes.subarray(0, nl));
      this.carryBytes = null;
      if (this.byteLine(line, 0, line.length, line.length, true) < 0) return;
      start = nl + 1;
    }
    const n = bytes.length;
    while (start < n) {
      const nl = bytes.indexOf(10, start);
      if (nl < 0) break;
      start = this.byteLine(bytes, start, nl, nl + 1, true);
      if (start < 0) return;
    }
    if (start < n) {
      // A copy (Buffer's slice is a view, and the caller reuses its buffer).
      this.carryBytes = Uint8Array.prototype.slice.call(bytes, start);
      if (this.carryBytes.length > MAX_LINE_CHARS) {
        const piece = this.carryBytes;
        this.carryBytes = null;
        if (this.byteLine(piece, 0, piece.length, piece.length, false) < 0) this.stopped = true;
      }
    }
  }

  /**
   * One line of bytes (its "\r" before "\n" left out when `whole`), the next starting at `next`;
   * where the walk goes on (past lines the filter took with it), or -1 when the visitor stopped.
   */
  private byteLine(bytes: Uint8Array, start: number, end: number, next: number, whole: boolean): number {
    if (whole && end > start && bytes[end - 1] === 13) end--;
    this.lineNo++;
    const filter = this.filter!;
    const to = filter.take(bytes, start, end, next);
    if (to >= 0) {
      if (to !== next) this.lineNo += filter.lines - 1;
      return to;
    }
    const line = end > start ? this.decoder!.decode(bytes.subarray(start, end)) : '';
    if (this.visit(line, this.lineNo) === false) {
      this.stopped = true;
      this.carryBytes = null;
      return -1;
    }
    return next;
  }

  /**
   * UTF-8 is decoded piece by piece up to the last whole character (the rest waits for the next
   * piece): a whole-buffer decode is several times faster than the decoder's streaming mode.
   */
  private decodePiece(bytes: Uint8Array): string {
    if (!this.utf8) return this.decoder!.decode(bytes, { stream: true });
    if (this.partial) {
      bytes = concatBytes(this.partial, bytes);
      this.partial = null;
    }
    const whole = utf8WholeLength(bytes);
    if (whole < bytes.length) this.partial = Uint8Array.prototype.slice.call(bytes, whole);
    return this.decoder!.decode(bytes.subarray(0, whole));
  }

  /** The end of the text; returns whether it ended with a line break. */
  end(): { endsWithNewline: boolean; lines: number } {
    if (!this.stopped) {
      if (this.decoder === null && this.head) {
        const { encoding, bomLength } = textEncodingOf(this.head);
        this.decoder = new TextDecoder(encoding);
        this.utf8 = encoding === 'utf-8';
        if (this.utf8 && this.filter) this.takeBytes(this.head.subarray(bomLength));
        else this.take(this.decodePiece(this.head.subarray(bomLength)));
      }
      if (this.carryBytes && !this.stopped) {
        // The last line, with no line break after it: a "\r" at its end stays, as in text mode.
        const last = this.carryBytes;
        this.carryBytes = null;
        this.byteLine(last, 0, last.length, last.length, true);
        return { endsWithNewline: false, lines: this.lineNo };
      }
      // A cut character at the very end decodes as U+FFFD, as a whole-file decode has it.
      if (this.partial) this.take(this.decoder!.decode(this.partial));
      this.partial = null;
      if (this.decoder && !this.utf8) this.take(this.decoder.decode());
    }
    if (this.stopped) return { endsWithNewline: true, lines: this.lineNo };
    const carry = this.carry;
    this.carry = '';
    if (carry.length > 0) {
      this.visit(carry.charCodeAt(carry.length - 1) === 13 ? carry.slice(0, -1) : carry, ++this.lineNo);
      return { endsWithNewline: false, lines: this.lineNo };
    }
    return { endsWithNewline: true, lines: this.lineNo };
  }

  private take(decoded: string): void {
    if (this.stopped || decoded.length === 0) return;
    const text = this.carry.length > 0 ? this.carry + decoded : decoded;
    const visit = this.visit;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const stop = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (visit(text.slice(start, stop), ++this.lineNo) === false) {
        this.stopped = true;
        this.carry = '';
        return;
      }
      start = nl + 1;
    }
    this.carry = text.slice(start);
    if (this.carry.length > MAX_LINE_CHARS) {
      const piece = this.carry;
      this.carry = '';
      if (visit(piece, ++this.lineNo) === false) this.stopped = true;
    }
  }
}

/** The length of the longest prefix of `b` that does not end inside a UTF-8 character. */
function utf8WholeLength(b: Uint8Array): number {
  const n = b.length;
  // A character is at most 4 bytes: look at the last 3 for the lead byte of one not finished.
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const c = b[i];
    if (c < 0x80) return n;
    if (c >= 0xc0) {
      const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return i + len > n ? i : n;
    }
  }
  return n;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Calls `visit` for each line. Returns whether the input ended with a line break (false for
 * an input cut mid-line, or whose last line has no "\n").
 */
export function forEachLine(bytes: Uint8Array, visit: LineVisitor): { endsWithNewline: boolean; lines: number } {
  const lines = new LineSplitter(visit);
  lines.push(bytes);
  return lines.end();
}
