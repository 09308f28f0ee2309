// Files handed over in pieces (the app's uploads: files of gigabytes are never held whole by the
// page or the server) and files the app's native dialog names: their import is a job whose
// progress the renderer polls (uploadStatus), as capture jobs are.

import type { Artifact } from './types.js';

/** Largest file an upload may announce (perf script and folded text are imported as a stream). */
export const MAX_UPLOAD_BYTES = 64 * 2 ** 30;
/** Largest piece of one uploadChunk call. */
export const MAX_UPLOAD_CHUNK_BYTES = 8 << 20;

export type UploadState = 'receiving' | 'importing' | 'done' | 'failed' | 'cancelled';

export interface UploadStatus {
  uploadId: string;
  /** The file's name (the uploaded file's, or the chosen file's base name). */
  name: string;
  /** Its size in bytes. */
  size: number;
  state: UploadState;
  /** Bytes handed over so far (a chosen file on disk: all of it). */
  received: number;
  /** Bytes the import has read so far (perf script and folded text report as they are read; other formats at the end). */
  imported: number;
  /** The imported artifacts, once done. */
  artifacts: Artifact[];
  /** What went wrong (state failed), naming the file. */
  error?: string;
}

/** What importChosenFiles answers: one job per file the native dialog returned (none: cancelled, or no dialog here). */
export interface ChosenImports {
  /** Whether this front end has a native file dialog (the Electron app); gpw serve has none. */
  dialog: boolean;
  uploads: UploadStatus[];
}
