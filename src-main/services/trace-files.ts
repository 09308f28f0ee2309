// Questions about a trace file outside the library (gpw trace FILE, gpw gc FILE): the bytes are
// checked to be a Go execution trace, then asked of a trace answerer by their SHA-256; a bad
// trace's message names the file. TraceService asks its worker through this; gpw trace FILE asks
// on its own thread without loading the engine or the library (cli/trace-command.ts), so that
// process holds little more than the parser and the trace.

import { GpwError } from '../api/errors.js';
import { detectFormat } from '../formats/detect-format.js';
import { sha256Hex } from '../library/blobs.js';
import type { TraceAsker } from '../workers/trace-worker-client.js';
import type { TraceOp } from '../workers/trace-worker-protocol.js';

export async function askTraceBytes<T>(asker: TraceAsker, name: string, bytes: Uint8Array, op: TraceOp): Promise<T> {
  const detected = detectFormat(bytes.subarray(0, 64));
  if (detected.format !== 'gotrace') throw new GpwError('bad_input', `${name}: ${detected.format === null ? detected.reason : `this is a ${detected.format} file, not a Go execution trace`}`);
  try {
    return await asker.ask<T>(sha256Hex(bytes), op, () => bytes);
  } catch (err) {
    throw err instanceof GpwError && err.code === 'bad_input' ? new GpwError('bad_input', `${name}: ${err.message}`) : err;
  }
}
