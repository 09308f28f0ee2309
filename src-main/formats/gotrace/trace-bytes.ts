// Where the parser reads a trace's bytes from: a batch (at most 64 KiB) at a time, so a trace file
// need not be held whole while it is parsed (services/trace-files.ts reads one that way: each
// reader below holds one batch, the cursor of each M one reader); bytes already in memory are
// read as views, without a copy.

/** Bytes [start, end) of the trace (end <= its length), valid until this reader's next read. */
export type TraceReader = (start: number, end: number) => Uint8Array;

export interface TraceBytes {
  /** The trace's size in bytes. */
  readonly length: number;
  /** A reader of its own (a file's readers each reuse one buffer). */
  reader(): TraceReader;
}

/** A trace held in memory (the library's blobs, the trace worker's bytes): its reads are views, valid for good. */
export function memoryTraceBytes(bytes: Uint8Array): TraceBytes {
  const read: TraceReader = (start, end) => bytes.subarray(start, end);
  return { length: bytes.length, reader: () => read };
}
