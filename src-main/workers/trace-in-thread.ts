// Trace questions answered on the calling thread, for one-shot CLI processes: no worker to
// start (its start-up and cold code cost more than a big trace's parse saves), no copy of the
// bytes, one parsed trace kept. The app and gpw serve keep the worker (trace-worker-client.ts).

import type { TraceBytes } from '../formats/gotrace/trace-bytes.js';
import { ParsedTraces } from './parsed-traces.js';
import { replyValue, type TraceAsker } from './trace-worker-client.js';
import type { TraceOp } from './trace-worker-protocol.js';

export class InThreadTraces implements TraceAsker {
  private readonly traces = new ParsedTraces(1);
  private seq = 0;

  async ask<T>(sha256: string, op: TraceOp, bytes: () => Uint8Array): Promise<T> {
    let { reply } = this.traces.answer(++this.seq, { ...op, sha256 });
    if (!reply.ok && 'missing' in reply) ({ reply } = this.traces.answer(++this.seq, { ...op, sha256, bytes: bytes() }));
    return replyValue<T>(reply);
  }

  /** The one question asked of the trace `source` reads (a file read a batch at a time, never whole): parsed for it alone, not kept. */
  async askSource<T>(op: TraceOp, source: TraceBytes): Promise<T> {
    return replyValue<T>(this.traces.answerOnce(++this.seq, op, source));
  }

  async close(): Promise<void> {}
}
