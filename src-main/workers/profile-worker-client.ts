// The engine's side of the profile worker: request/response over postMessage, bytes sent only
// when the worker does not already hold the decoded profile, restart after a crash.

import { Worker, type MessagePort } from 'node:worker_threads';
import { GpwError } from '../api/errors.js';
import { sourcesOf, withBytes, type SourceData, type WorkerProgress, type WorkerReply, type WorkerRequest } from './profile-worker-protocol.js';

type Pending = { worker: Worker; resolve: (r: WorkerReply) => void; reject: (e: Error) => void; onProgress?: ProgressListener };

/** Bytes of a file read so far, of its size. */
export type ProgressListener = (done: number, total: number) => void;

/**
 * A worker started before any engine exists, for the first client of its script without warm-up
 * to take over: the CLI's entry starts one for the commands that read profiles, so that its start-up runs
 * while the engine's modules load. Unreferenced until taken (a process that never takes it is
 * not kept alive by it); one that failed meanwhile is dropped and a new one started.
 */
let early: { scriptPath: string; worker: Worker; failed: boolean } | null = null;

/** A gzip file read ahead, and the port its data comes through once the caller has gunzipped it (null: gunzip it yourself). */
export interface ReadAhead {
  bytes: Uint8Array;
  data: MessagePort;
}

export function startProfileWorkerEarly(scriptPath: string, readAhead?: ReadAhead): Worker {
  // A file gpw import read ahead (import/shared-read.ts), in shared memory: the worker scans it
  // from its start (profile-worker.ts), for the import's summarize of the same bytes to claim.
  const workerData = { warmUp: false, readAhead: readAhead?.bytes, readAheadData: readAhead?.data };
  const started = { scriptPath, worker: new Worker(scriptPath, { workerData, transferList: readAhead ? [readAhead.data] : [] }), failed: false };
  const fail = (): void => {
    started.failed = true;
  };
  started.worker.once('error', fail);
  started.worker.once('exit', fail);
  started.worker.unref();
  early = started;
  return started.worker;
}

function takeEarlyWorker(scriptPath: string): Worker | null {
  const started = early;
  if (!started || started.scriptPath !== scriptPath) return null;
  early = null;
  if (!started.failed) return started.worker;
  void started.worker.terminate();
  return null;
}

export class ProfileWorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly scriptPath: string,
    /** Let the worker warm its hot paths when idle (for long-running front ends). */
    private readonly warmUp = false,
  ) {}

  /** Starts the worker now rather than at the first request. */
  start(): void {
    this.ensureWorker();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = (!this.warmUp && takeEarlyWorker(this.scriptPath)) || new Worker(this.scriptPath, { workerData: { warmUp: this.warmUp } });
    worker.on('message', (reply: WorkerReply | WorkerProgress) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      if ('progress' in reply) {
        p.onProgress?.(reply.progress.done, reply.progress.total);
      } else {
        this.pending.delete(reply.id);
        p.resolve(reply);
      }
    });
    // Only this worker's requests fail with it; a replacement started meanwhile is left alone.
    const failAll = (err: Error): void => {
      if (this.worker === worker) this.worker = null;
      for (const [id, p] of this.pending) {
        if (p.worker !== worker) continue;
        this.pending.delete(id);
        p.reject(err);
      }
    };
    worker.on('error', (err) => {
      failAll(new GpwError('internal', `profile worker failed: ${err.message}`));
      void worker.terminate();
    });
    worker.on('exit', (code) => failAll(new GpwError('internal', `profile worker exited (code ${code})`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private post(req: WorkerRequest, onProgress?: ProgressListener): Promise<WorkerReply> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject, onProgress });
      worker.ref();
      worker.postMessage({ id, req });
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  /**
   * Runs a request; if the worker lacks some of its profiles, loads their bytes and asks again
   * (once more with every source's bytes, should the worker's cache have let others go
   * meanwhile). The bytes are copied to the worker, so the caller may keep using them. An error
   * about one source's bytes is prefixed with `nameOf(sha256)` when given.
   */
  async run<T>(req: WorkerRequest, loadBytes: (sha256: string) => SourceData, nameOf?: (sha256: string) => string, onProgress?: ProgressListener): Promise<T> {
    let reply = await this.post(req, onProgress);
    for (let attempt = 0; attempt < 2 && !reply.ok && 'missing' in reply; attempt++) {
      const hashes = attempt === 0 ? reply.missing : sourcesOf(req).map((s) => s.sha256);
      reply = await this.post(withBytes(req, hashes, loadBytes), onProgress);
    }
    if (reply.ok) return reply.value as T;
    if ('missing' in reply) throw new GpwError('internal', 'profile worker lost the profile');
    const prefix = reply.source && nameOf ? `${nameOf(reply.source)}: ` : '';
    throw new GpwError(reply.error.code, prefix + reply.error.message);
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
