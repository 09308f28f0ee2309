// The engine's handle on the trace worker: one request at a time per call, the trace's bytes
// sent only when the worker does not hold it, and a fresh worker after a crash. TraceAsker is
// what the engine needs of it; trace-in-thread.ts answers the same way on the calling thread.

import { Worker } from 'node:worker_threads';
import { GpwError } from '../api/errors.js';
import type { TraceOp, TraceReply, TraceRequest } from './trace-worker-protocol.js';

/** Answers questions about traces named by their SHA-256; `bytes` is called only if the trace is not held. */
export interface TraceAsker {
  ask<T>(sha256: string, op: TraceOp, bytes: () => Uint8Array): Promise<T>;
  close(): Promise<void>;
}

/** A reply's value, or the GpwError it carries. */
export function replyValue<T>(reply: TraceReply): T {
  if (reply.ok) return reply.value as T;
  if ('missing' in reply) throw new GpwError('internal', 'the trace worker lost the trace');
  throw new GpwError(reply.error.code, reply.error.message);
}

export class TraceWorkerClient implements TraceAsker {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (r: TraceReply) => void; reject: (e: Error) => void; worker: Worker }>();

  constructor(private readonly scriptPath: string) {}

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.scriptPath);
    this.worker = w;
    const dead = (why: string): void => {
      if (this.worker === w) this.worker = null;
      for (const [id, p] of [...this.waiting]) {
        if (p.worker !== w) continue;
        this.waiting.delete(id);
        p.reject(new GpwError('internal', `trace worker ${why}`));
      }
    };
    w.on('message', (reply: TraceReply) => {
      const p = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      p?.resolve(reply);
      if (this.waiting.size === 0) w.unref();
    });
    w.on('error', (err) => {
      dead(`failed: ${err.message}`);
      void w.terminate();
    });
    w.on('exit', (code) => dead(`exited (code ${code})`));
    w.unref();
    return w;
  }

  private send(req: TraceRequest): Promise<TraceReply> {
    const worker = this.spawn();
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, worker });
      worker.ref();
      worker.postMessage({ id, req });
    });
  }

  /** Asks about the trace with this hash; `bytes` is called only if the worker needs them. */
  async ask<T>(sha256: string, op: TraceOp, bytes: () => Uint8Array): Promise<T> {
    let reply = await this.send({ ...op, sha256 });
    if (!reply.ok && 'missing' in reply) reply = await this.send({ ...op, sha256, bytes: bytes() });
    return replyValue<T>(reply);
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
