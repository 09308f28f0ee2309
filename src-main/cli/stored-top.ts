// gpw top ID from the library alone: the import keeps each profile's default top table (and the
// app keeps the tables its views asked for), so a new `gpw top ID` process that asks for one of
// them reads it back without loading the engine, its services or a profile worker (most of a
// short command's time is loading them). The same key as the engine's (workers/cached-views.ts),
// so the answer is the one the engine would give; anything else (a file, --merge, --diff-base, a
// table not kept, a missing library or artifact, bad arguments) is left to the whole CLI, which
// also words every error.

import { existsSync } from 'node:fs';
import { PROFILE_KINDS, type TopTable } from '../api/types.js';
import { Library } from '../library/library.js';
import { ViewCache } from '../library/view-cache.js';
import { cacheKey, defaultSampleTypeOf, summarySampleType, topRequest } from '../workers/cached-views.js';
import { viewRequest } from '../workers/view-request.js';
import { COMMON_FLAGS, parseArgs } from './args.js';
import { chooseLibrary } from './library-choice.js';
import { topArguments, topOutput, TOP_FLAGS } from './top-command.js';
import { runToExit } from './output.js';

/** The kept table `gpw top ARGS…` asks for, or undefined when the whole CLI must answer. */
export function storedTop(argv: string[]): { table: TopTable; json: boolean } | undefined {
  try {
    const args = parseArgs(argv, { ...COMMON_FLAGS, ...TOP_FLAGS });
    if (args.flags.has('help')) return undefined;
    const { target: id, options } = topArguments(args);
    // As the engine's CLI sources: an existing file is a file, anything else an artifact id.
    if (options.merge || options.diffBase || existsSync(id) || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
    const choice = chooseLibrary('top', args);
    if (choice.missing || choice.creates) return undefined;
    const library = new Library(choice.open);
    try {
      const artifact = library.get(id);
      if (!artifact || !PROFILE_KINDS.includes(artifact.kind)) return undefined;
      const view = viewRequest([{ sha256: artifact.sha256, name: artifact.file ?? id, load: () => new Uint8Array() }], [], options);
      // The type by its name (pprof's index, gpw's type/unit: the same table); one the profile lacks throws.
      const sampleType = summarySampleType(options.sampleType, artifact);
      const key = cacheKey(topRequest(view, sampleType, options.nodecount, options.sort), defaultSampleTypeOf(artifact));
      const table = new ViewCache(library.db).get<TopTable>(artifact.sha256, key);
      return table && { table, json: args.flags.has('json') };
    } finally {
      library.close();
    }
  } catch {
    // Whatever went wrong here, the whole CLI meets it again and says what it is.
    return undefined;
  }
}

/** Prints the kept table `gpw top ARGS…` asks for and exits; false (nothing printed) when the whole CLI must answer. */
export function printStoredTop(argv: string[]): boolean {
  const stored = storedTop(argv);
  if (!stored) return false;
  runToExit(async () => {
    process.stdout.write(topOutput(stored.table, stored.json));
    return 0;
  });
  return true;
}
