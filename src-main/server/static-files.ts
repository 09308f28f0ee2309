// Serving the built renderer, shared by gpw serve and Electron's app protocol: content types,
// security headers (with the CSP on HTML), and URL paths that may not leave the renderer folder.

import { extname, join, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './csp.js';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/**
 * The file a URL path names inside root ("/" is index.html), or null when the path is not
 * decodable, holds a NUL, or would step outside root.
 */
export function staticFilePath(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.split(/[\\/]/).includes('..')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const base = resolve(root);
  const file = resolve(join(base, path));
  return file.startsWith(base + sep) ? file : null;
}

export function staticHeaders(file: string): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
  if (extname(file) === '.html') headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
  return headers;
}
