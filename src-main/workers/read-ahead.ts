// gpw import's one big gzip file, made ready on the CLI's main thread while the early profile
// worker starts up (cli/entry.ts): gunzipped into shared memory and its samples located (the
// skeleton decoded, the samples' byte ranges in shared memory), then sent to the worker, which
// walks the samples (profile-worker.ts: startReadAhead). The main thread has nothing else to do
// until the engine loads, and the worker's start-up and this work then overlap.

import type { MessagePort } from 'node:worker_threads';
import type { Profile } from '../model/profile.js';
import { scanPprof, type SampleTable } from '../formats/pprof/decode-pprof.js';
import { gunzipShared } from './shared-gunzip.js';

export interface ReadAheadData {
  /** The file's data, in shared memory. */
  data: Uint8Array;
  /** Its skeleton and samples located; absent when the data is not a profile the scan reads (the worker then says why). */
  located?: { skeleton: Profile; table: SampleTable };
}

/** On the main thread: the file's data and its samples located; null when it does not gunzip (the worker gunzips it again and words the error). */
export async function prepareReadAhead(gz: Uint8Array): Promise<ReadAheadData | null> {
  const data = await gunzipShared(gz).catch(() => null);
  if (!data) return null;
  try {
    const { skeleton, table } = scanPprof(data);
    return { data, located: { skeleton, table } };
  } catch {
    return { data };
  }
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
