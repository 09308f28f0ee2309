// Electron entry: one window onto the engine. Kept thin: the engine does the work; this file
// only wires the window, the app protocol and IPC, and locks navigation down.

import { app, BrowserWindow, dialog, shell } from 'electron';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Engine } from '../engine.js';
import { LIBRARY_FILE } from '../library/default-path.js';
import { bindContract } from './ipc.js';
import { safeStorageCipher } from './safe-storage-cipher.js';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './app-protocol.js';

const HERE = new URL('.', import.meta.url);
const path = (rel: string): string => fileURLToPath(new URL(rel, HERE));

registerAppScheme();

function nativeBinding(): string | undefined {
  // scripts/electron-native.mjs builds better-sqlite3 for Electron's ABI next to the Node build,
  // under .gpw-native/electron-<abi>/better-sqlite3-<version>/.
  const { version } = JSON.parse(readFileSync(path('../../node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string };
  const candidate = path(`../../.gpw-native/electron-${process.versions.modules}/better-sqlite3-${version}/better_sqlite3.node`);
  return existsSync(candidate) ? candidate : undefined;
}

async function start(): Promise<void> {
  await app.whenReady();
  // GPW_LIBRARY, else the userData folder (the same file the CLI uses by default).
  const libraryPath = process.env.GPW_LIBRARY || join(app.getPath('userData'), LIBRARY_FILE);
  const engine = new Engine({
    libraryPath,
    workerPath: path('./profile-worker.js'),
    demoDir: path('../../resources/demo/'),
    nativeBinding: nativeBinding(),
    warmUp: true,
    secretCipher: safeStorageCipher(),
    runSchedules: true,
    // Escape analysis of a module folder: the user picks it here, in the main process.
    chooseModuleFolder: async () => {
      const picked = await dialog.showOpenDialog(BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0], {
        title: 'A Go module folder to build for escape analysis (go build -gcflags=-m=2)',
        properties: ['openDirectory'],
      });
      return picked.canceled || picked.filePaths.length === 0 ? null : picked.filePaths[0];
    },
    // Files to import: the native dialog names paths, imported as the CLI imports them (perf
    // script and folded text as a stream, with progress), never read into the page.
    chooseImportFiles: async () => {
      const picked = await dialog.showOpenDialog(BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0], {
        title: 'Files to import into the gpw library',
        properties: ['openFile', 'multiSelections'],
      });
      return picked.canceled ? null : picked.filePaths;
    },
  });
  bindContract(engine);
  serveRenderer(path('../renderer/'));

  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'gpw',
    webPreferences: {
      preload: path('../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  await win.loadURL(`${APP_ORIGIN}/index.html`);

  app.on('window-all-closed', () => {
    void engine.close().finally(() => app.quit());
  });
}

start().catch((err: unknown) => {
  // Without this a failed start (native module, locked library, missing build) leaves a
  // process with no window and no word.
  dialog.showErrorBox('gpw could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
});
