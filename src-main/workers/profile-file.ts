// A profile decoded from a file on disk, in the profile worker: perf script and folded text are
// read in chunks into one reused buffer and folded as they come (formats/decode-profile.ts
// profileStreamFor), so a file of gigabytes is never held whole; pprof files are read whole.
// (An import's SHA-256 is taken on the engine's thread as the file is deflated for the library:
// library/blobs.ts deflateFile.)

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { decodeProfileBytes, profileStreamFor } from '../formats/decode-profile.js';
import { DETECT_HEAD_BYTES } from '../formats/detect-format.js';
import type { Profile } from '../model/profile.js';

const CHUNK_BYTES = 4 << 20;
/** Progress is reported about this often (bytes). */
const PROGRESS_STEP = 32 << 20;

export interface DecodedFile {
  profile: Profile;
  size: number;
}

export function decodeProfileFile(path: string, options: { onProgress?: (done: number, total: number) => void } = {}): DecodedFile {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(Math.max(DETECT_HEAD_BYTES, Math.min(CHUNK_BYTES, size)));
    let n = readFull(fd, buf, 0);
    const stream = profileStreamFor(buf.subarray(0, n));
    if (!stream) {
      // Decoded whole: read the rest after the head.
      const whole = Buffer.allocUnsafe(size);
      buf.copy(whole, 0, 0, n);
      let got = n;
      while (got < size) {
        const r = readSync(fd, whole, got, size - got, got);
        if (r === 0) break;
        got += r;
      }
      const bytes = whole.subarray(0, got);
      options.onProgress?.(got, size);
      return { profile: decodeProfileBytes(bytes), size: got };
    }
    let done = 0;
    let reported = 0;
    while (n > 0) {
      const chunk = buf.subarray(0, n);
      stream.push(chunk);
      done += n;
      if (options.onProgress && done - reported >= PROGRESS_STEP) {
        reported = done;
        options.onProgress(done, size);
      }
      n = readFull(fd, buf, done);
    }
    const profile = stream.finish();
    options.onProgress?.(done, size);
    return { profile, size: done };
  } finally {
    closeSync(fd);
  }
}

/** Fills `buf` from `position` unless the file ends first; the number of bytes read. */
function readFull(fd: number, buf: Buffer, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const r = readSync(fd, buf, got, buf.length - got, position + got);
    if (r === 0) break;
    got += r;
  }
  return got;
}
