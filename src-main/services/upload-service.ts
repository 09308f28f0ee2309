// Uploads and chosen files as import jobs (api/upload-contract.ts). An upload's pieces are
// written, in order, to a temporary file of the engine's (never held whole in memory), which is
// then imported as the CLI imports a file: perf script and folded text as a stream, with the
// bytes read reported as progress. A file chosen in Electron's native dialog is imported from
// its path the same way. The renderer polls uploadStatus, as it polls capture jobs.

import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { GpwError } from '../api/errors.js';
import type { ImportResult } from '../api/types.js';
import type { ChosenImports, UploadStatus } from '../api/upload-types.js';

/** Uploads receiving or importing at once, at most. */
const MAX_OPEN_UPLOADS = 8;
/** An upload that gets no piece for this long is dropped. */
const IDLE_MS = 10 * 60_000;
/** Finished jobs are remembered (for uploadStatus) this long. */
const KEEP_FINISHED_MS = 10 * 60_000;

export interface UploadImportOptions {
  labels?: Record<string, string>;
  run?: string;
  onProgress: (done: number, total: number) => void;
}

export interface UploadServiceDeps {
  /** Imports the file at `path` under the name `name` (one transaction, as gpw import). */
  importFile(path: string, name: string, source: string, options: UploadImportOptions): Promise<ImportResult>;
  /** Electron's native open dialog: the chosen paths, null when cancelled; absent elsewhere. */
  chooseFiles?: () => Promise<string[] | null>;
}

interface Job {
  status: UploadStatus;
  labels?: Record<string, string>;
  run?: string;
  /** The temporary folder of an upload (null: a chosen file, imported where it is). */
  dir: string | null;
  path: string;
  fd: number | null;
  timer: NodeJS.Timeout | null;
}

