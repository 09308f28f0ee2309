// IPC channel name of a contract method; the preload and the main-process binding share it.
export const ipcChannel = (method: string): string => `gpw:${method}`;
