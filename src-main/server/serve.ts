// gpw serve: the contract over WebSocket, plus the built renderer as static files, and a file's
// bytes for an upload as one request body (POST /api/upload: upload-body.ts).
// Binds 127.0.0.1 only; a per-run token (kept in the URL fragment) guards the API;
// a foreign Host gets 421, a foreign Origin or a missing token gets 403.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_IMPORT_BYTES, dispatch, type GpwApi } from '../api/contract.js';
import { decodeFrame, encodeFrame } from '../api/wire.js';
import { staticFilePath, staticHeaders } from './static-files.js';
import { receiveUploadBody } from './upload-body.js';
import { timingLine, timingOn } from '../timing-log.js';

export interface ServeOptions {
  api: GpwApi;
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}


export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const root = resolve(options.rendererDir);
  let port = 0;

  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);
  const hostOk = (req: IncomingMessage): boolean => allowedHosts().includes(req.headers.host ?? '');
  const originOk = (req: IncomingMessage, required: boolean): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined) return !required;
    return allowedOrigins().includes(origin);
  };
  const tokenOk = (value: string | string[] | null | undefined): boolean => {
    const given = Buffer.from(typeof value === 'string' ? value : '');
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  };

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });
  // An upload's body may take as long as it needs while its bytes keep coming (upload-body.ts drops
  // one that stalls); Node's default would end any request after 5 minutes. Headers still have to
  // come within headersTimeout.
  server.requestTimeout = 0;

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostOk(req)) return send(res, 421, 'misdirected request: unknown Host');
    if (!originOk(req, false)) return send(res, 403, 'forbidden: foreign Origin');
    const url = parseRequestUrl(req);
    if (!url) return send(res, 400, 'bad request target');
    if (url.pathname === '/api/upload') {
      // Origin is required here (a browser sends it on every POST); the token comes in a header,
      // which a page of another origin cannot set without a preflight this server never allows.
      if (req.method !== 'POST') return send(res, 405, 'method not allowed');
      if (!originOk(req, true) || !tokenOk(req.headers['x-gpw-token'])) return send(res, 403, 'forbidden');
      return receiveUploadBody(req, res, options.api, url.searchParams.get('id') ?? '');
    }
    if (url.pathname === '/api') return send(res, 403, 'forbidden: the API is served over WebSocket with the token');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    const file = staticFilePath(root, url.pathname);
    if (!file) return send(res, 403, 'forbidden path');
    const st = await stat(file).catch(() => null);
    if (!st || !st.isFile()) return send(res, 404, 'not found');
    const body = await readFile(file);
    const headers = {
      ...staticHeaders(file),
      'Content-Length': String(body.length),
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
    };
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_IMPORT_BYTES + 4 * 1024 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the raw socket over without its own error listener: a peer that resets the
    // connection must not take the server down.
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostOk(req)) return refuse(421, 'Misdirected Request');
    if (!originOk(req, true)) return refuse(403, 'Forbidden');
    const url = parseRequestUrl(req);
    if (!url) return refuse(400, 'Bad Request');
    if (url.pathname !== '/api' || !tokenOk(url.searchParams.get('token'))) return refuse(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, options.api));
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((ok) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** The request target as a URL, or null when it is not one (e.g. "//"). */
function parseRequestUrl(req: IncomingMessage): URL | null {
  const target = req.url ?? '/';
  if (!target.startsWith('/') || target.startsWith('//')) return null;
  return URL.canParse(target, 'http://127.0.0.1') ? new URL(target, 'http://127.0.0.1') : null;
}

/** A plain answer; a refusal (4xx, 5xx) closes the connection, so a body sent with the request is not read on. */
function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...(status >= 400 ? { Connection: 'close' } : {}) });
  res.end(text + '\n');
}

function serveSocket(ws: WebSocket, api: GpwApi): void {
  ws.binaryType = 'nodebuffer';
  // Invalid UTF-8, a frame over maxPayload, a reset: close this socket, keep serving others.
  ws.on('error', () => ws.terminate());
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    let request: { id?: unknown; method?: unknown; args?: unknown };
    try {
      request = (isBinary ? decodeFrame(data) : JSON.parse(data.toString('utf8'))) as typeof request;
    } catch {
      ws.send(encodeFrame({ id: null, ok: false, error: { code: 'invalid_argument', message: 'malformed request frame' } }));
      return;
    }
    const id = typeof request?.id === 'number' ? request.id : null;
    const t0 = performance.now();
    void dispatch(api, request?.method, request?.args).then((envelope) => {
      const t1 = performance.now();
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame({ id, ...envelope }));
      if (timingOn) timingLine(`serve ${String(request?.method)}: ${(t1 - t0).toFixed(0)} ms + send ${(performance.now() - t1).toFixed(0)} ms (in ${data.length} B)`);
    });
  });
}
