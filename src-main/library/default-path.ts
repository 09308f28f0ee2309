// Where the library lives unless --library or GPW_LIBRARY says otherwise: the platform's
// app-data folder, the same one Electron's userData points to for an app named gpw.

import { homedir } from 'node:os';
import { join } from 'node:path';

export const LIBRARY_FILE = 'library.sqlite';

export function appDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'gpw');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'gpw');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'gpw');
}

export function resolveLibraryPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.GPW_LIBRARY || join(appDataDir(env), LIBRARY_FILE);
}
