// Frames a trace into generations: the batches of one generation number, sorted by their first
// payload byte into string, stack, CPU-sample, sync, experimental and per-M event batches.
// Before format 1.26 a generation ends where a batch of the next one starts; from 1.26 on, at
// an EndOfGeneration byte. Only offsets are kept here; tables are read by generation-tables.ts.

import { FormatError } from '../format-error.js';
import { readVarintAt, varintEnd } from '../pprof/varint.js';
import { Ev } from './event-types.js';
import type { TraceBytes, TraceReader } from './trace-bytes.js';

const MAX_BATCH_SIZE = 64 << 10;
/** A batch header's bytes are read this many at a time (it has at most 42: two type bytes and four varints). */
const BATCH_HEADER_READ = 64;

export interface Batch {
  m: number;
  time: number;
  /** Payload offsets in the file. */
  start: number;
  end: number;
}

export interface ClockSnapshot {
  /** Trace clock ticks (absolute). */
  ticks: number;
  wallSec: number;
  wallNsec: number;
}

export interface Generation {
  gen: number;
  /** Smallest batch time (ticks): the generation's start. */
  minTicks: number;
  ticksPerSecond: number;
  clock: ClockSnapshot | null;
  /** Event batches per M, Ms in order of first appearance, batches in file order. */
  eventBatches: Map<number, Batch[]>;
  strings: Batch[];
  stacks: Batch[];
  cpuSamples: Batch[];
  /** File offset of the generation's first batch, and where the next one starts. */
  offset: number;
  next: number;
}

/**
 * Reads the varint at bytes[pos], or throws a FormatError naming what it is and where: `bytes`
 * holds the trace's bytes from offset `base` (a batch read on its own), so pos and limit are
 * relative to it and the message says base + pos.
 */
export function varintAt(bytes: Uint8Array, pos: number, limit: number, what: string, base = 0): number {
  if (pos >= limit) throw new FormatError(`the trace is truncated in ${what} at byte offset ${base + pos}`, base + pos);
  let v: number;
  try {
    v = readVarintAt(bytes, pos);
  } catch {
    throw new FormatError(`corrupt trace: a number in ${what} at byte offset ${base + pos} is longer than 10 bytes`, base + pos);
  }
  if (varintEnd > limit) throw new FormatError(`the trace is truncated in ${what} at byte offset ${base + pos}`, base + pos);
  return v;
}

interface BatchHeader {
  gen: number;
  experimental: boolean;
  batch: Batch;
  /** First payload byte, or -1 for an empty batch. */
  kind: number;
}

/** The batch header at byte offset `at`, from `bytes`: the trace's bytes from `at` on (at least the header's and its payload's first). */
function readBatchHeader(bytes: Uint8Array, at: number, traceLength: number): BatchHeader {
  let pos = 0;
  const type = bytes[pos++];
  if (type !== Ev.EventBatch && type !== Ev.ExperimentalBatch) {
    throw new FormatError(`corrupt trace: expected a batch at byte offset ${at}, found byte 0x${type.toString(16).padStart(2, '0')}`, at);
  }
  const experimental = type === Ev.ExperimentalBatch;
  if (experimental) {
    if (pos >= bytes.length) throw new FormatError(`the trace is truncated in a batch header at byte offset ${at}`, at);
    pos++;
  }
  const what = 'a batch header';
  const gen = varintAt(bytes, pos, bytes.length, what, at);
  const m = varintAt(bytes, varintEnd, bytes.length, what, at);
  const time = varintAt(bytes, varintEnd, bytes.length, what, at);
  const size = varintAt(bytes, varintEnd, bytes.length, what, at);
  const start = at + varintEnd;
  if (size < 0 || size > MAX_BATCH_SIZE) throw new FormatError(`corrupt trace: batch at byte offset ${at} says it holds ${size} bytes, more than the 64 KiB a batch can hold`, at);
  if (start + size > traceLength) {
    throw new FormatError(`the trace is truncated: the batch at byte offset ${at} needs ${size} bytes, the file ends after ${traceLength - start}`, at);
  }
  if (gen <= 0) throw new FormatError(`corrupt trace: invalid generation number ${gen} in the batch at byte offset ${at}`, at);
  return { gen, experimental, batch: { m, time, start, end: start + size }, kind: size > 0 ? bytes[varintEnd] : -1 };
}

/**
 * The generation starting at `pos`, or null at the end of the file. Throws FormatError for
 * broken framing, with the byte offset.
 */
