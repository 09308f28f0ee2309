// The engine's GC-log methods: reads a gctrace artifact (or, for the CLI, a file), keeps the
// fitted model of the last few logs, and answers run view, what-if and trade-off questions.
// The replay is a few hundred closed-form cycles (well under a millisecond per setting), so it
// runs on the main thread; the trade-off sweep (about 30 replays) takes a few milliseconds.

import type { Artifact } from '../api/types.js';
import type { GcRunView, GcTradeoff, GcWhatIf, GcWhatIfRequest } from '../api/gc-types.js';
import { GpwError } from '../api/errors.js';
import { FormatError } from '../formats/format-error.js';
import { parseGctrace } from '../formats/gctrace/parse-gctrace.js';
import { buildGcModel, gcRunView, gcTradeoff, gcWhatIf, type GcModel } from '../analysis/gc/gc-analysis.js';
import type { Library } from '../library/library.js';

const KEEP_MODELS = 4;

export class GcService {
  private readonly models = new Map<string, GcModel>();

  constructor(private readonly library: Library) {}

  run(id: string): GcRunView {
    return gcRunView(this.model(id));
  }

  whatIf(id: string, req: GcWhatIfRequest): GcWhatIf {
    return gcWhatIf(this.model(id), req);
  }

  tradeoff(id: string, req: { memLimitBytes?: number; budgetBytes?: number; nonHeapBytes?: number }): GcTradeoff {
    return gcTradeoff(this.model(id), req);
  }

  /** The model of a gctrace file that is not in the library (the CLI reads it). */
  modelOfBytes(name: string, bytes: Uint8Array): GcModel {
    try {
      return buildGcModel(parseGctrace(bytes));
    } catch (err) {
      if (err instanceof FormatError) throw new GpwError('bad_input', `${name}: ${err.message}`);
      throw err;
    }
  }

  /** The fitted model of a library GC log (kept for the next question). */
  model(id: string): GcModel {
    const artifact = this.requireGclog(id);
    const cached = this.models.get(artifact.sha256);
    if (cached) {
      this.models.delete(artifact.sha256);
      this.models.set(artifact.sha256, cached);
      return cached;
    }
    const bytes = this.library.blobs.get(artifact.sha256);
    if (!bytes) throw new GpwError('internal', `the library has lost the data of artifact ${id}`);
    const model = this.modelOfBytes(artifact.file ?? id, bytes);
    this.models.set(artifact.sha256, model);
    if (this.models.size > KEEP_MODELS) this.models.delete(this.models.keys().next().value!);
    return model;
  }

  private requireGclog(id: string): Artifact {
    const a = this.library.get(id);
    if (!a) throw new GpwError('not_found', `no artifact ${id} in the library`);
    if (a.kind !== 'gclog') throw new GpwError('invalid_argument', `artifact ${id} is a ${a.kind}, not a GC log`);
    return a;
  }
}
