// What a format reader gives the import: the artifact's kind and facts, checked and summarised
// from the file's bytes, before anything is written to the library.

import type { ArtifactKind, ArtifactSummary } from '../api/types.js';
import type { ProfileWorkerClient } from '../workers/profile-worker-client.js';
import type { TraceAsker } from '../workers/trace-worker-client.js';
import type { ProgressListener } from '../workers/profile-worker-client.js';
import type { StreamedFile } from './stream-import.js';

export interface ReaderInput {
  /** File name as the user knows it (for messages). */
  name: string;
  bytes: Uint8Array;
  sha256: string;
}

export interface ReaderContext {
  /** The profile worker: profile-like formats are decoded and summarised there. */
  profiles: ProfileWorkerClient;
  /** The trace worker (or, in the CLI, the calling thread): execution traces are parsed there (inline when absent). */
  traces?: TraceAsker;
  /** Streamed files: bytes read so far of the file's size. */
  onProgress?: ProgressListener;
}

/** A file on disk read as a stream (import/stream-import.ts), for the formats that can be. */
export interface FileInput {
  name: string;
  path: string;
}

export interface ReadArtifact {
  subtype: string | null;
  capturedAt: number | null;
  durationNs: number | null;
  goVersion: string | null;
  /** Kind-specific facts, stored as JSON with the artifact and shown in the library. */
  summary: ArtifactSummary;
}

export interface ArtifactReader {
  kind: ArtifactKind;
  /** Reads and checks one file; throws FormatError or GpwError with a message for the user. */
  read(input: ReaderInput, ctx: ReaderContext): Promise<ReadArtifact>;
  /** Reads a file in chunks (perf script, folded text): the artifact, and the file's hash and deflated bytes. */
  readFile?(input: FileInput, ctx: ReaderContext): Promise<ReadArtifact & { streamed: StreamedFile }>;
}
