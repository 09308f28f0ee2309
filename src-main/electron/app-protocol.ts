// The gpw-app:// protocol: serves the built renderer with the same CSP as gpw serve, and
// nothing outside the renderer folder.

import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { staticFilePath, staticHeaders } from '../server/static-files.js';

export const APP_SCHEME = 'gpw-app';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'app' ? staticFilePath(rendererDir, url.pathname) : null;
    if (!file) return new Response('forbidden', { status: 403 });
    try {
      return new Response(await readFile(file), { headers: staticHeaders(file) });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
