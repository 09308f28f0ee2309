// The contract's source methods (spread into `contract` in contract.ts): annotated source as
// pprof's -list, pprof's -peek, and the compiler's escape analysis joined to a profile. They
// take the view options of every profile view; contract.ts hands them over (no import cycle).

import { integer, object, optional, string, type Infer, type Schema, method, type Method } from './schema.js';
import type { DisasmReport, EscapeBuildFolders, EscapeReport, PeekReport, SourceListing } from './source-types.js';
import type { ImportResult } from './types.js';


const id = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
const sampleType = string({ min: 1, max: 256 });
/** A go build package pattern (services/escape-build.ts checks it again). */
const packagePattern = string({ min: 1, max: 512, pattern: /^[A-Za-z0-9._~+/][A-Za-z0-9._~+/-]*$/ });

/** `view`: contract.ts's viewOptionsFields; `regexp`: its checked Go regexp. */
export function sourceMethods<V extends Record<string, Schema<unknown>>>(view: V, regexp: Schema<string>) {
  const listArgs = object({ ...view, function: regexp, escapes: optional(id) });
  const peekArgs = object({ ...view, function: regexp });
  const escapeArgs = object({ id: optional(id), profile: optional(id), sampleType: optional(sampleType) });
  const buildArgs = object({ folder: optional(integer({ min: 0, max: 255 })), package: optional(packagePattern), run: optional(string({ min: 1, max: 256 })) });
  return {
    /** Per-line flat/cum of the functions matching a regexp, with their source (pprof -list) and the escape analysis of the profile's run (or `escapes`). */
    sourceList: method<Infer<typeof listArgs>, SourceListing>(listArgs),
    /** Per-instruction flat/cum of the sampled functions matching a regexp (pprof -disasm), from the binary at hand with the profile's build ID. */
    sourceDisasm: method<Infer<typeof peekArgs>, DisasmReport>(peekArgs),
    /** Callers and callees of the functions matching a regexp with their shares (pprof -peek). */
    sourcePeek: method<Infer<typeof peekArgs>, PeekReport>(peekArgs),
    /** An escapes artifact's sites (`id`, else the newest of the profile's run), joined to a heap/allocs profile when given: per-site figures and "hot allocations and why". */
    escapeSites: method<Infer<typeof escapeArgs>, EscapeReport>(escapeArgs),
    /** The module folders escapeBuild may build (by index), and whether it can ask with a native dialog. */
    escapeBuildFolders: method<Record<string, never>, EscapeBuildFolders>(object({})),
    /** go build -gcflags=-m=2 on a module folder (an index of escapeBuildFolders, else the native dialog's choice), kept as an escapes artifact in `run`; no artifacts when the dialog was cancelled. */
    escapeBuild: method<Infer<typeof buildArgs>, ImportResult>(buildArgs),
  };
}
