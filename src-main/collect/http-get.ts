// One GET against a target with node:http/https: explicit timeouts (the server may hold the
// answer for the requested seconds), a body limit enforced while streaming, TLS options,
// cancellation, progress, and a seam (`connect`) through which another transport (an SSH port
// forward) can carry the bytes. Redirects are never followed: they are reported.

import { request as httpRequest, type IncomingMessage, type ClientRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { GpwError } from '../api/errors.js';
import { explainNetworkError } from './capture-errors.js';

/** Opens a byte stream to host:port by other means (e.g. an SSH forwarded channel); TLS is layered on top for https. */
export type ConnectHook = (target: { host: string; port: number }) => Promise<Duplex>;

export interface HttpGetOptions {
  headers?: Record<string, string>;
  /** PEM of extra CA certificates to trust. */
  ca?: string;
  /** rejectUnauthorized: false — only when the target explicitly says so. */
  insecureSkipVerify?: boolean;
  /** How long the server is expected to hold the answer (?seconds=N). */
  waitMs: number;
  /** Allowed beyond waitMs for the answer to start, and the longest pause in the body. */
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  connect?: ConnectHook;
  onProgress?: (p: { phase: 'collecting' | 'downloading'; bytes: number; totalBytes: number | null }) => void;
}

export interface HttpGetResult {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const MiB = 2 ** 20;
export const formatLimit = (n: number): string => (n >= MiB ? `${+(n / MiB).toFixed(1)} MiB` : `${n} bytes`);

export function httpGet(url: URL, opts: HttpGetOptions): Promise<HttpGetResult> {
  return new Promise<HttpGetResult>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelled());
    const https = url.protocol === 'https:';
    const port = Number(url.port || (https ? 443 : 80));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const options: RequestOptions & { ca?: string; rejectUnauthorized?: boolean; servername?: string } = {
      host,
      port,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { 'User-Agent': 'gpw', 'Accept-Encoding': 'identity', ...opts.headers },
      // No agent: a fresh connection per capture. (With a connect hook, Node only calls
      // createConnection when `agent` is left undefined; `false` would make its own agent.)
      agent: opts.connect ? undefined : false,
    };
    if (https) {
      if (opts.ca) options.ca = opts.ca;
      options.rejectUnauthorized = opts.insecureSkipVerify !== true;
      if (!isIP(host)) options.servername = host;
    }
    if (opts.connect) {
      const hook = opts.connect;
      options.createConnection = ((_o: unknown, done: (err: Error | null, s?: Duplex) => void) => {
        hook({ host, port }).then(
          (stream) => done(null, https ? tlsConnect({ socket: stream as Socket, ca: options.ca, rejectUnauthorized: options.rejectUnauthorized, servername: options.servername }) : stream),
          (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
        );
        return undefined;
      }) as unknown as RequestOptions['createConnection'];
    }

    let settled = false;
    let req: ClientRequest | null = null;
    const started = Date.now();
    const finish = (err: Error | null, result?: HttpGetResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(answerTimer);
      clearInterval(ticker);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req?.destroy();
        reject(err);
      } else resolve(result!);
    };
    const onAbort = (): void => finish(cancelled());
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    // The answer must start within the requested seconds plus the timeout.
    const answerMs = opts.waitMs + opts.timeoutMs;
    const answerTimer = setTimeout(() => {
      finish(new GpwError('unavailable', `${url.href}: no answer within ${Math.round(answerMs / 1000)} s (${opts.waitMs ? `${opts.waitMs / 1000} s of capture plus ` : ''}the target's timeout of ${opts.timeoutMs / 1000} s); the service may be overloaded, or raise the target's timeout`));
    }, answerMs);
    const ticker = setInterval(() => opts.onProgress?.({ phase: 'collecting', bytes: 0, totalBytes: null }), 250);
    opts.onProgress?.({ phase: 'collecting', bytes: 0, totalBytes: null });

    req = (https ? httpsRequest : httpRequest)(options);
    req.on('error', (err) => finish(settled ? err : explainNetworkError(err, url)));
    req.on('response', (res) => {
      clearTimeout(answerTimer);
      clearInterval(ticker);
      const lengthHeader = res.headers['content-length'];
      const totalBytes = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
      if (totalBytes !== null && totalBytes > opts.maxBytes) return finish(tooLarge(url, opts.maxBytes, totalBytes));
      const chunks: Buffer[] = [];
      let bytes = 0;
      // A trace streams while it records: pauses may last until the requested seconds are over.
      const idleMs = opts.timeoutMs + Math.max(0, started + opts.waitMs - Date.now());
      res.setTimeout(idleMs, () =>
        finish(new GpwError('unavailable', `${url.href}: the download stalled for ${Math.round(idleMs / 1000)} s after ${bytes} bytes`)),
      );
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > opts.maxBytes) return finish(tooLarge(url, opts.maxBytes, null));
        chunks.push(chunk);
        opts.onProgress?.({ phase: 'downloading', bytes, totalBytes });
      });
      res.on('error', (err) => finish(explainNetworkError(err, url)));
      res.on('aborted', () => finish(new GpwError('unavailable', `${url.href}: the server closed the connection after ${bytes} bytes (${Date.now() - started} ms)`)));
      res.on('end', () => {
        if (totalBytes !== null && bytes !== totalBytes) {
          return finish(new GpwError('unavailable', `${url.href}: the answer ended after ${bytes} of ${totalBytes} bytes`));
        }
        finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, bytes) });
      });
    });
    req.end();
  });
}

function cancelled(): GpwError {
  return new GpwError('unavailable', 'cancelled');
}

function tooLarge(url: URL, limit: number, announced: number | null): GpwError {
  const what = announced === null ? 'grew past' : `is ${formatLimit(announced)}, over`;
  return new GpwError('too_large', `${url.href}: the answer ${what} the target's limit of ${formatLimit(limit)}; raise "max body size" for this target if that size is expected`);
}

export const isCancellation = (err: unknown): boolean => err instanceof GpwError && err.message === 'cancelled';
