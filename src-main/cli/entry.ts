// The gpw command's entry (out/main/cli.js): `gpw top ID` whose table the library keeps is
// answered from the library alone (cli/stored-top.ts), `gpw trace FILE` with only the trace
// command, the parser and the analyses loaded (cli/trace-file.ts); every other command loads the
// whole CLI (cli/gpw.ts) and the engine, which this file does not import until then. The commands that
// read profiles (gpw import, export, and a top the library does not keep) start their profile
// worker first, so that the worker's start-up overlaps the loading of the engine and the library;
// gpw import of a big gzip file reads, gunzips and locates its samples first and hands it to that
// worker, which walks them meanwhile.

import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { startProfileWorkerEarly } from '../workers/profile-worker-client.js';
import { readAheadForImport } from '../import/shared-read.js';
import { MessageChannel } from 'node:worker_threads';

/** Commands that read profiles in the profile worker. */
const PROFILE_COMMANDS = new Set(['import', 'export', 'top']);

const argv = process.argv.slice(2);
// gpw trace keeps a trace in typed arrays and makes few, short-lived objects: V8's young
// generation kept at its first size (not grown from 1 to 4 MiB a half) holds them as well, for
// 4-6 MiB less peak memory and no measurable time (a big trace: 0.62 s CPU either way). And its
// optimizing compiler inlines nothing there: the parser's hot paths are big methods that gain
// nothing from it, while compiling them with inlining took up to 5 MiB more (its threads' heaps).
// Its loops compiled on the stack (OSR: the summary's passes over the transitions) are compiled
// at once on this thread rather than on a helper's while the loop goes on unoptimized: ~5 % less
// CPU and ~1 MB less peak memory on the bench traces (the helpers' malloc arenas keep less).
if (argv[0] === 'trace') setFlagsFromString('--semi-space-growth-factor=1 --no-turbo-inlining --no-concurrent-osr');
void (async () => {
  if (argv[0] === 'top' && (await import('./stored-top.js')).printStoredTop(argv.slice(1))) return;
  if (argv[0] === 'trace' && (await import('./trace-file.js')).printTraceFile(argv.slice(1))) return;
  if (PROFILE_COMMANDS.has(argv[0])) {
    // gpw import of one big gzip file: the worker gets it at once and scans it while the engine
    // loads; this thread gunzips it (into shared memory) while the worker starts up and locates
    // its samples as they arrive (workers/read-ahead.ts).
    const readAhead = argv[0] === 'import' ? readAheadForImport(argv.slice(1)) : undefined;
    const data = readAhead ? new MessageChannel() : undefined;
    startProfileWorkerEarly(fileURLToPath(new URL('./profile-worker.js', import.meta.url)), readAhead && data && { bytes: readAhead, data: data.port2 });
    if (readAhead && data) {
      // Loaded here only: gpw top ID, answered from the library, needs neither zlib nor the decoder.
      const { gunzipAhead } = await import('../workers/read-ahead.js');
      await gunzipAhead(readAhead, data.port1);
      data.port1.unref();
    }
  }
  const { runGpw } = await import('./gpw.js');
  runGpw(argv, import.meta.url);
})();
