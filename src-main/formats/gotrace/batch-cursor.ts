// Walks one M's event batches of a generation, one timed event at a time: type, absolute time
// (ns relative to the trace start) and up to four arguments, read straight from the file.

import { FormatError } from '../format-error.js';
import { readVarintAt, varintEnd } from '../pprof/varint.js';
import { Ev, TIMED_ARGS } from './event-types.js';
import type { Batch } from './generation.js';
import type { TraceBytes, TraceReader } from './trace-bytes.js';

const NO_BYTES = new Uint8Array(0);

export class BatchCursor {
  /** The current event. */
  type = 0;
  time = 0;
  /** Arguments after the time delta (up to four; the rest stay from earlier events). */
  readonly args = new Float64Array(4);
  /** Byte offset of the current event. */
  at = 0;
  /** The ordering's state of this M, once it has one (kept here to spare a lookup per event). */
  state: { g: number; p: number } | null = null;
  private bi = 0;
  /** The current batch's bytes (read on their own when the cursor reaches it), its file offset, and the position in it. */
  private bytes: Uint8Array = NO_BYTES;
  private base = 0;
  private pos = 0;
  private readonly read: TraceReader;

  constructor(
    readonly m: number,
    private readonly batches: Batch[],
    src: TraceBytes,
    /** Trace clock: ns per tick, and the trace start in ns. */
    private readonly nsPerTick: number,
    private readonly baseNs: number,
    private readonly maxType: number,
    private readonly experimental: boolean,
  ) {
    this.read = src.reader();
  }

  /** Reads the next event; false when this M has no more in the generation. */
  next(): boolean {
    while (this.pos === this.bytes.length) {
      if (this.bi === this.batches.length) {
        this.bytes = NO_BYTES; // the last batch is done with
        return false;
      }
      const b = this.batches[this.bi++];
      this.bytes = this.read(b.start, b.end);
      this.base = b.start;
      this.pos = 0;
      this.time = Math.trunc(b.time * this.nsPerTick) - this.baseNs;
    }
    const bytes = this.bytes;
    const local = this.pos;
    const at = this.base + local;
    const type = bytes[local];
    const nargs = TIMED_ARGS[type];
    const valid = type >= Ev.FirstExperimental ? this.experimental && type <= Ev.LastExperimental : type <= this.maxType;
    if (nargs < 0 || !valid) throw new FormatError(`corrupt trace: unknown event type ${type} at byte offset ${at}`, at);
    let pos = local + 1;
    const end = bytes.length;
    const dt = readVarintAt(bytes, pos);
    pos = varintEnd;
    const args = this.args;
    for (let k = 0; k < nargs; k++) {
      args[k] = readVarintAt(bytes, pos);
      pos = varintEnd;
    }
    if (pos > end || dt < 0) throw new FormatError(`corrupt trace: the event at byte offset ${at} runs past the end of its batch`, at);
    this.pos = pos;
    this.at = at;
    this.type = type;
    this.time += Math.trunc(dt * this.nsPerTick);
    return true;
  }
}
