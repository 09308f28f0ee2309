// The second thread of an import's scan of a big pprof file: the profile worker walks the first
// half of the samples while this one walks the second (analysis/profile-scan.ts: scanPart), both
// over the one decompressed copy in shared memory (shared-gunzip.ts). It runs profile-worker.js
// again with another role, so the build has no extra entry; it is started before the gunzip so
// that its start-up overlaps it, and ended after its one job.

import { Worker, type MessagePort } from 'node:worker_threads';
import type { Profile } from '../model/profile.js';
import { scanSampleTable, type SampleTable } from '../formats/pprof/decode-pprof.js';
import { ScanFrames, scanPart, type ScanPart } from '../analysis/profile-scan.js';
import { FormatError } from '../formats/format-error.js';

export const SCAN_HELPER_ROLE = 'scan-helper';

export interface ScanHelperJob {
  skeleton: Profile;
  /** Its bytes and sample ranges in shared memory (not copied to the helper). */
  table: SampleTable;
  from: number;
  to: number;
  /** Shared: the helper sets its samples' bits. */
  sampleBits: Uint16Array | null;
}

type ScanHelperReply = { ok: true; part: ScanPart } | { ok: false; message: string; format: boolean };

/** In the helper thread: walks the samples of each job it is sent. */
export function serveScanHelper(port: MessagePort): void {
  port.on('message', (job: ScanHelperJob) => {
    let reply: ScanHelperReply;
    try {
      const samples = scanSampleTable(job.skeleton, job.table);
      reply = { ok: true, part: scanPart(samples, new ScanFrames(job.skeleton), job.sampleBits, { from: job.from, to: job.to }) };
    } catch (err) {
      reply = { ok: false, message: err instanceof Error ? err.message : String(err), format: err instanceof FormatError };
    }
    port.postMessage(reply);
  });
}

/** The profile worker's side: one helper thread, one job. */
export class ScanHelper {
  private readonly worker: Worker;
  private readonly failed: Promise<Error>;

  constructor(script: URL) {
    this.worker = new Worker(script, { workerData: { role: SCAN_HELPER_ROLE } });
    this.worker.unref();
    this.failed = new Promise((resolve) => {
      this.worker.once('error', resolve);
      this.worker.once('exit', (code) => resolve(new Error(`the scan helper exited (${code})`)));
    });
  }

  /** The part of the job's samples; a FormatError for bad input, another Error when the helper could not run. */
  run(job: ScanHelperJob): Promise<ScanPart> {
    const answer = new Promise<ScanPart>((resolve, reject) => {
      this.worker.once('message', (reply: ScanHelperReply) => {
        if (reply.ok) resolve(reply.part);
        else reject(reply.format ? new FormatError(reply.message) : new Error(reply.message));
      });
    });
    this.worker.postMessage(job);
    return Promise.race([answer, this.failed.then((err) => Promise.reject(err))]);
  }

  close(): void {
    void this.worker.terminate();
  }
}
