// The parsed traces a trace answerer keeps (the last few, by the SHA-256 of their bytes) and the
// one function that answers a request from them: the trace worker runs it on its own thread,
// the CLI on the calling thread (trace-in-thread.ts), with the same replies. A trace asked one
// question only (gpw trace FILE) is parsed for that question alone and not kept (answerOnce).

import { parseGoTrace } from '../formats/gotrace/parse-trace.js';
import { FormatError } from '../formats/format-error.js';
import type { GoTrace } from '../model/trace.js';
import { detailFor, traceAnswer } from '../analysis/trace/trace-answer.js';
import { errorBody } from '../api/errors.js';
import type { TraceBytes } from '../formats/gotrace/trace-bytes.js';
import type { TraceOp, TraceReply, TraceRequest } from './trace-worker-protocol.js';

/** A request (TraceRequest), whose bytes on this thread may also be a source read a batch at a time (trace-in-thread.ts). */
type Request = TraceOp & { sha256: string; bytes?: TraceRequest['bytes'] | TraceBytes };

export class ParsedTraces {
  private readonly parsed = new Map<string, GoTrace>();

  constructor(private readonly keep: number) {}

  private traceFor(req: Request): GoTrace | null {
    const hit = this.parsed.get(req.sha256);
    if (hit) {
      this.parsed.delete(req.sha256);
      this.parsed.set(req.sha256, hit);
      return hit;
    }
    if (!req.bytes) return null;
    // The one kept longest goes first, so two large models are never held at once with keep 1.
    while (this.parsed.size >= this.keep) this.parsed.delete(this.parsed.keys().next().value as string);
    const trace = parseGoTrace(req.bytes);
    this.parsed.set(req.sha256, trace);
    return trace;
  }

  /** The reply to one request, and the buffers to transfer rather than copy. */
  answer(id: number, req: Request): { reply: TraceReply; transfer: ArrayBuffer[] } {
    return reply(id, req, () => this.traceFor(req));
  }

  /** The reply to the one question asked of the trace in `bytes`: only what it reads is parsed (detailFor), and nothing is kept. */
  answerOnce(id: number, op: TraceOp, bytes: Uint8Array | TraceBytes): TraceReply {
    return reply(id, op, () => parseGoTrace(bytes, detailFor(op))).reply;
  }
}

/** The reply to `op` about the trace traceOf() gives (null: one not held), and the buffers to transfer. */
function reply(id: number, op: TraceOp, traceOf: () => GoTrace | null): { reply: TraceReply; transfer: ArrayBuffer[] } {
  try {
    const trace = traceOf();
    if (!trace) return { reply: { id, ok: false, missing: true }, transfer: [] };
    const answer = traceAnswer(trace, op);
    return { reply: { id, ok: true, value: answer.value }, transfer: answer.transfer };
  } catch (err) {
    return { reply: { id, ok: false, error: err instanceof FormatError ? { code: 'bad_input', message: err.message } : errorBody(err) }, transfer: [] };
  }
}
