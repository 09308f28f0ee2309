// The renderer's client for the contract: window.gpw (Electron preload) when present, else the
// WebSocket bridge of gpw serve. Built from the contract's method list; views call `api.x(args)`.
// Under gpw serve an upload's bytes also have a way of their own (sendFile).

import { METHOD_NAMES, type GpwApi } from '../../src-main/api/contract';
import { unwrapEnvelope, type Envelope } from '../../src-main/api/errors';
import { WebBridge } from './web-bridge';

type Transport = (method: string, args: unknown) => Promise<Envelope<unknown>>;

declare global {
  interface Window {
    gpw?: Record<string, (args: unknown) => Promise<Envelope<unknown>>>;
  }
}

/** A file's bytes for an upload as one request body (gpw serve; web-bridge.ts sendFile). */
export type FileSender = (uploadId: string, file: Blob, onProgress: (sent: number) => void) => Promise<unknown>;

function chooseTransport(): { transport: Transport; sendFile: FileSender | null } {
  const preload = window.gpw;
  if (preload) return { transport: (method, args) => preload[method](args), sendFile: null };
  const bridge = new WebBridge();
  return {
    transport: (method, args) => bridge.call(method, args),
    sendFile: async (uploadId, file, onProgress) => unwrapEnvelope(await bridge.sendFile(uploadId, file, onProgress)),
  };
}

function createClient(transport: Transport): GpwApi {
  const api: Record<string, (args: unknown) => Promise<unknown>> = {};
  for (const name of METHOD_NAMES) {
    api[name] = async (args: unknown) => unwrapEnvelope(await transport(name, args ?? {}));
  }
  return api as unknown as GpwApi;
}

const chosen = chooseTransport();
export const api: GpwApi = createClient(chosen.transport);
/** gpw serve's way to send an upload's bytes in one request; null in the app (its pieces go over IPC). */
export const sendFile: FileSender | null = chosen.sendFile;
