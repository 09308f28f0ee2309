// Walks one M's event batches of a generation, one timed event at a time: type, absolute time
// (ns relative to the trace start) and up to four arguments, read straight from the file.

import { FormatError } from '../format-error.js';
import { readVarintAt, varintEnd } from '../pprof/varint.js';
import { Ev, TIMED_ARGS } from './event-types.js';
import type { Batch } from './generation.js';

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
  private pos = -1;

  constructor(
    readonly m: number,
    private readonly batches: Batch[],
    private readonly bytes: Uint8Array,
    /** Trace clock: ns per tick, and the trace start in ns. */
    private readonly nsPerTick: number,
    private readonly baseNs: number,
    private readonly maxType: number,
    private readonly experimental: boolean,
  ) {}

  /** Reads the next event; false when this M has no more in the generation. */
  next(): boolean {
    const batches = this.batches;
    while (this.bi < batches.length && this.pos === batches[this.bi].end) {
      this.bi++;
      this.pos = -1;
    }
    if (this.bi === batches.length) return false;
    const b = batches[this.bi];
    if (this.pos < 0) {
      this.pos = b.start;
      this.time = Math.trunc(b.time * this.nsPerTick) - this.baseNs;
    }
    const bytes = this.bytes;
    const at = this.pos;
    const type = bytes[at];
    const nargs = TIMED_ARGS[type];
    const valid = type >= Ev.FirstExperimental ? this.experimental && type <= Ev.LastExperimental : type <= this.maxType;
    if (nargs < 0 || !valid) throw new FormatError(`corrupt trace: unknown event type ${type} at byte offset ${at}`, at);
    let pos = at + 1;
    const end = b.end;
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
