// The second thread of an import's scan of a big pprof file: the profile worker and this one take
// blocks of samples in turn from a shared counter until none is left (analysis/profile-scan.ts:
// scanClaimed), both over the one decompressed copy in shared memory (shared-gunzip.ts), so a
// thread the machine runs slower walks fewer. It runs profile-worker.js again with another role,
// so the build has no extra entry; it is started before the gunzip so that its start-up overlaps
// it. Kept after the scan while its profile is the worker's scanned one: the first top table's
// inline labels take another walk of the samples, which the two threads share the same way
// (the import's default table, asked for right after the scan, while the library is written).

import { Worker, type MessagePort } from 'node:worker_threads';
import type { Profile } from '../model/profile.js';
import { scanSampleTable, type PprofScan, type SampleTable } from '../formats/pprof/decode-pprof.js';
import { edgesClaimed, ScanBlockError, ScanFrames, scanClaimed, type ScanPart } from '../analysis/profile-scan.js';
import type { EdgeColumns } from '../analysis/top.js';
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

/**
 * After the scan, a top table's inline labels: the edges into its shown functions, walked over
 * the last scan's samples in blocks claimed from `next` (analysis/profile-scan.ts: edgesClaimed).
 */
export interface EdgesJob {
  edges: { shown: Uint8Array; typeIndex: number; next: Int32Array };
}

/** `at`: the first sample of the block whose bad input (or other failure) stopped the helper; absent when it could not start. */
type ScanHelperReply = { ok: true; part: ScanPart } | { ok: true; edges: EdgeColumns } | { ok: false; message: string; format: boolean; at?: number };

/** In the helper thread: walks the blocks it claims of each job it is sent; keeps the last scan's samples, frames and bits for edge jobs. */
export function serveScanHelper(port: MessagePort): void {
  let last: { samples: PprofScan; frames: ScanFrames; sampleBits: Uint16Array | null } | null = null;
  port.on('message', (job: ScanHelperJob | EdgesJob) => {
    let reply: ScanHelperReply;
    try {
      if ('edges' in job) {
        if (!last) throw new Error('the scan helper has no scanned profile');
        reply = { ok: true, edges: edgesClaimed(last.samples, last.frames, last.sampleBits, job.edges).edges.columns() };
      } else {
        last = null;
        const samples = scanSampleTable(job.skeleton, job.table);
        const frames = new ScanFrames(job.skeleton);
        const part = scanClaimed(samples, frames, job.sampleBits, job.next);
        last = { samples, frames, sampleBits: job.sampleBits };
        reply = { ok: true, part };
      }
    } catch (err) {
      const cause = err instanceof ScanBlockError ? err.cause : err;
      reply = { ok: false, message: cause instanceof Error ? cause.message : String(cause), format: cause instanceof FormatError, at: err instanceof ScanBlockError ? err.at : undefined };
    }
    port.postMessage(reply);
  });
}

/** The profile worker's side: one helper thread, one scan (and the edge walks of that scan's top tables). */
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
    return this.ask(job, (reply) => ('part' in reply ? reply.part : undefined));
  }

  /** The helper's part of a top table's edges, over the samples of the job run() gave it (blocks claimed from `next`). */
  edges(job: EdgesJob['edges']): Promise<EdgeColumns> {
    return this.ask({ edges: job }, (reply) => ('edges' in reply ? reply.edges : undefined));
  }

  private ask<T>(job: ScanHelperJob | EdgesJob, answerOf: (reply: Extract<ScanHelperReply, { ok: true }>) => T | undefined): Promise<T> {
    const answer = new Promise<T>((resolve, reject) => {
      this.worker.once('message', (reply: ScanHelperReply) => {
        if (reply.ok) {
          const value = answerOf(reply);
          return value === undefined ? reject(new Error('the scan helper answered another job')) : resolve(value);
        }
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
