// A big gzipped input (a pprof file) read into shared memory: the profile worker is handed the
// same bytes instead of a copy (postMessage clones an ordinary buffer), which for a profile of
// tens of megabytes is that much less peak memory during its import.

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** Smaller files are read as usual. */
const SHARED_READ_MIN_BYTES = 4 * 2 ** 20;

/** The file's bytes; in a SharedArrayBuffer when it is a gzip file of SHARED_READ_MIN_BYTES or more (`size`: its size when checked). */
export function readMaybeShared(path: string, size: number): Buffer {
  if (size < SHARED_READ_MIN_BYTES) return readFileSync(path);
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    if (readSync(fd, head, 0, 2, 0) < 2 || head[0] !== 0x1f || head[1] !== 0x8b) return readFileSync(path);
    const out = Buffer.from(new SharedArrayBuffer(size));
    let got = 0;
    for (let n; got < size && (n = readSync(fd, out, got, size - got, got)) > 0; ) got += n;
    // A file that changed since it was checked is read again as it is now.
    if (got < size || readSync(fd, Buffer.alloc(1), 0, 1, size) > 0) return readFileSync(path);
    return out;
  } finally {
    closeSync(fd);
  }
}
