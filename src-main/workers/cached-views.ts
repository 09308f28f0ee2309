// Worker answers about library profiles kept in the library (library/view-cache.ts), so a
// profile is decoded and summarised once: at import, or at the first view that needs it. A
// later request for the same view of the same bytes — in this process or in a new one, such
// as `gpw top ID` after `gpw import` — is read back instead of decoding the profile again.
// Only small answers are kept: top tables, and flame graphs of at most FLAME_CACHE_MAX_NODES
// nodes (a big profile's graph is built only as far as it can be drawn, so most are), their
// columns stored as arrays of numbers.

import type { FlameGraph } from '../analysis/flame-graph.js';
import type { ViewCache } from '../library/view-cache.js';
import type { ProfileSummary } from '../analysis/profile-summary.js';
import { DEFAULT_TOP_OPTIONS, type TopOptions } from '../analysis/top.js';
import type { ProfileWorkerClient } from './profile-worker-client.js';
import type { WorkerRequest } from './profile-worker-protocol.js';
import type { ViewRequest } from './view-request.js';
import { missingSampleType, sampleTypeIndexIn } from '../model/profile.js';
import { GpwError } from '../api/errors.js';

/** The worker requests whose answers are kept: small and asked for again and again. */
type CachedRequest = Extract<WorkerRequest, { op: 'top' | 'flame' }>;

/** How an answer is kept (a JSON value, or undefined for one too big to keep) and read back. */
export interface AnswerCodec<T> {
  encode(value: T): unknown;
  decode(stored: unknown): T;
}

const sortedEntries = (o: object): object => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));

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

/**
 * The sample type a request for a library profile names, as its summary (kept at import) names
 * it: pprof's index ("1") and gpw's "type/unit" give the type's own name, so every spelling is
 * one kept answer, and a type the profile does not have is refused without decoding it.
 * `requested` as it is when no summary lists the types (the worker resolves it).
 */
export function summarySampleType(requested: string | undefined, artifact: { summary: unknown } | null | undefined): string | undefined {
  const types = (artifact?.summary as Partial<ProfileSummary> | undefined)?.sampleTypes;
  if (requested === undefined || !Array.isArray(types)) return requested;
  const names = types.map((t) => t.slice(0, t.lastIndexOf('/')));
  const index = sampleTypeIndexIn(types, requested);
  if (index < 0) throw new GpwError('invalid_argument', missingSampleType(requested, names));
  return names[index];
}

/** The request as a canonical string: sources by hash, the sample type resolved to its name. */
export function cacheKey(req: CachedRequest, defaultSampleType: string | undefined): string {
  const options = req.op === 'top' ? { ...req.options, v: TOP_CACHE_VERSION } : { inverted: req.inverted === true, maxNodes: req.maxNodes, v: FLAME_CACHE_VERSION };
  return JSON.stringify({
    op: req.op,
    sources: req.view.sources.map((s) => s.sha256),
    base: req.view.base.map((s) => s.sha256),
    filters: sortedEntries(req.view.filters),
    sampleType: req.sampleType ?? defaultSampleType ?? null,
    options: sortedEntries(options),
  });
}

/** Part of a kept flame graph's key: bump it when the graphs built for a request change (what is left out, the note), so older rows are not read. */
const FLAME_CACHE_VERSION = 1;
/** The same for a kept top table (1: inline labels from pprof's whole graph when it cuts no node, top.ts topOfFigures). */
const TOP_CACHE_VERSION = 1;

/** Flame graphs kept in the library: at most this many nodes (about 40 bytes of JSON each). */
export const FLAME_CACHE_MAX_NODES = 25_000;

/** A flame graph's typed columns as arrays of numbers (JSON keeps every double exactly), and back. */
export const FLAME_CODEC: AnswerCodec<FlameGraph> = {
  encode: (g) =>
    g.nameIndex.length > FLAME_CACHE_MAX_NODES
      ? undefined
      : { ...g, nameIndex: Array.from(g.nameIndex), depth: Array.from(g.depth), total: Array.from(g.total), self: Array.from(g.self), inlined: Array.from(g.inlined), delta: g.delta ? Array.from(g.delta) : null },
  decode: (stored) => {
    const g = stored as Omit<FlameGraph, 'nameIndex' | 'depth' | 'total' | 'self' | 'inlined' | 'delta'> & Record<'nameIndex' | 'depth' | 'total' | 'self' | 'inlined', number[]> & { delta: number[] | null };
    return { ...g, nameIndex: Int32Array.from(g.nameIndex), depth: Int32Array.from(g.depth), total: Float64Array.from(g.total), self: Float64Array.from(g.self), inlined: Uint8Array.from(g.inlined), delta: g.delta ? Float64Array.from(g.delta) : null };
  },
};

export class CachedViews {
  /** Answers to keep once the current task is over (deferPuts), in order. */
  private readonly toKeep: (() => void)[] = [];
  private keepTimer: NodeJS.Immediate | undefined;

  private closed = false;

  /**
   * `deferPuts` (the app, gpw serve): an answer is kept after the task that returns it, so that
   * its transport sends it first (a chip's flame graph: ~10 ms of encoding and SQLite); anything
   * that reads the cache (run, start) keeps the ones waiting first, so none is missed. A deferred
   * put that fails (a full disk) loses only that row: its answer was sent.
   */
  constructor(
    private readonly worker: ProfileWorkerClient,
    private readonly cache: ViewCache,
    private readonly deferPuts = false,
  ) {}

  /** Keeps the answers waiting to be kept. */
  private flush(): void {
    if (this.keepTimer) clearImmediate(this.keepTimer);
    this.keepTimer = undefined;
    for (let put = this.toKeep.shift(); put; put = this.toKeep.shift()) {
      try {
        put();
      } catch {
        // Only this answer is not kept (see the constructor).
      }
    }
  }

  /** Keeps the answers waiting, and no later ones (the library closes next). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private keep(put: () => void): void {
    if (!this.deferPuts) return put();
    if (this.closed) return;
    this.toKeep.push(put);
    this.keepTimer ??= setImmediate(() => {
      this.keepTimer = undefined;
      this.flush();
    });
  }

  /**
   * Runs a request through the worker, or answers it from the library when every profile it
   * names is a library blob and the same request was answered before. `defaultSampleType`
   * (the first source's, when known) makes "no sample type" and its name one request.
   */
  async run<T>(req: CachedRequest, view: ViewRequest, defaultSampleType?: string, codec?: AnswerCodec<T>): Promise<T> {
    this.flush();
    const hashes = [...req.view.sources, ...req.view.base].map((s) => s.sha256);
    const cacheable = hashes.every((h) => this.cache.has(h));
    const key = cacheable ? cacheKey(req, defaultSampleType) : '';
    if (cacheable) {
      const hit = this.cache.get<unknown>(hashes[0], key);
      if (hit !== undefined) return codec ? codec.decode(hit) : (hit as T);
    }
    const value = await this.worker.run<T>(req, view.load, view.nameOf);
    if (cacheable) {
      this.keep(() => {
        const kept = codec ? codec.encode(value) : value;
        if (kept !== undefined) this.cache.put(hashes[0], key, kept);
      });
    }
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
        this.flush();
        if (hashes.every((h) => this.cache.has(h))) this.cache.put(hashes[0], cacheKey(req, defaultSampleType), answer);
      },
    };
  }
}
