// Remote jobs (perf recordings, GC-trace runs): progress while they run, cancel, and their
// outcome for a while after. Kept in memory only.

import { randomBytes } from 'node:crypto';
import { GpwError } from '../../api/errors.js';
import type { Artifact } from '../../api/types.js';
import type { SshJobPhase, SshJobStatus } from '../../api/ssh-types.js';

export interface JobControl {
  signal: AbortSignal;
  setPhase(phase: SshJobPhase, fraction: number, bytes: number): void;
}

const KEEP_FINISHED = 100;

export class SshJobs {
  private readonly jobs = new Map<string, { status: SshJobStatus; abort: AbortController; done: Promise<void> }>();

  start(host: string, kind: SshJobStatus['kind'], work: (ctl: JobControl) => Promise<Artifact[]>): SshJobStatus {
    const jobId = randomBytes(6).toString('hex');
    const abort = new AbortController();
    const status: SshJobStatus = { jobId, host, kind, phase: 'connecting', fraction: 0, bytes: 0, startedAt: Date.now(), finishedAt: null, artifacts: [] };
    const ctl: JobControl = {
      signal: abort.signal,
      setPhase(phase, fraction, bytes) {
        if (status.finishedAt !== null) return;
        status.phase = phase;
        status.fraction = Math.max(status.fraction, fraction);
        status.bytes = Math.max(status.bytes, bytes);
      },
    };
    const done = work(ctl).then(
      (artifacts) => {
        status.artifacts = artifacts;
        status.phase = 'done';
        status.fraction = 1;
      },
      (err: unknown) => {
        status.phase = abort.signal.aborted ? 'cancelled' : 'failed';
        if (!abort.signal.aborted) status.error = err instanceof Error ? err.message : String(err);
      },
    ).finally(() => {
      status.finishedAt = Date.now();
      this.prune();
    });
    this.jobs.set(jobId, { status, abort, done });
    return { ...status };
  }

  status(jobId: string): SshJobStatus {
    return { ...this.require(jobId).status };
  }

  list(): SshJobStatus[] {
    return [...this.jobs.values()].map((j) => ({ ...j.status }));
  }

  /** Asks a job to stop; resolves once it has (its remote side cleaned up). */
  async cancel(jobId: string): Promise<SshJobStatus> {
    const job = this.require(jobId);
    job.abort.abort();
    await job.done;
    return { ...job.status };
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => (j.abort.abort(), j.done)));
  }

  private require(jobId: string) {
    const job = this.jobs.get(jobId);
    if (!job) throw new GpwError('not_found', `no SSH job ${jobId}`);
    return job;
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.status.finishedAt !== null);
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(j.status.jobId);
  }
}
