// Questions about a trace file outside the library (gpw trace FILE, gpw gc FILE): the bytes are
// checked to be a Go execution trace, then asked of a trace answerer by their SHA-256; a bad
// trace's message names the file. TraceService asks its worker through this; gpw trace FILE asks
// on its own thread without loading the engine or the library (cli/trace-command.ts), and reads
// the file a batch at a time (askTraceFile), so that process holds little more than the parser
// and the parsed trace: never the file's bytes whole, nor their hash.

import { closeSync, openSync, readSync } from 'node:fs';
import { GpwError } from '../api/errors.js';
import { detectFormat } from '../formats/detect-format.js';
import type { TraceBytes, TraceReader } from '../formats/gotrace/trace-bytes.js';
import { checkImportSize } from '../import/input-file.js';
import { sha256Hex } from '../library/blobs.js';
import type { InThreadTraces } from '../workers/trace-in-thread.js';
import type { TraceAsker } from '../workers/trace-worker-client.js';
import type { TraceOp } from '../workers/trace-worker-protocol.js';

export async function askTraceBytes<T>(asker: TraceAsker, name: string, bytes: Uint8Array, op: TraceOp): Promise<T> {
  return askChecked(name, bytes.subarray(0, 64), () => asker.ask<T>(sha256Hex(bytes), op, () => bytes));
}

/** A question about the trace file at `path`, answered on this thread from the file read a batch at a time. */
export async function askTraceFile<T>(asker: InThreadTraces, name: string, path: string, op: TraceOp): Promise<T> {
  const size = checkImportSize(path);
  const fd = openSync(path, 'r');
  try {
    const source = fileTraceBytes(fd, size);
    return await askChecked(name, source.reader()(0, Math.min(size, 64)), () => asker.askSource<T>(op, source));
  } finally {
    closeSync(fd);
  }
}

/** ask() once the head says a Go trace; a bad trace's message names the file. */
async function askChecked<T>(name: string, head: Uint8Array, ask: () => Promise<T>): Promise<T> {
  const detected = detectFormat(head);
  if (detected.format !== 'gotrace') throw new GpwError('bad_input', `${name}: ${detected.format === null ? detected.reason : `this is a ${detected.format} file, not a Go execution trace`}`);
  try {
    return await ask();
  } catch (err) {
    throw err instanceof GpwError && err.code === 'bad_input' ? new GpwError('bad_input', `${name}: ${err.message}`) : err;
  }
}

/**
 * An open trace file of `size` bytes as the parser reads it: each reader reads into one buffer of
 * its own (grown to the largest batch it read), so the parse holds a few batches, not the file.
 */
export function fileTraceBytes(fd: number, size: number): TraceBytes {
  return {
    length: size,
    reader(): TraceReader {
      let buffer = new Uint8Array(0);
      return (start, end) => {
        const length = end - start;
        if (buffer.length < length) buffer = new Uint8Array(length);
        let got = 0;
        for (let n; got < length && (n = readSync(fd, buffer, got, length - got, start + got)) > 0; ) got += n;
        if (got < length) throw new GpwError('bad_input', `the file ends at byte ${start + got}, not ${size}: it changed while it was read`);
        return buffer.subarray(0, length);
      };
    },
  };
}
