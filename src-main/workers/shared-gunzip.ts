// A gzipped profile decompressed into shared memory, for an import's scan split between two
// threads (workers/scan-helper.ts): both read the one copy. zlib inflates straight into the
// shared buffer (the native handle's synchronous write, as zlib's own gunzipSync drives it, given
// our buffer and offset), so the data is held once and no output piece is ever allocated: zlib's
// stream hands each piece out in a buffer of its own, which for a 95 MB profile left some 30 MB
// of garbage pieces resident until a collection and took a third more CPU time. Where the handle
// is not there as this expects (another runtime's zlib), the stream does it, piece by piece.

import { constants, createGunzip } from 'node:zlib';
import { gunzipFailure, gzipSizeHint, MAX_DECOMPRESSED_BYTES, tooLargeGzip } from '../formats/pprof/decode-pprof.js';

const PIECE = 256 << 10;

/**
 * A gunzip another thread reads as it goes (workers/read-ahead.ts): the buffer it writes into
 * (shared memory, sized by the trailer) and, in `progress`, how many bytes are written
 * (GUNZIPPED) and its state (GUNZIP_STATE: going, done, or off: failed, or moved to a bigger
 * buffer, whose data the reader then gets otherwise).
 */
export interface GunzipProgress {
  out: Buffer;
  progress: Int32Array;
}
export const GUNZIPPED = 0;
export const GUNZIP_STATE = 1;
export const GUNZIP_GOING = 0;
export const GUNZIP_DONE = 1;
export const GUNZIP_OFF = 2;

/** The buffer a gzip file's gunzip writes into, and its progress (nothing written yet). */
export function gunzipTarget(gz: Uint8Array): GunzipProgress {
  // The trailer's size is a hint: a wrong one costs a copy, never correctness. One byte more,
  // so that data of exactly that size ends with room to spare (then zlib has nothing more).
  const out = Buffer.from(new SharedArrayBuffer(Math.max(PIECE, Math.min(gzipSizeHint(gz) + 1, MAX_DECOMPRESSED_BYTES + 1))));
  return { out, progress: new Int32Array(new SharedArrayBuffer(8)) };
}

/** The data of a gzip file in a SharedArrayBuffer (a Buffer over it); errors as decodePprof words them. `target`: where, its progress told as it goes. */
export function gunzipShared(gz: Uint8Array, target: GunzipProgress = gunzipTarget(gz)): Promise<Buffer> {
  const { progress } = target;
  const tell = (state: number, written?: number): void => {
    if (written !== undefined) Atomics.store(progress, GUNZIPPED, written);
    if (state !== GUNZIP_GOING) Atomics.store(progress, GUNZIP_STATE, state);
    Atomics.notify(progress, GUNZIPPED);
  };
  try {
    const direct = gunzipInto(gz, target.out, tell);
    if (direct) {
      tell(direct.buffer === target.out.buffer ? GUNZIP_DONE : GUNZIP_OFF, direct.length);
      return Promise.resolve(direct);
    }
  } catch (err) {
    tell(GUNZIP_OFF);
    return Promise.reject(err);
  }
  tell(GUNZIP_OFF);
  return gunzipStream(gz, target.out);
}

/** The same through zlib's stream, piece by piece (where the handle is missing; tested beside the direct way). */
export function gunzipSharedByStream(gz: Uint8Array): Promise<Buffer> {
  return gunzipStream(gz, Buffer.from(new SharedArrayBuffer(Math.max(PIECE, Math.min(gzipSizeHint(gz), MAX_DECOMPRESSED_BYTES)))));
}

/** What zlib's handle offers for a synchronous write into a given buffer (node:zlib's own gunzipSync uses it). */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  onerror: (message: string, errno: number) => void;
}

/** A gunzip tells a reader this much more of its data at a time. */
const STEP = 1 << 20;

/**
 * Inflates `gz` into `out` (grown when the hint was short), STEP bytes at a time, each told
 * (`tell`; a bigger buffer is not); undefined when this runtime's zlib has no such handle.
 */
function gunzipInto(gz: Uint8Array, out: Buffer, tell: (state: number, written: number) => void): Buffer | undefined {
  const stream = createGunzip() as unknown as { _handle?: ZlibHandle; _writeState?: Uint32Array; close(): void };
  const handle = stream._handle;
  const state = stream._writeState;
  if (!handle || typeof handle.writeSync !== 'function' || !(state instanceof Uint32Array) || state.length < 2) {
    stream.close();
    return undefined;
  }
  let failure: Error | null = null;
  handle.onerror = (message, errno) => {
    failure = Object.assign(new Error(message), { errno, code: errno === constants.Z_BUF_ERROR ? 'Z_BUF_ERROR' : undefined });
  };
  try {
    let inOff = 0;
    let n = 0;
    const first = out;
    for (;;) {
      const room = Math.min(out.length - n, STEP);
      handle.writeSync(constants.Z_FINISH, gz, inOff, gz.length - inOff, out, n, room);
      if (failure) throw gunzipFailure(failure);
      const [outLeft, inLeft] = state;
      n += room - outLeft;
      inOff = gz.length - inLeft;
      // Room left: zlib is done (an early end of the data is its error above).
      if (outLeft > 0) return out.subarray(0, n);
      if (n < out.length) {
        if (out === first) tell(GUNZIP_GOING, n);
        continue;
      }
      if (n >= MAX_DECOMPRESSED_BYTES) throw tooLargeGzip();
      // The hint was short: the data moves to a bigger buffer, which a reader gets when it is done.
      if (out === first) tell(GUNZIP_OFF, n);
      const bigger = Buffer.from(new SharedArrayBuffer(Math.min(out.length * 2, MAX_DECOMPRESSED_BYTES + 1)));
      bigger.set(out.subarray(0, n));
      out = bigger;
    }
  } finally {
    stream.close();
  }
}

/** The stream's pieces copied into place (the runtime's zlib without the handle above). */
function gunzipStream(gz: Uint8Array, first: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let out = first;
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
