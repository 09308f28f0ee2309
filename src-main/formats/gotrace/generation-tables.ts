// A generation's string and stack tables, interned into the whole trace's tables: the same
// string or stack gets one index however many generations repeat it (ids differ by generation).

import { FormatError } from '../format-error.js';
import { Growable } from '../growable.js';
import { StringTable } from '../../model/string-table.js';
import { varintEnd } from '../pprof/varint.js';
import { Ev } from './event-types.js';
import { varintAt, type Batch } from './generation.js';
import type { TraceBytes } from './trace-bytes.js';

const MAX_STRING_BYTES = 1 << 10;
const MAX_FRAMES = 128;
/** Ids are small dense counters; anything beyond this is a corrupt file. */
const MAX_TABLE_ID = 1 << 24;

const utf8 = new TextDecoder('utf-8');

/** Generation id → trace-wide index (-1 where the generation has no such id). */
export type IdMap = Int32Array;

export class TraceTables {
  private readonly stringTable = new StringTable();
  readonly strings: string[] = this.stringTable.list;
  readonly stackStart = new Growable(Uint32Array, 256);
  readonly frameFunc = new Growable(Int32Array, 1024);
  readonly frameFile = new Growable(Int32Array, 1024);
  readonly frameLine = new Growable(Int32Array, 1024);
  readonly framePc = new Growable(Float64Array, 1024);
  private readonly stackIndex = new Map<string, number>([['', 0]]);

  constructor() {
    this.stackStart.push(0);
    this.stackStart.push(0); // stack 0: no frames
  }

  intern(s: string): number {
    return this.stringTable.id(s);
  }

  /** Reads a generation's string batches. */
  readStrings(src: TraceBytes, batches: Batch[]): IdMap {
    const entries: number[] = [];
    const read = src.reader();
    for (const b of batches) {
      // The batch on its own: positions in it are from b.start (`base`), as the messages say them.
      const bytes = read(b.start, b.end);
      const [base, end] = [b.start, b.end - b.start];
      let pos = 1;
      const what = `the string table batch at byte offset ${b.start}`;
      while (pos < end) {
        const at = base + pos;
        if (bytes[pos] !== Ev.String) throw new FormatError(`corrupt trace: expected a string at byte offset ${at} in ${what}`, at);
        const id = varintAt(bytes, pos + 1, end, what, base);
        const len = varintAt(bytes, varintEnd, end, what, base);
        const start = varintEnd;
        if (len < 0 || len > MAX_STRING_BYTES) throw new FormatError(`corrupt trace: string of ${len} bytes at byte offset ${at}, more than the 1 KiB a trace string can hold`, at);
        if (start + len > end) throw new FormatError(`corrupt trace: string at byte offset ${at} runs past the end of its batch`, at);
        checkId(id, 'string', at);
        entries.push(id, this.intern(utf8.decode(bytes.subarray(start, start + len))));
        pos = start + len;
      }
    }
    return idMap(entries, 'string');
  }

  /** Reads a generation's stack batches; func/file names resolve through that generation's strings. */
  readStacks(src: TraceBytes, batches: Batch[], strings: IdMap): IdMap {
    const entries: number[] = [];
    const key: number[] = [];
    const read = src.reader();
    for (const b of batches) {
      // As readStrings: positions are from b.start.
      const bytes = read(b.start, b.end);
      const [base, end] = [b.start, b.end - b.start];
      let pos = 1;
      const what = `the stack table batch at byte offset ${b.start}`;
      while (pos < end) {
        const at = base + pos;
        if (bytes[pos] !== Ev.Stack) throw new FormatError(`corrupt trace: expected a stack at byte offset ${at} in ${what}`, at);
        const id = varintAt(bytes, pos + 1, end, what, base);
        const n = varintAt(bytes, varintEnd, end, what, base);
        if (n < 0 || n > MAX_FRAMES) throw new FormatError(`corrupt trace: stack ${id} at byte offset ${at} has ${n} frames, more than 128`, at);
        checkId(id, 'stack', at);
        key.length = 0;
        pos = varintEnd;
        for (let f = 0; f < n; f++) {
          const pc = varintAt(bytes, pos, end, what, base);
          const fn = lookup(strings, varintAt(bytes, varintEnd, end, what, base), 'function name string', at);
          const file = lookup(strings, varintAt(bytes, varintEnd, end, what, base), 'file name string', at);
          const line = varintAt(bytes, varintEnd, end, what, base);
          pos = varintEnd;
          key.push(pc, fn, file, line);
        }
        entries.push(id, this.internStack(key));
      }
    }
    return idMap(entries, 'stack');
  }

  private internStack(frames: number[]): number {
    const k = frames.join(',');
    let i = this.stackIndex.get(k);
    if (i === undefined) {
      i = this.stackStart.length - 1;
      for (let f = 0; f < frames.length; f += 4) {
        this.framePc.push(frames[f]);
        this.frameFunc.push(frames[f + 1]);
        this.frameFile.push(frames[f + 2]);
        this.frameLine.push(frames[f + 3]);
      }
      this.stackStart.push(this.frameFunc.length);
      this.stackIndex.set(k, i);
    }
    return i;
  }
}

function checkId(id: number, what: string, at: number): void {
  if (id <= 0 || id > MAX_TABLE_ID) throw new FormatError(`corrupt trace: ${what} id ${id} at byte offset ${at} is out of range`, at);
}

function idMap(entries: number[], what: string): IdMap {
  let max = 0;
  for (let i = 0; i < entries.length; i += 2) max = Math.max(max, entries[i]);
  const map = new Int32Array(max + 1).fill(-1);
  map[0] = 0; // id 0: none / the empty string
  for (let i = 0; i < entries.length; i += 2) {
    if (map[entries[i]] !== -1) throw new FormatError(`corrupt trace: ${what} id ${entries[i]} is defined twice in one generation`);
    map[entries[i]] = entries[i + 1];
  }
  return map;
}

/** A generation id resolved to its trace-wide index, or a FormatError. */
export function lookup(map: IdMap, id: number, what: string, at: number): number {
  const v = id >= 0 && id < map.length ? map[id] : -1;
  if (v < 0) throw new FormatError(`corrupt trace: unknown ${what} id ${id} (event at byte offset ${at})`, at);
  return v;
}
