// The browser side of gpw serve: one WebSocket to /api carrying the token from the URL
// fragment; requests and answers as binary frames (typed arrays stay binary). A file's bytes for
// an upload go as one HTTP request body instead (sendFile: server/upload-body.ts).

import { decodeFrame, encodeFrame } from '../../src-main/api/wire';
import type { Envelope } from '../../src-main/api/errors';

type Pending = (e: Envelope<unknown>) => void;

export class WebBridge {
  private socket: Promise<WebSocket> | null = null;
  /** The socket once open: a request is sent at once, not a microtask later (after whatever else the caller's task does). */
  private open: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly token: string;

  constructor() {
    const hash = new URLSearchParams(location.hash.slice(1));
    const fromHash = hash.get('token');
    if (fromHash) sessionStorage.setItem('gpw-token', fromHash);
    this.token = fromHash ?? sessionStorage.getItem('gpw-token') ?? '';
  }

  private connect(): Promise<WebSocket> {
    if (this.socket) return this.socket;
    this.socket = new Promise<WebSocket>((resolve, reject) => {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api?token=${encodeURIComponent(this.token)}`;
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        this.open = ws;
        resolve(ws);
      };
      ws.onmessage = (ev) => {
        const msg = decodeFrame(ev.data as ArrayBuffer) as { id: number } & Envelope<unknown>;
        const p = this.pending.get(msg.id);
        if (p) {
          this.pending.delete(msg.id);
          p(msg);
        }
      };
      ws.onerror = () => reject(new Error('cannot reach gpw serve (is it still running, and was the page opened with its token URL?)'));
      ws.onclose = () => {
        this.socket = null;
        this.open = null;
        for (const p of this.pending.values()) p({ ok: false, error: { code: 'unavailable', message: 'connection to gpw serve closed' } });
        this.pending.clear();
      };
    });
    this.socket.catch(() => (this.socket = null));
    return this.socket;
  }

  async call(method: string, args: unknown): Promise<Envelope<unknown>> {
    let ws = this.open;
    if (!ws) {
      try {
        ws = await this.connect();
      } catch (err) {
        return { ok: false, error: { code: 'unavailable', message: (err as Error).message } };
      }
    }
    const id = this.nextId++;
    const open = ws;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      open.send(encodeFrame({ id, method, args }));
    });
  }

  /**
   * A file's bytes for the upload `uploadId` (after uploadStart) as one request body, which the
   * browser streams from the file itself (the page never reads it); `onProgress` gets the bytes
   * sent so far. Answers the server's envelope of the upload's status.
   */
  sendFile(uploadId: string, file: Blob, onProgress: (sent: number) => void): Promise<Envelope<unknown>> {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/upload?id=${encodeURIComponent(uploadId)}`);
      xhr.setRequestHeader('X-Gpw-Token', this.token);
      xhr.upload.onprogress = (ev) => onProgress(ev.loaded);
      // Settled once, whatever ended the request (an answer, an error, an abort).
      xhr.onloadend = () => {
        const failed = (message: string): void => resolve({ ok: false, error: { code: 'unavailable', message } });
        if (xhr.status === 0) {
          failed('the file could not be sent to gpw serve: it stopped, the connection broke, or the file was changed or could not be read while it was being sent');
          return;
        }
        try {
          resolve(JSON.parse(xhr.responseText) as Envelope<unknown>);
        } catch {
          failed(`gpw serve answered the upload with HTTP ${xhr.status}${xhr.statusText ? ` ${xhr.statusText}` : ''}${xhr.responseText ? `: ${xhr.responseText.slice(0, 200)}` : ''}`);
        }
      };
      xhr.send(file);
    });
  }
}
