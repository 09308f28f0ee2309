// Sandboxed preload: exposes window.gpw with exactly the contract's methods, each a single
// invoke on its own channel. Nothing else from Electron or Node reaches the page.

import { contextBridge, ipcRenderer } from 'electron';
import { METHOD_NAMES } from '../api/contract.js';
import { ipcChannel } from './ipc-channel.js';

const api: Record<string, (args: unknown) => Promise<unknown>> = {};
for (const name of METHOD_NAMES) {
  api[name] = (args: unknown) => ipcRenderer.invoke(ipcChannel(name), args);
}
contextBridge.exposeInMainWorld('gpw', Object.freeze(api));
