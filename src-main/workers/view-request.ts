// Turns the contract's view options and the profiles they name into a worker ViewSpec, with
// the two callbacks the worker client needs: bytes by hash (sent only when the worker lacks
// them) and a file name by hash (for messages about one source).

import type { ViewOptions } from '../api/types.js';
import type { ViewFilters } from '../analysis/profile-view.js';
import type { SourceData, ViewSpec } from './profile-worker-protocol.js';

/** One profile a view reads: from the library or, for the CLI, a file. */
export interface ViewSource {
  sha256: string;
  /** For messages: the file name, else the artifact id. */
  name: string;
  /** The bytes, or (CLI files of text formats) the path the worker reads them from in chunks. */
  load(): SourceData;
}

export interface ViewRequest {
  spec: ViewSpec;
  load(sha256: string): SourceData;
  nameOf(sha256: string): string;
}

/** The options that shape the view itself (not which profiles, not the sample type). */
export function viewFilters(o: Partial<ViewOptions>): ViewFilters {
  const { granularity, focus, ignore, hide, show, showFrom, tagfocus, tagignore, collapseRecursion, normalize } = o;
  const all: ViewFilters = { granularity, focus, ignore, hide, show, showFrom, tagfocus, tagignore, collapseRecursion, normalize };
  // Absent and empty options are the same view (and the same cache entry in the worker).
  return Object.fromEntries(Object.entries(all).filter(([k, v]) => v !== undefined && v !== '' && v !== false && !(k === 'granularity' && v === 'functions'))) as ViewFilters;
}

export function viewRequest(sources: ViewSource[], base: ViewSource[], options: Partial<ViewOptions>): ViewRequest {
  const byHash = new Map([...sources, ...base].map((s) => [s.sha256, s]));
  return {
    spec: {
      sources: sources.map((s) => ({ sha256: s.sha256 })),
      base: base.map((s) => ({ sha256: s.sha256 })),
      filters: viewFilters(options),
    },
    load: (sha256) => byHash.get(sha256)!.load(),
    nameOf: (sha256) => byHash.get(sha256)?.name ?? sha256.slice(0, 12),
  };
}