export function readGeneration(src: TraceBytes, pos: number, minor: number): Generation | null {
  if (pos >= src.length) return null;
  const g: Generation = {
    gen: 0,
    minTicks: 0,
    ticksPerSecond: 0,
    clock: null,
    eventBatches: new Map(),
    strings: [],
    stacks: [],
    cpuSamples: [],
    offset: pos,
    next: pos,
  };
  let ended = false;
  const read = src.reader();
  while (pos < src.length) {
    // The next header's bytes on their own (positions in them are from pos).
    const head = read(pos, Math.min(src.length, pos + BATCH_HEADER_READ));
    if (minor >= 26 && head[0] === Ev.EndOfGeneration) {
      if (g.gen === 0) throw new FormatError(`corrupt trace: an end-of-generation marker with no generation before it at byte offset ${pos}`, pos);
      pos++;
      ended = true;
      break;
    }
    const h = readBatchHeader(head, pos, src.length);
    if (g.gen === 0) g.gen = h.gen;
    else if (h.gen !== g.gen) {
      if (minor < 26 && h.gen === g.gen + 1) break; // the next generation starts here
      throw new FormatError(
        minor >= 26
          ? `corrupt trace: generation ${g.gen} has no end-of-generation marker before the batch of generation ${h.gen} at byte offset ${pos}`
          : `corrupt trace: generations out of order (generation ${h.gen} after ${g.gen}) at byte offset ${pos}`,
        pos,
      );
    }
    if (g.minTicks === 0 || h.batch.time < g.minTicks) g.minTicks = h.batch.time;
    sortBatch(g, h, read, minor, pos);
    pos = h.batch.end;
  }
  if (minor >= 26 && !ended) {
    throw new FormatError(`the trace is truncated: generation ${g.gen} (from byte offset ${g.offset}) has no end-of-generation marker`, pos);
  }
  if (g.ticksPerSecond <= 0) throw new FormatError(`corrupt trace: generation ${g.gen} (from byte offset ${g.offset}) has no clock frequency`, g.offset);
  if (minor >= 25 && !g.clock) throw new FormatError(`corrupt trace: generation ${g.gen} (from byte offset ${g.offset}) has no clock snapshot`, g.offset);
  g.next = pos;
  return g;
}

function sortBatch(g: Generation, h: BatchHeader, read: TraceReader, minor: number, at: number): void {
  if (h.experimental) return; // experiment-defined payload: skipped
  const b = h.batch;
  switch (h.kind) {
    case Ev.Strings:
      g.strings.push(b);
      return;
    case Ev.Stacks:
      g.stacks.push(b);
      return;
    case Ev.CPUSamples:
      g.cpuSamples.push(b);
      return;
    case Ev.Frequency:
      if (minor < 25) return readSyncBatch(g, b, read, minor, at);
      break;
    case Ev.Sync:
      if (minor >= 25) return readSyncBatch(g, b, read, minor, at);
      break;
    case -1:
      return;
  }
  let list = g.eventBatches.get(b.m);
  if (!list) g.eventBatches.set(b.m, (list = []));
  list.push(b);
}

function readSyncBatch(g: Generation, b: Batch, read: TraceReader, minor: number, at: number): void {
  // The payload on its own: positions in it are from b.start.
  const bytes = read(b.start, b.end);
  const [base, end] = [b.start, b.end - b.start];
  let pos = minor >= 25 ? 1 : 0;
  const what = `the sync batch at byte offset ${at}`;
  while (pos < end) {
    const type = bytes[pos];
    if (type === Ev.Frequency) {
      if (g.ticksPerSecond > 0) throw new FormatError(`corrupt trace: a second clock frequency in ${what}`, base + pos);
      g.ticksPerSecond = varintAt(bytes, pos + 1, end, what, base);
      if (g.ticksPerSecond <= 0) throw new FormatError(`corrupt trace: clock frequency ${g.ticksPerSecond} in ${what}`, base + pos);
    } else if (type === Ev.ClockSnapshot && minor >= 25) {
      if (g.clock) throw new FormatError(`corrupt trace: a second clock snapshot in ${what}`, base + pos);
      const dt = varintAt(bytes, pos + 1, end, what, base);
      varintAt(bytes, varintEnd, end, what, base); // monotonic ns
      const wallSec = varintAt(bytes, varintEnd, end, what, base);
      const wallNsec = varintAt(bytes, varintEnd, end, what, base);
      g.clock = { ticks: b.time + dt, wallSec, wallNsec };
    } else {
      throw new FormatError(`corrupt trace: unexpected event type ${type} in ${what} (byte offset ${base + pos})`, base + pos);
    }
    pos = varintEnd;
  }
}
