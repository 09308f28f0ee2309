// Frames a trace into generations: the batches of one generation number, sorted by their first
// payload byte into string, stack, CPU-sample, sync, experimental and per-M event batches.
// Before format 1.26 a generation ends where a batch of the next one starts; from 1.26 on, at
// an EndOfGeneration byte. Only offsets are kept here; tables are read by generation-tables.ts.

import { FormatError } from '../format-error.js';
import { readVarintAt, varintEnd } from '../pprof/varint.js';
import { Ev } from './event-types.js';

const MAX_BATCH_SIZE = 64 << 10;

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

/** Reads the varint at pos, or throws a FormatError naming what it is and where. */
export function varintAt(bytes: Uint8Array, pos: number, limit: number, what: string): number {
  if (pos >= limit) throw new FormatError(`the trace is truncated in ${what} at byte offset ${pos}`, pos);
  let v: number;
  try {
    v = readVarintAt(bytes, pos);
  } catch {
    throw new FormatError(`corrupt trace: a number in ${what} at byte offset ${pos} is longer than 10 bytes`, pos);
  }
  if (varintEnd > limit) throw new FormatError(`the trace is truncated in ${what} at byte offset ${pos}`, pos);
  return v;
}

interface BatchHeader {
  gen: number;
  experimental: boolean;
  batch: Batch;
  /** First payload byte, or -1 for an empty batch. */
  kind: number;
}

function readBatchHeader(bytes: Uint8Array, pos: number): BatchHeader {
  const at = pos;
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
  const gen = varintAt(bytes, pos, bytes.length, what);
  const m = varintAt(bytes, varintEnd, bytes.length, what);
  const time = varintAt(bytes, varintEnd, bytes.length, what);
  const size = varintAt(bytes, varintEnd, bytes.length, what);
  const start = varintEnd;
  if (size < 0 || size > MAX_BATCH_SIZE) throw new FormatError(`corrupt trace: batch at byte offset ${at} says it holds ${size} bytes, more than the 64 KiB a batch can hold`, at);
  if (start + size > bytes.length) {
    throw new FormatError(`the trace is truncated: the batch at byte offset ${at} needs ${size} bytes, the file ends after ${bytes.length - start}`, at);
  }
  if (gen <= 0) throw new FormatError(`corrupt trace: invalid generation number ${gen} in the batch at byte offset ${at}`, at);
  return { gen, experimental, batch: { m, time, start, end: start + size }, kind: size > 0 ? bytes[start] : -1 };
}

/**
 * The generation starting at `pos`, or null at the end of the file. Throws FormatError for
 * broken framing, with the byte offset.
 */
export function readGeneration(bytes: Uint8Array, pos: number, minor: number): Generation | null {
  if (pos >= bytes.length) return null;
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
  while (pos < bytes.length) {
    if (minor >= 26 && bytes[pos] === Ev.EndOfGeneration) {
      if (g.gen === 0) throw new FormatError(`corrupt trace: an end-of-generation marker with no generation before it at byte offset ${pos}`, pos);
      pos++;
      ended = true;
      break;
    }
    const h = readBatchHeader(bytes, pos);
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
    sortBatch(g, h, bytes, minor, pos);
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

function sortBatch(g: Generation, h: BatchHeader, bytes: Uint8Array, minor: number, at: number): void {
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
      if (minor < 25) return readSyncBatch(g, b, bytes, minor, at);
      break;
    case Ev.Sync:
      if (minor >= 25) return readSyncBatch(g, b, bytes, minor, at);
      break;
    case -1:
      return;
  }
  let list = g.eventBatches.get(b.m);
  if (!list) g.eventBatches.set(b.m, (list = []));
  list.push(b);
}

function readSyncBatch(g: Generation, b: Batch, bytes: Uint8Array, minor: number, at: number): void {
  let pos = b.start + (minor >= 25 ? 1 : 0);
  const what = `the sync batch at byte offset ${at}`;
  while (pos < b.end) {
    const type = bytes[pos];
    if (type === Ev.Frequency) {
      if (g.ticksPerSecond > 0) throw new FormatError(`corrupt trace: a second clock frequency in ${what}`, pos);
      g.ticksPerSecond = varintAt(bytes, pos + 1, b.end, what);
      if (g.ticksPerSecond <= 0) throw new FormatError(`corrupt trace: clock frequency ${g.ticksPerSecond} in ${what}`, pos);
    } else if (type === Ev.ClockSnapshot && minor >= 25) {
      if (g.clock) throw new FormatError(`corrupt trace: a second clock snapshot in ${what}`, pos);
      const dt = varintAt(bytes, pos + 1, b.end, what);
      varintAt(bytes, varintEnd, b.end, what); // monotonic ns
      const wallSec = varintAt(bytes, varintEnd, b.end, what);
      const wallNsec = varintAt(bytes, varintEnd, b.end, what);
      g.clock = { ticks: b.time + dt, wallSec, wallNsec };
    } else {
      throw new FormatError(`corrupt trace: unexpected event type ${type} in ${what} (byte offset ${pos})`, pos);
    }
    pos = varintEnd;
  }
}
