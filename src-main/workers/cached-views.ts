// Worker answers about library profiles kept in the library (library/view-cache.ts), so a
// profile is decoded and summarised once: at import, or at the first view that needs it. A
// later request for the same view of the same bytes — in this process or in a new one, such
// as `gpw top ID` after `gpw import` — is read back instead of decoding the profile again.
// Only small answers are kept (top tables); flame graphs are rebuilt from the worker's cache.

import type { ViewCache } from '../library/view-cache.js';
import type { ProfileSummary } from '../analysis/profile-summary.js';
import { DEFAULT_TOP_OPTIONS, type TopOptions } from '../analysis/top.js';
import type { ProfileWorkerClient } from './profile-worker-client.js';
import type { WorkerRequest } from './profile-worker-protocol.js';
import type { ViewRequest } from './view-request.js';

/** The worker requests whose answers are kept: small and asked for again and again. */
type CachedRequest = Extract<WorkerRequest, { op: 'top' }>;

/** The worker's request for a top table of a view; with no arguments, gpw top ID's default table (kept at import). */
export function topRequest(view: Pick<ViewRequest, 'spec'>, sampleType?: string, nodecount?: number, sort: 'flat' | 'cum' = 'flat') {
  const options: TopOptions = { ...DEFAULT_TOP_OPTIONS, nodecount: nodecount ?? DEFAULT_TOP_OPTIONS.nodecount, cum: sort === 'cum' };
  return { op: 'top', view: view.spec, sampleType, options } as const;
}

/** A profile's default sample type, from the summary kept at import. */
export function defaultSampleTypeOf(artifact: { summary: unknown } | null | undefined): string | undefined {
  const summary = artifact?.summary as Partial<ProfileSummary> | undefined;
  return typeof summary?.defaultSampleType === 'string' ? summary.defaultSampleType : undefined;
}

/** The request as a canonical string: sources by hash, the sample type resolved to its name. */
export function cacheKey(req: CachedRequest, defaultSampleType: string | undefined): string {
  const filters = Object.fromEntries(Object.entries(req.view.filters).sort(([a], [b]) => (a < b ? -1 : 1)));
  const options = Object.fromEntries(Object.entries(req.options).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify({
    op: req.op,
    sources: req.view.sources.map((s) => s.sha256),
    base: req.view.base.map((s) => s.sha256),
    filters,
    sampleType: req.sampleType ?? defaultSampleType ?? null,
    options,
  });
}

export class CachedViews {
  constructor(
    private readonly worker: ProfileWorkerClient,
    private readonly cache: ViewCache,
  ) {}

  /**
   * Runs a request through the worker, or answers it from the library when every profile it
   * names is a library blob and the same request was answered before. `defaultSampleType`
   * (the first source's, when known) makes "no sample type" and its name one request.
   */
  async run<T>(req: CachedRequest, view: ViewRequest, defaultSampleType?: string): Promise<T> {
    const hashes = [...req.view.sources, ...req.view.base].map((s) => s.sha256);
    const cacheable = hashes.every((h) => this.cache.has(h));
    const key = cacheable ? cacheKey(req, defaultSampleType) : '';
    if (cacheable) {
      const hit = this.cache.get<T>(hashes[0], key);
      if (hit !== undefined) return hit;
    }
    const value = await this.worker.run<T>(req, view.load, view.nameOf);
    if (cacheable) this.cache.put(hashes[0], key, value);
    return value;
  }

  /**
   * Runs a request whose profiles are not library blobs yet, and keeps its answer when asked
   * once they are: an import asks before it writes the library, so the worker works meanwhile.
   */
  start<T>(req: CachedRequest, view: ViewRequest, defaultSampleType?: string): { keep(): Promise<void> } {
    const value = this.worker.run<T>(req, view.load, view.nameOf);
    value.catch(() => undefined);
    const hashes = [...req.view.sources, ...req.view.base].map((s) => s.sha256);
    return {
      keep: async () => {
        const answer = await value;
        if (hashes.every((h) => this.cache.has(h))) this.cache.put(hashes[0], cacheKey(req, defaultSampleType), answer);
      },
    };
  }
}