export class UploadService {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly deps: UploadServiceDeps) {}

  start(a: { name: string; size: number; labels?: Record<string, string>; run?: string }): UploadStatus {
    this.checkRoom();
    const base = basename(a.name.replaceAll('\\', '/'));
    const name = base === '' || base === '.' || base === '..' ? 'upload' : base;
    const dir = mkdtempSync(join(tmpdir(), 'gpw-upload-'));
    // Named as the file was, so that messages about it (too large, unknown format) name it.
    const path = join(dir, /^[^\0/]{1,200}$/.test(name) ? name : 'upload');
    const job: Job = { status: this.newStatus(name, a.size), labels: a.labels, run: a.run, dir, path, fd: openSync(path, 'w', 0o600), timer: null };
    this.jobs.set(job.status.uploadId, job);
    this.idleTimer(job);
    return { ...job.status };
  }

  chunk(a: { uploadId: string; offset: number; bytes: Uint8Array }): UploadStatus {
    const job = this.receiving(a.uploadId);
    const s = job.status;
    if (a.offset !== s.received) throw new GpwError('invalid_argument', `${s.name}: piece at byte ${a.offset}, expected byte ${s.received}`);
    if (s.received + a.bytes.length > s.size) throw new GpwError('invalid_argument', `${s.name}: pieces past the announced size of ${s.size} bytes`);
    for (let off = 0; off < a.bytes.length; ) off += writeSync(job.fd!, a.bytes, off, a.bytes.length - off);
    s.received += a.bytes.length;
    this.idleTimer(job);
    return { ...s };
  }

  finish(uploadId: string): UploadStatus {
    const job = this.receiving(uploadId);
    const s = job.status;
    if (s.received !== s.size) throw new GpwError('invalid_argument', `${s.name}: ${s.received} of ${s.size} bytes received`);
    closeSync(job.fd!);
    job.fd = null;
    this.runImport(job);
    return { ...s };
  }

  status(uploadId: string): UploadStatus {
    return { ...this.job(uploadId).status };
  }

  cancel(uploadId: string): UploadStatus {
    const job = this.job(uploadId);
    if (job.status.state === 'receiving') {
      job.status.state = 'cancelled';
      this.cleanUp(job);
      this.forgetLater(job);
    }
    return { ...job.status };
  }

  /** Whether there is a native dialog to choose files in (the Electron app), so the page asks for one (LibraryInfo.importDialog). */
  get hasDialog(): boolean {
    return this.deps.chooseFiles !== undefined;
  }

  /** The native dialog's files, each imported as a job (Electron); none where there is no dialog. */
  async choose(a: { labels?: Record<string, string>; run?: string }): Promise<ChosenImports> {
    if (!this.deps.chooseFiles) return { dialog: false, uploads: [] };
    const paths = (await this.deps.chooseFiles()) ?? [];
    const uploads: UploadStatus[] = [];
    for (const path of paths) {
      this.checkRoom();
      const size = statSync(path).size;
      const job: Job = { status: this.newStatus(basename(path), size), labels: a.labels, run: a.run, dir: null, path, fd: null, timer: null };
      job.status.received = size;
      this.jobs.set(job.status.uploadId, job);
      this.runImport(job);
      uploads.push({ ...job.status });
    }
    return { dialog: true, uploads };
  }

  close(): void {
    for (const job of this.jobs.values()) this.cleanUp(job);
    this.jobs.clear();
  }

  private newStatus(name: string, size: number): UploadStatus {
    return { uploadId: randomBytes(9).toString('base64url'), name, size, state: 'receiving', received: 0, imported: 0, artifacts: [] };
  }

  private checkRoom(): void {
    const open = [...this.jobs.values()].filter((j) => j.status.state === 'receiving' || j.status.state === 'importing').length;
    if (open >= MAX_OPEN_UPLOADS) throw new GpwError('unavailable', `${open} files are being imported already; wait for one to finish`);
  }

  private runImport(job: Job): void {
    const s = job.status;
    s.state = 'importing';
    this.clearTimer(job);
    const source = job.dir ? `upload:${s.name}` : job.path;
    this.deps
      .importFile(job.path, s.name, source, { labels: job.labels, run: job.run, onProgress: (done) => (s.imported = done) })
      .then(
        (result) => {
          s.imported = s.size;
          s.artifacts = result.artifacts;
          s.state = 'done';
        },
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          s.error = message.includes(s.name) ? message : `${s.name}: ${message}`;
          s.state = 'failed';
        },
      )
      .finally(() => {
        this.cleanUp(job);
        this.forgetLater(job);
      });
  }

  private job(uploadId: string): Job {
    const job = this.jobs.get(uploadId);
    if (!job) throw new GpwError('not_found', `no upload ${uploadId}`);
    return job;
  }

  private receiving(uploadId: string): Job {
    const job = this.job(uploadId);
    if (job.status.state !== 'receiving') throw new GpwError('invalid_argument', `${job.status.name}: the upload is ${job.status.state}`);
    return job;
  }

  private idleTimer(job: Job): void {
    this.clearTimer(job);
    job.timer = setTimeout(() => {
      job.status.state = 'failed';
      job.status.error = `${job.status.name}: no piece arrived for ${IDLE_MS / 60_000} minutes; the upload was dropped`;
      this.cleanUp(job);
      this.forgetLater(job);
    }, IDLE_MS);
    job.timer.unref();
  }

  private clearTimer(job: Job): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = null;
  }

  private forgetLater(job: Job): void {
    this.clearTimer(job);
    job.timer = setTimeout(() => this.jobs.delete(job.status.uploadId), KEEP_FINISHED_MS);
    job.timer.unref();
  }

  /** Closes and deletes an upload's temporary file (a chosen file is left alone). */
  private cleanUp(job: Job): void {
    if (job.fd !== null) closeSync(job.fd);
    job.fd = null;
    if (job.dir) rmSync(job.dir, { recursive: true, force: true });
    job.dir = null;
  }
}
