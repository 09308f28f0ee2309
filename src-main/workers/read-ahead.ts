// gpw import's one big gzip file, made ready on the CLI's main thread while the early profile
// worker starts up (cli/entry.ts): gunzipped into shared memory, then sent to the worker, which
// locates its samples and walks them (profile-worker.ts: startReadAhead). The main thread does
// not locate them itself: the worker is up and idle by the end of the gunzip, so the main thread
// loads the engine meanwhile instead of later, beside the scan's two threads.

import type { MessagePort } from 'node:worker_threads';
import { gunzipShared } from './shared-gunzip.js';

export interface ReadAheadData {
  /** The file's data, in shared memory. */
  data: Uint8Array;
}

/** On the main thread: the file's data; null when it does not gunzip (the worker gunzips it again and words the error). */
export async function prepareReadAhead(gz: Uint8Array): Promise<ReadAheadData | null> {
  const data = await gunzipShared(gz).catch(() => null);
  return data && { data };
}

/** In the worker: what the main thread sends through `port` (null: it could not, or the port closed first). */
export function receiveReadAhead(port: MessagePort): Promise<ReadAheadData | null> {
  return new Promise((resolve) => {
    port.once('message', (m: ReadAheadData | null) => {
      port.close();
      resolve(m && m.data instanceof Uint8Array && m.data.buffer instanceof SharedArrayBuffer ? m : null);
    });
    port.once('close', () => resolve(null));
  });
}
