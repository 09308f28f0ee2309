// For the benchmarks of the app's own import path: the engine made with the options the Electron
// app gives it (src-main/electron/main.ts), served to a browser as `gpw serve` serves its engine
// (src-main/cli/gpw.ts: startServer, the URL printed on standard output, SIGINT/SIGTERM close it).
// The one stand-in is the native open dialog's answer: "Import files…" gets FILE, as if the user
// had chosen it there, and imports it from its path (services/upload-service.ts `choose`), no upload.
// Not the app's: secretCipher (Electron's safeStorage), nativeBinding (better-sqlite3 built for
// Electron's ABI) and the module-folder dialog, which the import does not touch.
//
//   npm run build && GPW_LIBRARY=lib.sqlite node tests/bench/dialog-serve.mjs FILE
//   (tests/bench/served-page.mjs: openServedPage(library, { dialogFile: FILE }))
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const built = (rel) => fileURLToPath(new URL(`../../out/${rel}`, import.meta.url));
const chosen = process.argv[2];
const libraryPath = process.env.GPW_LIBRARY;
if (!chosen || !libraryPath) {
  process.stderr.write('usage: GPW_LIBRARY=PATH node tests/bench/dialog-serve.mjs FILE\n');
  process.exit(2);
}
if (!existsSync(built('main/serve.js'))) {
  process.stderr.write('dialog-serve: run `npm run build` first\n');
  process.exit(1);
}
const { Engine } = await import(built('main/engine.js'));
const { startServer } = await import(built('main/serve.js'));

const engine = new Engine({
  libraryPath,
  workerPath: built('main/profile-worker.js'),
  demoDir: fileURLToPath(new URL('../../resources/demo/', import.meta.url)),
  warmUp: true,
  runSchedules: true,
  // The native dialog, answered: the file the bench chose.
  chooseImportFiles: async () => [resolve(chosen)],
});
const server = await startServer({ api: engine, rendererDir: built('renderer/'), port: 0 });
process.stdout.write(`gpw serve: library ${engine.library.path}\n`);
process.stdout.write(`open ${server.url}\n`);
const stop = () => {
  void server.close().then(() => engine.close()).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
