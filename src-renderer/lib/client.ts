// The renderer's client for the contract: window.gpw (Electron preload) when present, else the
// WebSocket bridge of gpw serve. Built from the contract's method list; views call `api.x(args)`.

import { METHOD_NAMES, type GpwApi } from '../../src-main/api/contract';
import { unwrapEnvelope, type Envelope } from '../../src-main/api/errors';
import { WebBridge } from './web-bridge';

type Transport = (method: string, args: unknown) => Promise<Envelope<unknown>>;

declare global {
  interface Window {
    gpw?: Record<string, (args: unknown) => Promise<Envelope<unknown>>>;
  }
}

function chooseTransport(): Transport {
  const preload = window.gpw;
  if (preload) return (method, args) => preload[method](args);
  const bridge = new WebBridge();
  return (method, args) => bridge.call(method, args);
}

function createClient(transport: Transport): GpwApi {
  const api: Record<string, (args: unknown) => Promise<unknown>> = {};
  for (const name of METHOD_NAMES) {
    api[name] = async (args: unknown) => unwrapEnvelope(await transport(name, args ?? {}));
  }
  return api as unknown as GpwApi;
}

export const api: GpwApi = createClient(chooseTransport());
