// Binds every contract method to ipcMain, answering envelopes, and only for our own window's
// frames loaded from the app protocol.

import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { METHOD_NAMES, dispatch, type GpwApi } from '../api/contract.js';
import { ipcChannel } from './ipc-channel.js';
import { APP_ORIGIN } from './app-protocol.js';

function senderAllowed(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return url.startsWith(`${APP_ORIGIN}/`);
}

export function bindContract(api: GpwApi): void {
  for (const name of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(name), (event, args: unknown) => {
      if (!senderAllowed(event)) return { ok: false, error: { code: 'invalid_argument', message: 'caller not allowed' } };
      return dispatch(api, name, args);
    });
  }
}
