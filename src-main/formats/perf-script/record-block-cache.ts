// The frame lines of perf script records seen before, each record's block of them (from the line
// after the record line up to the blank line that ends the record) remembered whole with the
// stack it folded to. Captures repeat stacks: in a real capture of a Go program most records'
// blocks had been seen before (7 in 10 of 10,000 records, more the longer the capture), and such
// a block is then one lookup and one compare of its bytes (memcmp) instead of a walk over its
// ten or twenty lines. The block ends where the record's blank line starts (its first "\n\n",
// found by Buffer's indexOf); the lookup hashes its bytes four at a time (a quarter of the reads
// of a walk over the lines), and the bytes are compared whole.

export interface Block {
  readonly bytes: Buffer;
  /** The stack node the block's frames led to, from the empty stack. */
  readonly node: number;
  /** Its lines. */
  readonly lines: number;
  readonly next: Block | undefined;
}

/** The shortest block remembered (a stack of one or two frames is as quickly read line by line). */
export const MIN_BLOCK_BYTES = 64;
/** At most this many blocks share a hash (a common leaf frame): the others are walked line by line each time. */
const MAX_CHAIN = 16;
/** At most this many bytes of blocks are remembered (memory: a capture whose stacks hardly repeat). */
const MAX_BYTES = 32 << 20;
/**
 * Looking a block up costs about as much as reading a third of it line by line: when fewer than
 * one in RARE_HITS of the last LOOKUPS lookups found their block (stacks that hardly repeat),
 * the next PAUSE blocks are not looked up, then it tries again.
 */
const LOOKUPS = 4096;
const RARE_HITS = 8;
const PAUSE = 65536;

const compare = Buffer.prototype.compare;
const indexOf = Buffer.prototype.indexOf;
const BLANK_LINE = Buffer.from('\n\n');

export class RecordBlockCache {
  private readonly byHash = new Map<number, Block>();
  private bytes = 0;
  /** A DataView of the last array looked in (the same piece of the file for many records). */
  private lastArray: Uint8Array | null = null;
  private lastView: DataView | null = null;
  private lookups = 0;
  private hits = 0;
  private paused = 0;

  /**
   * A hash of the block `b[at, at + length)`, of all its bytes (blocks of a recursive function
   * differ in a digit of an address, anywhere): four at a time, the last four whole.
   */
  private hash(b: Uint8Array, at: number, length: number): number {
    if (b !== this.lastArray) {
      this.lastArray = b;
      this.lastView = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    const v = this.lastView!;
    let h = length;
    const last = at + length - 4;
    for (let i = at; i < last; i += 4) h = (Math.imul(h, 0x01000193) ^ v.getInt32(i, true)) | 0;
    return (Math.imul(h, 0x01000193) ^ v.getInt32(last, true)) | 0;
  }

  /** The block that starts at `b[at]` and ends before the next blank line ("\n"), if it was seen before. */
  find(b: Uint8Array, at: number): Block | undefined {
    if (this.paused > 0) {
      this.paused--;
      return undefined;
    }
    if (++this.lookups === LOOKUPS) {
      if (this.hits * RARE_HITS < LOOKUPS) this.paused = PAUSE;
      this.lookups = 0;
      this.hits = 0;
    }
    const blank = indexOf.call(b, BLANK_LINE, at) as number;
    if (blank < 0) return undefined;
    const end = blank + 1;
    const length = end - at;
    if (length < MIN_BLOCK_BYTES) return undefined;
    for (let e = this.byHash.get(this.hash(b, at, length)); e !== undefined; e = e.next) {
      if (e.bytes.length === length && compare.call(b, e.bytes, 0, length, at, end) === 0) {
        this.hits++;
        return e;
      }
    }
    return undefined;
  }

  /** Remembers the block `b[start, end)` (whole lines, at least MIN_BLOCK_BYTES) and its stack node. */
  add(b: Uint8Array, start: number, end: number, node: number): void {
    if (end - start < MIN_BLOCK_BYTES || this.bytes + (end - start) > MAX_BYTES) return;
    const h = this.hash(b, start, end - start);
    const first = this.byHash.get(h);
    let chain = 0;
    for (let e = first; e !== undefined; e = e.next) if (++chain >= MAX_CHAIN) return;
    // A copy: the caller's buffer is reused for the next piece of the file.
    const bytes = Buffer.from(b.subarray(start, end));
    let lines = 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lines++;
    this.byHash.set(h, { bytes, node, lines, next: first });
    this.bytes += bytes.length;
  }
}
