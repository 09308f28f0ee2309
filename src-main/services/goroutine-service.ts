// Goroutine dumps as the engine offers them (goroutineGroups, goroutineDiff, gpw goroutines): a
// library 'goroutines' artifact (or, for the CLI, a file) parsed again (the last few kept), its
// groups with filters, and the leak view between two dumps, or between two runs (each run's
// latest goroutine dump, by the artifacts' run name).

import type { Artifact } from '../api/types.js';
import { GpwError } from '../api/errors.js';
import { FormatError } from '../formats/format-error.js';
import type { Library } from '../library/library.js';
import { parseGoroutineDump } from '../formats/goroutine-dump/parse-goroutine-dump.js';
import type { GoroutineDump } from '../formats/goroutine-dump/dump-types.js';
import { diffGoroutines, groupGoroutines, type GoroutineDiffRow, type GoroutineFilter, type GoroutineGroups } from '../analysis/goroutines/goroutine-groups.js';

const KEEP_DUMPS = 4;

export interface DumpRef {
  id: string | null;
  name: string;
  run: string | null;
  capturedAt: number | null;
  total: number;
}

export interface GoroutineDiff {
  before: DumpRef;
  after: DumpRef;
  rows: GoroutineDiffRow[];
  /** Goroutines in each dump after the filter. */
  beforeTotal: number;
  afterTotal: number;
}

export class GoroutineService {
  private readonly dumps = new Map<string, GoroutineDump>();

  constructor(private readonly library: Library) {}

  groups(id: string, filter: GoroutineFilter): GoroutineGroups & { ref: DumpRef } {
    const { dump, ref } = this.load(id);
    return { ...groupGoroutines(dump, filter), ref };
  }

  /** The leak view between two artifacts, or between the latest dumps of two runs. */
  diff(req: { before?: string; after?: string; beforeRun?: string; afterRun?: string; all?: boolean } & GoroutineFilter): GoroutineDiff {
    const before = req.before ?? (req.beforeRun !== undefined ? this.latestOfRun(req.beforeRun) : undefined);
    const after = req.after ?? (req.afterRun !== undefined ? this.latestOfRun(req.afterRun) : undefined);
    if (before === undefined || after === undefined) throw new GpwError('invalid_argument', 'a goroutine diff needs two dumps (before and after) or two runs');
    return this.diffOf(this.load(before), this.load(after), req, req.all ?? false);
  }

  /** For the CLI: a dump by file path's bytes or library id. */
  diffOf(a: { dump: GoroutineDump; ref: DumpRef }, b: { dump: GoroutineDump; ref: DumpRef }, filter: GoroutineFilter, all: boolean): GoroutineDiff {
    const rows = diffGoroutines(a.dump, b.dump, filter, all);
    const count = (d: GoroutineDump): number => groupGoroutines(d, filter).shown;
    return { before: a.ref, after: b.ref, rows, beforeTotal: count(a.dump), afterTotal: count(b.dump) };
  }

  /** A library dump, parsed (kept for the next question). */
  load(id: string): { dump: GoroutineDump; ref: DumpRef } {
    const a = this.library.get(id);
    if (!a) throw new GpwError('not_found', `no artifact ${id} in the library`);
    if (a.kind !== 'goroutines') throw new GpwError('invalid_argument', `artifact ${id} is a ${a.subtype ?? a.kind} ${a.kind}, not a goroutine dump (capture goroutines: /debug/pprof/goroutine?debug=2)`);
    let dump = this.dumps.get(a.sha256);
    if (dump) this.dumps.delete(a.sha256);
    else {
      const bytes = this.library.blobs.get(a.sha256);
      if (!bytes) throw new GpwError('internal', `the library has lost the data of artifact ${id}`);
      dump = this.parse(a.file ?? id, bytes);
    }
    this.dumps.set(a.sha256, dump);
    if (this.dumps.size > KEEP_DUMPS) this.dumps.delete(this.dumps.keys().next().value!);
    return { dump, ref: refOf(a, dump) };
  }

  parse(name: string, bytes: Uint8Array): GoroutineDump {
    try {
      return parseGoroutineDump(bytes);
    } catch (err) {
      if (err instanceof FormatError) throw new GpwError('bad_input', `${name}: ${err.message}`);
      throw err;
    }
  }

  /** The run's latest goroutine dump (debug=2 / debug=1 goroutine profile before leak or custom ones). */
  latestOfRun(run: string): string {
    const dumps = this.library.list({ kind: 'goroutines' }).filter((a) => a.run === run);
    if (dumps.length === 0) throw new GpwError('not_found', `run ${run} has no goroutine dump`);
    const rank = (a: Artifact): number => (a.subtype === 'goroutine' ? 1 : 0);
    dumps.sort((x, y) => rank(y) - rank(x) || (y.capturedAt ?? y.importedAt) - (x.capturedAt ?? x.importedAt));
    return dumps[0].id;
  }
}

function refOf(a: Artifact, dump: GoroutineDump): DumpRef {
  return { id: a.id, name: a.file ?? a.source, run: a.run, capturedAt: a.capturedAt ?? a.importedAt, total: dump.total };
}
