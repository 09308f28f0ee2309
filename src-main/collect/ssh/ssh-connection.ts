// An open SSH connection (plus the jump hosts it goes through): run commands with bounded output
// and time, read remote files over SFTP, open TCP connections from the remote side.

import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import type { Duplex } from 'node:stream';
import { GpwError } from '../../api/errors.js';
import { hostToken } from './known-hosts.js';

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: string;
}

export interface ExecOptions {
  timeoutMs: number;
  maxStdout?: number;
  maxStderr?: number;
  /** Called with each stderr chunk as it arrives. */
  onStderr?: (text: string) => void;
  /** Called with each stdout chunk (the output is still collected up to maxStdout). */
  onStdout?: (chunk: Buffer) => void;
  /** Aborting closes the channel (the remote command must also be stopped by its own means). */
  signal?: AbortSignal;
}

/** The bytes asked for in one SFTP read of readWhole. */
const READ_CHUNK = 32 * 1024;

export class SshConnection {
  private closed = false;
  private sftpSession: Promise<SFTPWrapper> | null = null;

  constructor(
    readonly label: string,
    /** Jump hosts first, the target last. */
    private readonly clients: Client[],
  ) {
    this.target.on('close', () => (this.closed = true));
    // A connection that fails later (reset, keepalive timeout) must not throw from an emitter.
    for (const c of clients) c.on('error', () => (this.closed = true));
  }

  private get target(): Client {
    return this.clients[this.clients.length - 1];
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  close(): void {
    this.closed = true;
    for (const c of [...this.clients].reverse()) c.end();
  }

  private channel(command: string): Promise<ClientChannel> {
    if (this.closed) return Promise.reject(new GpwError('unavailable', `${this.label}: not connected`));
    return new Promise((resolve, reject) => {
      this.target.exec(command, (err, stream) => (err ? reject(new GpwError('unavailable', `${this.label}: ${err.message}`)) : resolve(stream)));
    });
  }

  /** Runs a command line (built by remote-command.ts, never from raw user text). */
  async exec(command: string, opts: ExecOptions): Promise<ExecResult> {
    const stream = await this.channel(command);
    const maxOut = opts.maxStdout ?? 8 << 20;
    const maxErr = opts.maxStderr ?? 64 << 10;
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      let outBytes = 0;
      let err = '';
      let overflow = false;
      let code: number | null = null;
      let sig: string | null = null;
      const timer = setTimeout(() => fail(new GpwError('unavailable', `${this.label}: the remote command did not finish within ${Math.round(opts.timeoutMs / 1000)} s`)), opts.timeoutMs);
      const onAbort = (): void => fail(new GpwError('unavailable', 'cancelled'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = (): void => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      function fail(e: Error): void {
        cleanup();
        stream.close();
        reject(e);
      }
      stream.on('data', (chunk: Buffer) => {
        opts.onStdout?.(chunk);
        if (outBytes + chunk.length > maxOut) {
          overflow = true;
          return;
        }
        out.push(chunk);
        outBytes += chunk.length;
      });
      stream.stderr.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        opts.onStderr?.(text);
        if (err.length < maxErr) err += text.slice(0, maxErr - err.length);
      });
      stream.on('exit', (c: number | null, s?: string) => {
        code = c;
        sig = s ?? null;
      });
      stream.on('close', () => {
        cleanup();
        if (overflow) return reject(new GpwError('too_large', `${this.label}: the remote command wrote more than ${maxOut} bytes`));
        resolve({ code, signal: sig, stdout: Buffer.concat(out), stderr: err });
      });
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= new Promise((resolve, reject) => {
      this.target.sftp((err, sftp) => (err ? reject(new GpwError('unavailable', `${this.label}: SFTP: ${err.message}`)) : resolve(sftp)));
    });
    return this.sftpSession;
  }

  /** A whole remote file of at most `maxBytes` (its size asked first: nothing larger is read). */
  async readWhole(path: string, maxBytes: number): Promise<Buffer> {
    const sftp = await this.sftp();
    const size = await new Promise<number>((resolve, reject) => sftp.stat(path, (err, st) => (err ? reject(err) : resolve(st.size))));
    if (size > maxBytes) throw new GpwError('too_large', `${this.label}:${path} is ${size} bytes, more than the ${maxBytes} read`);
    if (size === 0) return Buffer.alloc(0);
    // In chunks of one SFTP read each (one request for the whole file stalls on large files).
    const handle = await new Promise<Buffer>((resolve, reject) => sftp.open(path, 'r', (err, h) => (err ? reject(err) : resolve(h))));
    const buf = Buffer.alloc(size);
    try {
      let got = 0;
      while (got < size) {
        const n = await new Promise<number>((resolve, reject) =>
          sftp.read(handle, buf, got, Math.min(READ_CHUNK, size - got), got, (err, bytes) => (err ? reject(err) : resolve(bytes))),
        );
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    } finally {
      sftp.close(handle, () => {});
    }
  }

  /** Up to `length` bytes of a remote file from `offset` (short at the end of the file). */
  async readRange(path: string, offset: number, length: number): Promise<Buffer> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) => {
      sftp.open(path, 'r', (err, handle) => {
        if (err) return reject(err);
        const buf = Buffer.alloc(length);
        let got = 0;
        const more = (): void => {
          sftp.read(handle, buf, got, length - got, offset + got, (rerr, n) => {
            if (rerr || n === 0 || got + n >= length) {
              sftp.close(handle, () => {});
              if (rerr && got === 0) return reject(rerr);
              return resolve(buf.subarray(0, got + (rerr ? 0 : n)));
            }
            got += n;
            more();
          });
        };
        more();
      });
    });
  }

  /** A TCP connection from the remote host to host:port (e.g. a pprof endpoint on its loopback). */
  forwardOut(host: string, port: number): Promise<Duplex> {
    if (this.closed) return Promise.reject(new GpwError('unavailable', `${this.label}: not connected`));
    return forwardThrough(this.target, host, port, this.label);
  }
}

/** A TCP connection from the far side of `client` to host:port (direct-tcpip), usable where a net.Socket is. */
export function forwardThrough(client: Client, host: string, port: number, via: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
      if (err) reject(new GpwError('unavailable', `${via} could not open a connection to ${hostToken(host, port)}: ${err.message}`));
      else resolve(socketLike(stream as unknown as Duplex, host, port));
    });
  });
}

/**
 * Gives an SSH channel the parts of net.Socket that node:http and node:tls call: an idle
 * setTimeout that emits 'timeout' (re-armed by every chunk received), and no-op Nagle,
 * keep-alive and ref/unref (they belong to the SSH connection's own socket).
 */
function socketLike(stream: Duplex, host: string, port: number): Duplex {
  let idleMs = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = idleMs > 0 ? setTimeout(() => stream.emit('timeout'), idleMs) : undefined;
  };
  // Re-arm on each chunk without a 'data' listener (that would start the flow early).
  const push = stream.push.bind(stream);
  stream.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk !== null) arm();
    return push(chunk, encoding);
  };
  stream.once('close', () => clearTimeout(timer));
  const self = (): Duplex => stream;
  return Object.assign(stream, {
    setTimeout(ms: number, onTimeout?: () => void): Duplex {
      idleMs = ms;
      if (onTimeout) stream.once('timeout', onTimeout);
      arm();
      return stream;
    },
    setNoDelay: self,
    setKeepAlive: self,
    ref: self,
    unref: self,
    remoteAddress: host,
    remotePort: port,
  });
}
