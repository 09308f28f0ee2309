// Messages between the engine and its profile worker thread.

import type { ErrorBody } from '../api/errors.js';
import type { TopOptions } from '../analysis/top.js';
import type { ViewFilters } from '../analysis/profile-view.js';
import type { DiffTableOptions } from '../analysis/diff-table.js';
import type { ExportRequest } from '../analysis/view-ops.js';
import type { GraphOptions } from '../analysis/graph/call-graph.js';

/**
 * A profile named by the SHA-256 of its bytes; the bytes come along only when the worker lacks
 * it. A file given to the CLI comes as its path instead (trusted: never from the renderer), and
 * the worker reads it in chunks; its name is then a key of the file's path, size and time.
 */
export type ProfileSource = { sha256: string; bytes?: Uint8Array; path?: string };

/** What a source's loader gives: the bytes, or the path of the file to read them from. */
export type SourceData = Uint8Array | { path: string };

/** What `readFile` answers: the bytes read and what the import keeps of the file. */
export interface ReadFileResult {
  size: number;
  summary: unknown;
  functionStats: unknown;
}

/** The profiles a view is made of (analysis/profile-view.ts) and how to look at them. */
export interface ViewSpec {
  /** Merged into the profile shown; at least one. */
  sources: ProfileSource[];
  /** Merged into the diff base; empty for no diff. */
  base: ProfileSource[];
  filters: ViewFilters;
}

export type WorkerRequest =
  | { op: 'summarize'; source: ProfileSource }
  | { op: 'meta'; source: ProfileSource }
  /** Per sample type, each function's flat and cum (analysis/runs/function-stats.ts), for the library. */
  | { op: 'functionStats'; source: ProfileSource }
  /** `maxNodes`: leave the narrowest nodes out of a larger graph (analysis/flame-graph.ts). */
  | { op: 'flame'; view: ViewSpec; sampleType?: string; inverted?: boolean; maxNodes?: number }
  | { op: 'callTree'; view: ViewSpec; sampleType?: string }
  | { op: 'sandwich'; view: ViewSpec; sampleType?: string; name: string }
  | { op: 'diffTable'; view: ViewSpec; sampleType?: string; options: DiffTableOptions }
  /** The view as a file: pprof, folded stacks, or the flame graph as SVG / PNG. */
  | { op: 'export'; view: ViewSpec; sampleType?: string; request: ExportRequest }
  | { op: 'top'; view: ViewSpec; sampleType?: string; options: TopOptions }
  /** The view as a gzipped pprof file, and its summary (for saving a merge). */
  | { op: 'encode'; view: ViewSpec }
  /** pprof's -list figures of the functions matching a Go regexp (analysis/source/list.ts). */
  | { op: 'sourceList'; view: ViewSpec; sampleType?: string; symbol: string; searchPath: string[]; trimPath: string }
  /** pprof's -peek of the functions matching a Go regexp (analysis/source/peek.ts). */
  | { op: 'peek'; view: ViewSpec; sampleType?: string; symbol: string }
  /** Figures per instruction address, for pprof's -disasm (analysis/source/disasm.ts). */
  | { op: 'addresses'; view: ViewSpec; sampleType?: string }
  /** pprof's -dot call graph, trimmed as pprof trims it (analysis/graph/call-graph.ts). */
  | { op: 'graph'; view: ViewSpec; sampleType?: string; options: GraphOptions }
  /**
   * Imports of files: reads the file at `path` in chunks (workers/profile-file.ts), keeps the
   * profile under `key` until `keep` names its SHA-256 (hashed meanwhile by the engine's
   * thread, library/blobs.ts deflateFile) and answers a ReadFileResult; sends `progress`
   * messages as it reads.
   */
  | { op: 'readFile'; path: string; key: string }
  /** The profile a readFile kept under `key` is kept under its content address `sha256` (null: let go). */
  | { op: 'keep'; key: string; sha256: string | null }
  /** Whether the worker's warm-up is done and the app's helper thread started (WorkerThreads; for tests and benches). */
  | { op: 'threads' };

/**
 * The app worker's threads: its warm-up done; its helper not started, starting, ready (started,
 * no job but a trie made ahead), busy, or failed; and the inverted trie of the last big view made
 * ahead (profile-worker.ts invertAheadFor): none planned or left, being made, or made.
 */
export interface WorkerThreads {
  warm: boolean;
  helper: 'none' | 'starting' | 'ready' | 'busy' | 'failed';
  invertedAhead: 'none' | 'making' | 'made';
}

/**
 * `missing` lists the sources (by SHA-256) the worker does not hold: ask again with their bytes.
 * An error about one source's bytes names it in `source`.
 */
export type WorkerReply = { id: number } & ({ ok: true; value: unknown } | { ok: false; missing: string[] } | { ok: false; error: ErrorBody; source?: string });

/** Sent while a request reads a file: bytes read of the file's size. */
export type WorkerProgress = { id: number; progress: { done: number; total: number } };

/** Every profile a request names. */
export function sourcesOf(req: WorkerRequest): ProfileSource[] {
  if (req.op === 'readFile' || req.op === 'keep' || req.op === 'threads') return [];
  return 'source' in req ? [req.source] : [...req.view.sources, ...req.view.base];
}

/** The request with bytes attached to the sources whose hashes are listed. */
export function withBytes(req: WorkerRequest, hashes: readonly string[], load: (sha256: string) => SourceData): WorkerRequest {
  const wanted = new Set(hashes);
  const cache = new Map<string, SourceData>();
  const attach = (s: ProfileSource): ProfileSource => {
    if (!wanted.has(s.sha256) || s.bytes || s.path) return s;
    let data = cache.get(s.sha256);
    if (!data) {
      data = load(s.sha256);
      cache.set(s.sha256, data);
    }
    return data instanceof Uint8Array ? { sha256: s.sha256, bytes: data } : { sha256: s.sha256, path: data.path };
  };
  if (req.op === 'readFile' || req.op === 'keep' || req.op === 'threads') return req;
  if ('source' in req) return { ...req, source: attach(req.source) };
  return { ...req, view: { ...req.view, sources: req.view.sources.map(attach), base: req.view.base.map(attach) } };
}
