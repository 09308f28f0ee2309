// A big gzipped input (a pprof file) read into shared memory: the profile worker is handed the
// same bytes instead of a copy (postMessage clones an ordinary buffer), which for a profile of
// tens of megabytes is that much less peak memory during its import.
//
// `gpw import FILE` reads such a file ahead (readAheadForImport, from cli/entry.ts) before the
// engine's modules load and hands it to the early profile worker, which scans it meanwhile; the
// engine's own read of that file (readMaybeShared) then takes those bytes instead of reading again.

import { closeSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';

/** Smaller files are read as usual. */
const SHARED_READ_MIN_BYTES = 4 * 2 ** 20;
/** Files read ahead are at most this big (bigger ones, rare, are read when the engine asks). */
const READ_AHEAD_MAX_BYTES = 256 * 2 ** 20;

/** The one file read ahead, until the engine reads it. */
let ahead: { path: string; size: number; mtimeMs: number; bytes: Buffer } | null = null;

/** The file's bytes; in a SharedArrayBuffer when it is a gzip file of SHARED_READ_MIN_BYTES or more (`size`: its size when checked). */
export function readMaybeShared(path: string, size: number): Buffer {
  const held = takeReadAhead(path, size);
  if (held) return held;
  if (size < SHARED_READ_MIN_BYTES) return readFileSync(path);
  return readSharedGzip(path, size) ?? readFileSync(path);
}

/** A gzip file of `size` bytes read into a SharedArrayBuffer; undefined when it is not gzip or no longer that size. */
function readSharedGzip(path: string, size: number): Buffer | undefined {
  const fd = openSync(path, 'r');
  try {
    if (!gzipAt(fd)) return undefined;
    const out = Buffer.from(new SharedArrayBuffer(size));
    let got = 0;
    for (let n; got < size && (n = readSync(fd, out, got, size - got, got)) > 0; ) got += n;
    // A file that changed since it was checked is read again as it is now (by the caller).
    if (got < size || readSync(fd, Buffer.alloc(1), 0, 1, size) > 0) return undefined;
    return out;
  } finally {
    closeSync(fd);
  }
}

/**
 * Of an import's arguments, the one big gzip file (flags and values that are no such file are
 * passed over; with two or more such files, none), read into shared memory and held for the
 * engine's read of it; undefined when there is none or it cannot be read now (the import then
 * reads it as usual and says what is wrong).
 */
export function readAheadForImport(args: readonly string[]): Buffer | undefined {
  let found: { path: string; size: number; mtimeMs: number } | undefined;
  for (const arg of args) {
    if (arg.startsWith('-')) continue;
    const path = resolve(arg);
    const st = fileStat(path);
    if (!st?.isFile() || st.size < SHARED_READ_MIN_BYTES || st.size > READ_AHEAD_MAX_BYTES) continue;
    if (found) return undefined;
    found = { path, size: st.size, mtimeMs: st.mtimeMs };
  }
  if (!found) return undefined;
  try {
    const bytes = readSharedGzip(found.path, found.size);
    if (!bytes) return undefined;
    ahead = { ...found, bytes };
    return bytes;
  } catch {
    return undefined;
  }
}

/** The path's stat, or undefined for any path that cannot be stat'ed (missing, under a file, no
 *  permission): the read-ahead only guesses which argument is the input; the import itself reports
 *  a bad path (and the library names its own). */
function fileStat(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Whether the open file starts as gzip data does. */
function gzipAt(fd: number): boolean {
  const head = Buffer.alloc(2);
  return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The bytes read ahead for this path, if the file has not changed since (then no longer held). */
function takeReadAhead(path: string, size: number): Buffer | undefined {
  const held = ahead;
  if (!held || held.path !== resolve(path)) return undefined;
  ahead = null;
  const st = fileStat(path);
  return st && held.size === size && st.size === size && st.mtimeMs === held.mtimeMs ? held.bytes : undefined;
}
