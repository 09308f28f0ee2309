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
 * Calls `visit` for each line. Returns whether the input ended with a line break (false for
 * an input cut mid-line, or whose last line has no "\n").
 */
export function forEachLine(bytes: Uint8Array, visit: LineVisitor): { endsWithNewline: boolean; lines: number } {
  const { encoding, bomLength } = textEncodingOf(bytes);
  const decoder = new TextDecoder(encoding);
  let carry = '';
  let lineNo = 0;
  for (let off = bomLength; off < bytes.length; off += CHUNK_BYTES) {
    const end = Math.min(bytes.length, off + CHUNK_BYTES);
    const text = carry + decoder.decode(bytes.subarray(off, end), { stream: end < bytes.length });
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const stop = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (visit(text.slice(start, stop), ++lineNo) === false) return { endsWithNewline: true, lines: lineNo };
      start = nl + 1;
    }
    carry = text.slice(start);
    if (carry.length > MAX_LINE_CHARS) {
      if (visit(carry, ++lineNo) === false) return { endsWithNewline: false, lines: lineNo };
      carry = '';
    }
  }
  if (carry.length > 0) {
    const last = carry.charCodeAt(carry.length - 1) === 13 ? carry.slice(0, -1) : carry;
    visit(last, ++lineNo);
    return { endsWithNewline: false, lines: lineNo };
  }
  return { endsWithNewline: true, lines: lineNo };
}
