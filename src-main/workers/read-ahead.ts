// gpw import's one big gzip file, made ready on the CLI's main thread while the early profile
// worker starts up (cli/entry.ts): gunzipped into shared memory, which the worker reads as it is
// written: it locates the samples (and decodes the skeleton) of each piece that arrives, so that
// it can walk them as soon as the last piece is there (profile-worker.ts: startReadAhead). The
// main thread has nothing else to do until the engine loads, and the worker nothing before its
// walk; the gunzip and the locating overlap.

import type { MessagePort } from 'node:worker_threads';
import type { Profile } from '../model/profile.js';
import { LocateAhead, type SampleTable } from '../formats/pprof/decode-pprof.js';
import { gunzipShared, gunzipTarget, GUNZIPPED, GUNZIP_DONE, GUNZIP_GOING, GUNZIP_STATE } from './shared-gunzip.js';

export interface ReadAheadData {
  /** The file's data, in shared memory. */
  data: Uint8Array;
  /** Its skeleton and samples located; absent when the data is not a profile the scan reads (the worker then says why). */
  located?: { skeleton: Profile; table: SampleTable };
}

/** What the main thread sends first: where it gunzips the file, and how far it has got (shared-gunzip.ts GunzipProgress). */
interface Gunzipping {
  out: Uint8Array;
  progress: Int32Array;
}

/**
 * On the main thread: gunzips the file into shared memory, which `port`'s worker reads as it is
 * written; then sends the data (null when it does not gunzip: the worker gunzips it again and
 * words the error), for a worker that could not read it as it went (the hint was short).
 */
export async function gunzipAhead(gz: Uint8Array, port: MessagePort): Promise<void> {
  const target = gunzipTarget(gz);
  port.postMessage({ out: target.out, progress: target.progress } satisfies Gunzipping);
  const data = await gunzipShared(gz, target).catch(() => null);
  port.postMessage(data && ({ data } satisfies ReadAheadData));
}

/**
 * In the worker: what the main thread sends through `port` (null: it could not, or the port
 * closed first). The data is located as it arrives: this thread waits for each piece (it has
 * nothing else to do until the data is there).
 */
export function receiveReadAhead(port: MessagePort): Promise<ReadAheadData | null> {
  return new Promise((resolve) => {
    const done = (m: ReadAheadData | null): void => {
      port.close();
      resolve(m);
    };
    port.on('message', (m: Gunzipping | ReadAheadData | null) => {
      if (m && 'progress' in m) {
        const located = m.out.buffer instanceof SharedArrayBuffer && m.progress.buffer instanceof SharedArrayBuffer ? locateAsGunzipped(m) : undefined;
        // Else its data comes in the next message.
        if (located) done(located);
        return;
      }
      done(m && m.data instanceof Uint8Array && m.data.buffer instanceof SharedArrayBuffer ? m : null);
    });
    port.once('close', () => resolve(null));
  });
}

/** The data and its samples located as the main thread gunzips it; undefined when the gunzip went elsewhere (failed, or to a bigger buffer). */
function locateAsGunzipped({ out, progress }: Gunzipping): ReadAheadData | undefined {
  // A Buffer over the shared memory (the message made it a plain Uint8Array), as scanPprof gets it: the same reading of the strings.
  const buffer = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  const locate = new LocateAhead(buffer);
  for (;;) {
    const state = Atomics.load(progress, GUNZIP_STATE);
    const written = Atomics.load(progress, GUNZIPPED);
    if (state !== GUNZIP_GOING && state !== GUNZIP_DONE) return undefined;
    if (state === GUNZIP_DONE) {
      const scan = locate.finish(written);
      const data = buffer.subarray(0, written);
      return scan ? { data, located: { skeleton: scan.skeleton, table: scan.table } } : { data };
    }
    locate.add(written);
    Atomics.wait(progress, GUNZIPPED, written, 50);
  }
}
