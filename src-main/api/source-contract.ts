// The contract's source methods (spread into `contract` in contract.ts): annotated source as
// pprof's -list, pprof's -peek, and the compiler's escape analysis joined to a profile. They
// take the view options of every profile view; contract.ts hands them over (no import cycle).

import { object, optional, string, type Infer, type Schema, method, type Method } from './schema.js';
import type { DisasmReport, EscapeReport, PeekReport, SourceListing } from './source-types.js';


const id = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
const sampleType = string({ min: 1, max: 256 });

/** `view`: contract.ts's viewOptionsFields; `regexp`: its checked Go regexp. */
export function sourceMethods<V extends Record<string, Schema<unknown>>>(view: V, regexp: Schema<string>) {
  const listArgs = object({ ...view, function: regexp, escapes: optional(id) });
  const peekArgs = object({ ...view, function: regexp });
  const escapeArgs = object({ id: optional(id), profile: optional(id), sampleType: optional(sampleType) });
  return {
    /** Per-line flat/cum of the functions matching a regexp, with their source (pprof -list) and the escape analysis of the profile's run (or `escapes`). */
    sourceList: method<Infer<typeof listArgs>, SourceListing>(listArgs),
    /** Per-instruction flat/cum of the sampled functions matching a regexp (pprof -disasm), from the binary at hand with the profile's build ID. */
    sourceDisasm: method<Infer<typeof peekArgs>, DisasmReport>(peekArgs),
    /** Callers and callees of the functions matching a regexp with their shares (pprof -peek). */
    sourcePeek: method<Infer<typeof peekArgs>, PeekReport>(peekArgs),
    /** An escapes artifact's sites (`id`, else the newest of the profile's run), joined to a heap/allocs profile when given: per-site figures and "hot allocations and why". */
    escapeSites: method<Infer<typeof escapeArgs>, EscapeReport>(escapeArgs),
  };
}
