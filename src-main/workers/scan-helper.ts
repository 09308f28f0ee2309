// The second thread of an import's scan of a big pprof file: the profile worker and this one take
// blocks of samples in turn from a shared counter until none is left (analysis/profile-scan.ts:
// scanClaimed), both over the one decompressed copy in shared memory (shared-gunzip.ts), so a
// thread the machine runs slower walks fewer. It runs profile-worker.js again with another role,
// so the build has no extra entry; it is started before the gunzip so that its start-up overlaps
// it, and ended after its one job.

import { Worker, type MessagePort } from 'node:worker_threads';
import type { Profile } from '../model/profile.js';
import { scanSampleTable, type SampleTable } from '../formats/pprof/decode-pprof.js';
import { ScanBlockError, ScanFrames, scanClaimed, type ScanPart } from '../analysis/profile-scan.js';
import { FormatError } from '../formats/format-error.js';

export const SCAN_HELPER_ROLE = 'scan-helper';

export interface ScanHelperJob {
  skeleton: Profile;
  /** Its bytes and sample ranges in shared memory (not copied to the helper). */
  table: SampleTable;
  /** Shared: the first sample of the next block to claim. */
  next: Int32Array;
  /** Shared: the helper sets its samples' bits. */
  sampleBits: Uint16Array | null;
}

/** `at`: the first sample of the block whose bad input (or other failure) stopped the helper; absent when it could not start. */
type ScanHelperReply = { ok: true; part: ScanPart } | { ok: false; message: string; format: boolean; at?: number };

/** In the helper thread: walks the blocks it claims of each job it is sent. */
export function serveScanHelper(port: MessagePort): void {
  port.on('message', (job: ScanHelperJob) => {
    let reply: ScanHelperReply;
    try {
      const samples = scanSampleTable(job.skeleton, job.table);
      reply = { ok: true, part: scanClaimed(samples, new ScanFrames(job.skeleton), job.sampleBits, job.next) };
    } catch (err) {
      const cause = err instanceof ScanBlockError ? err.cause : err;
      reply = { ok: false, message: cause instanceof Error ? cause.message : String(cause), format: cause instanceof FormatError, at: err instanceof ScanBlockError ? err.at : undefined };
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

  /**
   * The part of the job's samples the helper claimed; a ScanBlockError for a block it could not
   * walk (its cause a FormatError for bad input), another Error when the helper could not run.
   */
  run(job: ScanHelperJob): Promise<ScanPart> {
    const answer = new Promise<ScanPart>((resolve, reject) => {
      this.worker.once('message', (reply: ScanHelperReply) => {
        if (reply.ok) return resolve(reply.part);
        const cause = reply.format ? new FormatError(reply.message) : new Error(reply.message);
        reject(reply.at === undefined ? cause : new ScanBlockError(reply.at, cause));
      });
    });
    this.worker.postMessage(job);
    return Promise.race([answer, this.failed.then((err) => Promise.reject(err))]);
  }

  close(): void {
    void this.worker.terminate();
  }
}
