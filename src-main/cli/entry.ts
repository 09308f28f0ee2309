// The gpw command's entry (out/main/cli.js): `gpw top ID` whose table the library keeps is
// answered from the library alone (cli/stored-top.ts); every other command loads the whole CLI
// (cli/gpw.ts) and the engine, which this file does not import until then. gpw import starts
// its profile worker first, so that the worker's start-up overlaps the loading of the engine.

import { fileURLToPath } from 'node:url';
import { startProfileWorkerEarly } from '../workers/profile-worker-client.js';

const argv = process.argv.slice(2);
if (argv[0] === 'import') startProfileWorkerEarly(fileURLToPath(new URL('./profile-worker.js', import.meta.url)));
void (async () => {
  if (argv[0] === 'top' && (await import('./stored-top.js')).printStoredTop(argv.slice(1))) return;
  const { runGpw } = await import('./gpw.js');
  runGpw(argv, import.meta.url);
})();
