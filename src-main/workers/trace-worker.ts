// Worker thread for execution traces: parses a trace once (a large one takes seconds and a lot
// of memory, so never on the engine's thread), keeps the last two, and answers summaries,
// blocking profiles and MMU curves from the parsed model.

import { parentPort } from 'node:worker_threads';
import { parseGoTrace } from '../formats/gotrace/parse-trace.js';
import { FormatError } from '../formats/format-error.js';
import type { GoTrace } from '../model/trace.js';
import { traceAnswer } from '../analysis/trace/trace-answer.js';
import { errorBody } from '../api/errors.js';
import type { TraceReply, TraceRequest } from './trace-worker-protocol.js';

const KEEP = 2;
const parsed = new Map<string, GoTrace>();

function traceFor(req: TraceRequest): GoTrace | null {
  const hit = parsed.get(req.sha256);
  if (hit) {
    parsed.delete(req.sha256);
    parsed.set(req.sha256, hit);
    return hit;
  }
  if (!req.bytes) return null;
  const trace = parseGoTrace(req.bytes);
  parsed.set(req.sha256, trace);
  while (parsed.size > KEEP) parsed.delete(parsed.keys().next().value as string);
  return trace;
}

parentPort!.on('message', ({ id, req }: { id: number; req: TraceRequest }) => {
  let reply: TraceReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const trace = traceFor(req);
    if (!trace) reply = { id, ok: false, missing: true };
    else {
      const answer = traceAnswer(trace, req);
      reply = { id, ok: true, value: answer.value };
      transfer = answer.transfer;
    }
  } catch (err) {
    reply = { id, ok: false, error: err instanceof FormatError ? { code: 'bad_input', message: err.message } : errorBody(err) };
  }
  parentPort!.postMessage(reply, transfer);
});
