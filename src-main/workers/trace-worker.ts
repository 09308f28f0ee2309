// Worker thread for execution traces: parses a trace once (a large one takes seconds and a lot
// of memory, so never on the engine's thread in the app), keeps the last two, and answers
// summaries, blocking profiles and MMU curves from the parsed model.

import { parentPort } from 'node:worker_threads';
import { ParsedTraces } from './parsed-traces.js';
import type { TraceRequest } from './trace-worker-protocol.js';

const traces = new ParsedTraces(2);

parentPort!.on('message', ({ id, req }: { id: number; req: TraceRequest }) => {
  const { reply, transfer } = traces.answer(id, req);
  parentPort!.postMessage(reply, transfer);
});
