// Go execution trace (format 1.22–1.26) bytes → the columnar GoTrace model, generation by
// generation. A damaged generation after at least one good one is dropped with a warning, as
// go tool trace keeps what it could read; damage before that is an error with the byte offset.
// The bytes are read a batch at a time (trace-bytes.ts): from memory, or from a file never held whole.

import { FormatError } from '../format-error.js';
import { varintEnd } from '../pprof/varint.js';
import type { GoTrace, TraceDetail } from '../../model/trace.js';
import { Ev } from './event-types.js';
import { readGeneration, varintAt, type Batch } from './generation.js';
import { lookup, TraceTables, type IdMap } from './generation-tables.js';
import { TRACE_HEADER_BYTES, readTraceHeader } from './header.js';
import { TraceOrder } from './order.js';
import { TraceBuilder } from './trace-builder.js';
import { memoryTraceBytes, type TraceBytes } from './trace-bytes.js';

/** detail: all of the trace, or only what its summary reads (TraceDetail). */
export function parseGoTrace(input: Uint8Array | TraceBytes, detail: TraceDetail = 'full'): GoTrace {
  const bytes = input instanceof Uint8Array ? memoryTraceBytes(input) : input;
  const minor = readTraceHeader(bytes.reader()(0, Math.min(bytes.length, TRACE_HEADER_BYTES)));
  const tables = new TraceTables();
  // Real traces hold at most about one goroutine transition per 6 bytes and one range or metric
  // per 30; room for more is reserved (room never written costs no memory).
  const rows = (bytesPerRow: number): number => Math.min(1 << 25, Math.ceil(bytes.length / bytesPerRow));
  const out = new TraceBuilder(tables, { transitions: rows(6), ranges: rows(24), metrics: rows(24) }, detail);
  const order = new TraceOrder(out, bytes, minor);
  let pos = TRACE_HEADER_BYTES;
  let generations = 0;
  let baseNs = 0;
  let ticksPerSecond = 0;
  let wallStartMs: number | null = null;
  let warning: string | null = null;
  for (;;) {
    const mark = out.mark();
    try {
      const g = readGeneration(bytes, pos, minor);
      if (!g) break;
      const nsPerTick = 1e9 / g.ticksPerSecond;
      if (generations === 0) {
        baseNs = Math.trunc(g.minTicks * nsPerTick);
        ticksPerSecond = g.ticksPerSecond;
        if (g.clock) wallStartMs = g.clock.wallSec * 1e3 + g.clock.wallNsec / 1e6 - (Math.trunc(g.clock.ticks * nsPerTick) - baseNs) / 1e6;
      }
      const strings = tables.readStrings(bytes, g.strings);
      const stacks = tables.readStacks(bytes, g.stacks, strings);
      const cpu = readCpuSamples(bytes, g.cpuSamples, stacks, nsPerTick, baseNs);
      order.run({ gen: g.gen, startNs: Math.trunc(g.minTicks * nsPerTick) - baseNs, nsPerTick, baseNs, eventBatches: g.eventBatches, strings, stacks, cpu });
      pos = g.next;
      generations++;
    } catch (err) {
      const problem = asFormatError(err, pos);
      if (generations === 0) throw problem;
      out.rollback(mark);
      warning = `${problem.message}; read the first ${generations} generation${generations === 1 ? '' : 's'} (the first ${pos} bytes) and dropped the rest`;
      break;
    }
  }
  if (generations === 0) throw new FormatError('the trace holds no events, only its header', TRACE_HEADER_BYTES);
  // Go's reader ends the trace with one more sync event.
  out.lastTime += 1;
  out.eventCount++;
  return out.finish({ version: `1.${minor}`, ticksPerSecond, wallStartMs, warning });
}

function asFormatError(err: unknown, pos: number): FormatError {
  if (err instanceof FormatError) return err;
  if (err instanceof RangeError) return new FormatError(`corrupt trace: a malformed number in the generation from byte offset ${pos}`, pos);
  throw err;
}

function readCpuSamples(src: TraceBytes, batches: Batch[], stacks: IdMap, nsPerTick: number, baseNs: number) {
  const rows: { time: number; p: number; g: number; stack: number }[] = [];
  const read = src.reader();
  for (const b of batches) {
    // The batch on its own: positions in it are from b.start (`base`), as the messages say them.
    const bytes = read(b.start, b.end);
    const [base, end] = [b.start, b.end - b.start];
    let pos = 1;
    const what = `the CPU sample batch at byte offset ${b.start}`;
    while (pos < end) {
      const at = base + pos;
      if (bytes[pos] !== Ev.CPUSample) throw new FormatError(`corrupt trace: expected a CPU sample at byte offset ${at}`, at);
      const ticks = varintAt(bytes, pos + 1, end, what, base);
      varintAt(bytes, varintEnd, end, what, base); // M
      const p = varintAt(bytes, varintEnd, end, what, base);
      const g = varintAt(bytes, varintEnd, end, what, base);
      const stack = lookup(stacks, varintAt(bytes, varintEnd, end, what, base), 'stack', at);
      pos = varintEnd;
      rows.push({ time: Math.trunc(ticks * nsPerTick) - baseNs, p, g: g === 0 ? -1 : g, stack });
    }
  }
  rows.sort((a, b) => a.time - b.time);
  return {
    time: Float64Array.from(rows, (r) => r.time),
    p: Int32Array.from(rows, (r) => r.p),
    g: Float64Array.from(rows, (r) => r.g),
    stack: Int32Array.from(rows, (r) => r.stack),
  };
}
