// Messages between the engine and its trace worker thread. A trace is named by the SHA-256 of
// its bytes; the bytes travel only when the worker answers that it does not hold the trace.

import type { ErrorBody } from '../api/errors.js';
import type { TraceQuestion } from '../analysis/trace/trace-answer.js';

export type TraceOp = TraceQuestion;

export type TraceRequest = TraceOp & { sha256: string; bytes?: Uint8Array };

export type TraceReply = { id: number } & ({ ok: true; value: unknown } | { ok: false; missing: true } | { ok: false; error: ErrorBody });
