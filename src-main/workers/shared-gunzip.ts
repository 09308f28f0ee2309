// A gzipped profile decompressed into shared memory, for an import's scan split between two
// threads (workers/scan-helper.ts): both read the one copy. zlib inflates on libuv's thread
// pool in pieces, each copied into place, so the data is never held twice (gunzipSync into a
// plain buffer, then a copy into shared memory, would hold it twice for a moment).

import { createGunzip } from 'node:zlib';
import { gunzipFailure, gzipSizeHint, MAX_DECOMPRESSED_BYTES, tooLargeGzip } from '../formats/pprof/decode-pprof.js';

const PIECE = 256 << 10;

/** The data of a gzip file in a SharedArrayBuffer (a Buffer over it); errors as decodePprof words them. */
export function gunzipShared(gz: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // The trailer's size is a hint: a wrong one costs a copy, never correctness.
    let out = Buffer.from(new SharedArrayBuffer(Math.max(PIECE, Math.min(gzipSizeHint(gz), MAX_DECOMPRESSED_BYTES))));
    let n = 0;
    const gunzip = createGunzip({ chunkSize: PIECE });
    gunzip.on('data', (piece: Buffer) => {
      if (n + piece.length > out.length) {
        if (n + piece.length > MAX_DECOMPRESSED_BYTES) {
          gunzip.destroy();
          reject(tooLargeGzip());
          return;
        }
        const bigger = Buffer.from(new SharedArrayBuffer(Math.min(Math.max(out.length * 2, n + piece.length), MAX_DECOMPRESSED_BYTES)));
        bigger.set(out.subarray(0, n));
        out = bigger;
      }
      out.set(piece, n);
      n += piece.length;
    });
    gunzip.on('end', () => resolve(out.subarray(0, n)));
    gunzip.on('error', (err) => reject(gunzipFailure(err)));
    gunzip.end(gz);
  });
}
