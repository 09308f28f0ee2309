// Files imported as a stream: perf script and folded text, which users bring at gigabytes. Only
// the file's head is read to recognise it; then the profile worker reads it in chunks and folds
// it (workers/profile-file.ts), while this thread reads it again, hashing it and handing it to
// zlib, which deflates it for the library on a thread of its own (library/blobs.ts deflateFile),
// one chunk at a time: on two cores the fold has one core and the hash + deflate the other,
// both starting at once. The file is never held whole.

import { closeSync, openSync, readSync } from 'node:fs';
import { GpwError } from '../api/errors.js';
import { detectFormat, DETECT_HEAD_BYTES, type FormatName } from '../formats/detect-format.js';
import { deflateFile, type DeflatedParts } from '../library/blobs.js';
import type { ReadFileResult } from '../workers/profile-worker-protocol.js';
import type { ProfileWorkerClient, ProgressListener } from '../workers/profile-worker-client.js';
import type { FunctionStats } from '../analysis/runs/function-stats.js';
import type { ProfileSummary } from '../analysis/profile-summary.js';

const STREAMED_FORMATS: readonly FormatName[] = ['perf-script', 'folded'];

/** The first bytes of a file (up to DETECT_HEAD_BYTES). */
export function readHead(path: string): Uint8Array {
  const head = Buffer.alloc(DETECT_HEAD_BYTES);
  const fd = openSync(path, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, DETECT_HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** Whether a file, by its head, is read as a stream rather than whole. */
export function isStreamedFile(path: string): boolean {
  const detected = detectFormat(readHead(path));
  return detected.format !== null && STREAMED_FORMATS.includes(detected.format);
}

export interface StreamedFile {
  sha256: string;
  summary: ProfileSummary;
  functionStats: FunctionStats;
  deflated: DeflatedParts;
}

/**
 * Folds, hashes and deflates a streamed file; a FormatError or GpwError (bad input) is the
 * worker's. The caller disposes of `deflated` once it is stored (or not).
 */
export async function readStreamedFile(path: string, worker: ProfileWorkerClient, onProgress?: ProgressListener): Promise<StreamedFile> {
  const abort = new AbortController();
  const deflating = deflateFile(path, abort.signal);
  const key = `readFile:${++readFileCount}:${path}`;
  let read: ReadFileResult;
  try {
    read = await worker.run<ReadFileResult>({ op: 'readFile', path, key }, () => ({ path }), undefined, onProgress);
  } catch (err) {
    abort.abort();
    await deflating.then((d) => d.dispose(), () => undefined);
    throw err;
  }
  let deflated: DeflatedParts;
  try {
    deflated = await deflating;
  } catch (err) {
    await worker.run({ op: 'keep', key, sha256: null }, () => ({ path })).catch(() => undefined);
    throw err;
  }
  // The file changed while it was read: the blob would not be the bytes that were summarised.
  if (deflated.size !== read.size) deflated.dispose();
  if (deflated.size !== read.size) throw new GpwError('bad_input', `the file changed while it was read (${read.size} then ${deflated.size} bytes)`);
  // The decoded profile is kept under the content address, for the views that follow the import.
  await worker.run({ op: 'keep', key, sha256: deflated.sha256 }, () => ({ path }));
  return { sha256: deflated.sha256, summary: read.summary as ProfileSummary, functionStats: read.functionStats as FunctionStats, deflated };
}

let readFileCount = 0;
