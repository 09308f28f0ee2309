// Runs the built `gpw serve` as a child process and talks to it with requests whose every header
// (Host, Origin, the raw request target) the test chooses.
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { repoPath } from './paths';
import { reapOnExit } from './child-reaper';

export interface ServeProcess {
  /** The URL `gpw serve` printed: http://127.0.0.1:PORT/#token=TOKEN */
  url: string;
  host: string;
  port: number;
  token: string;
  proc: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** True once the child has exited (for any reason). */
  exited(): boolean;
  /** SIGTERM, then SIGKILL if it has not exited within the bound; resolves once it is gone. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Starts `node bin/gpw.js serve` on a temp library and waits (bounded) for the URL line. */
export function startServe(library: string, timeoutMs = 45_000, extraArgs: string[] = []): Promise<ServeProcess> {
  const proc = reapOnExit(spawn(process.execPath, [repoPath('bin/gpw.js'), 'serve', ...extraArgs], {
    env: { ...process.env, GPW_LIBRARY: library },
    stdio: ['ignore', 'pipe', 'pipe'],
  }));
  let stdout = '';
  let stderr = '';
  let exitCode: number | null | undefined;
  const exitedP = new Promise<void>((ok) => proc.once('exit', (code) => ((exitCode = code), ok())));
  proc.stdout!.setEncoding('utf8');
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (d: string) => (stderr += d));

  const stop = async (ms = 5_000): Promise<void> => {
    if (exitCode !== undefined) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), ms);
    await exitedP;
    clearTimeout(timer);
  };

  return new Promise<ServeProcess>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      void stop(1_000).then(() => reject(new Error(`gpw serve did not start: ${why}\nstdout: ${stdout}\nstderr: ${stderr}`)));
    };
    const timer = setTimeout(() => fail(`no URL within ${timeoutMs} ms`), timeoutMs);
    const onEarlyExit = (code: number | null): void => fail(`exited with code ${code}`);
    proc.once('exit', onEarlyExit);
    proc.stdout!.on('data', (d: string) => {
      stdout += d;
      const m = /open (http:\/\/([^:/]+):(\d+)\/#token=([A-Za-z0-9_-]+))/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      proc.off('exit', onEarlyExit);
      resolve({
        url: m[1],
        host: m[2],
        port: Number(m[3]),
        token: m[4],
        proc,
        stderr: () => stderr,
        exited: () => exitCode !== undefined,
        stop,
      });
    });
  });
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTP request to 127.0.0.1:port with exactly these headers (no Host is added: pass one)
 * and the request target sent as given (no normalisation).
 */
export function httpRaw(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: Uint8Array },
  timeoutMs = 10_000,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method: opts.method ?? 'GET',
      path: opts.path,
      headers: { Connection: 'close', ...opts.headers },
      setHost: false,
      agent: false,
      timeout: timeoutMs,
    });
    req.on('timeout', () => req.destroy(new Error(`HTTP ${opts.method ?? 'GET'} ${opts.path} timed out`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.end(opts.body);
  });
}

/**
 * Writes raw bytes to 127.0.0.1:port and collects whatever comes back until the peer closes
 * (bounded: gpw serve closes these within milliseconds; a loaded machine may take seconds).
 */
export function tcpRaw(port: number, text: string, timeoutMs = 15_000): Promise<{ data: string; error?: string }> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let data = '';
    let done = false;
    const finish = (error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ data, error });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => (data += d));
    sock.on('end', () => finish());
    sock.on('close', () => finish());
    sock.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    sock.write(text);
  });
}

export type WsAttempt = { opened: true; ws: WebSocket } | { opened: false; status?: number; error?: string };

/**
 * Opens a WebSocket to the server (always connecting to 127.0.0.1:port) with the given path,
 * Host and Origin headers; resolves with the open socket or the refusal's HTTP status.
 */
export function wsAttempt(
  port: number,
  path: string,
  opts: { host?: string; origin?: string } = {},
  timeoutMs = 10_000,
): Promise<WsAttempt> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    if (opts.host !== undefined) headers.Host = opts.host;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers, origin: opts.origin, handshakeTimeout: timeoutMs });
    let done = false;
    const finish = (r: WsAttempt): void => {
      if (done) return;
      done = true;
      resolve(r);
    };
    ws.on('open', () => finish({ opened: true, ws }));
    ws.on('unexpected-response', (req, res) => {
      res.resume();
      req.destroy();
      finish({ opened: false, status: res.statusCode });
    });
    ws.on('error', (e) => finish({ opened: false, error: e.message }));
  });
}

/** Sends one binary frame on an open socket and resolves with the next message (bounded). */
export function wsRoundTrip(ws: WebSocket, frame: Uint8Array | string, timeoutMs = 30_000): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      reject(new Error(`no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (data: Buffer, isBinary: boolean): void => {
      clearTimeout(timer);
      resolve({ data, isBinary });
    };
    ws.once('message', onMessage);
    ws.send(frame, { binary: typeof frame !== 'string' });
  });
}

/** Closes a socket and waits (bounded) for it to be closed. */
export function wsClose(ws: WebSocket, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, timeoutMs);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.close();
  });
}
