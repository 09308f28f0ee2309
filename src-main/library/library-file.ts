// The library's file before SQLite opens it, and what went wrong when it cannot: its folder made
// one level at a time (Node's recursive mkdir loops forever where the kernel answers ENOENT for a
// folder whose parent exists, as in /proc), a file that is not an SQLite database or is shorter
// than its own header says refused before anything is written to it, and SQLite's errors on
// opening worded for the user, each naming the library's path.

import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { GpwError } from '../api/errors.js';

/** The first 16 bytes of every SQLite 3 database file. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** The database header's length (page 1 starts with it). */
const HEADER_BYTES = 100;

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'a read-only file system',
  ENOENT: 'the system allows no folder there',
  ENOTDIR: 'not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'over the disk quota',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
};

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const words = code ? ERRNO_WORDS[code] : undefined;
  return words ? `${words} (${code})` : String((err as Error)?.message ?? err);
}

/** Whether `path` is there (a broken symbolic link counts: mkdir would fail on it too). */
function present(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    // ENOTDIR: an ancestor is a file; EACCES: cannot look. Either way the walk up says which.
    if (code === 'ENOTDIR') return false;
    throw err;
  }
}

/**
 * Makes the folder the library file `path` goes in, and the folders above it that are missing,
 * one mkdir each: a bounded walk, and a GpwError naming the library and the folder that could
 * not be made, and why.
 */
export function makeLibraryFolder(path: string): void {
  const cannot = (why: string): GpwError => new GpwError('unavailable', `cannot create the library at ${resolve(path)}: ${why}`);
  const missing: string[] = [];
  let dir = resolve(dirname(path));
  try {
    while (!present(dir)) {
      missing.push(dir);
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  } catch (err) {
    throw cannot(`${dir} cannot be looked at: ${errnoText(err)}`);
  }
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw cannot(`${dir} is a file, not a folder`);
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(folder).isDirectory()) continue; // made meanwhile by another process
      throw cannot(`the folder ${folder} cannot be made in ${dirname(folder)}: ${errnoText(err)}`);
    }
  }
}

/**
 * Refuses an existing library file SQLite would fail on later, or write into: a folder, a file
 * that is not an SQLite database, one cut short (fewer bytes than the pages its header counts,
 * with no write-ahead log that could hold the rest). An empty file is a new library.
 */
export function checkLibraryFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'EISDIR') throw new GpwError('bad_input', `the library ${resolve(path)} is a folder, not a library file`);
    throw new GpwError('unavailable', `cannot read the library ${resolve(path)}: ${errnoText(err)}`);
  }
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new GpwError('bad_input', `the library ${resolve(path)} is a folder, not a library file`);
    const size = stat.size;
    if (size === 0) return;
    const header = Buffer.alloc(HEADER_BYTES);
    const got = readSync(fd, header, 0, HEADER_BYTES, 0);
    const magic = header.subarray(0, Math.min(got, SQLITE_MAGIC.length));
    if (!magic.equals(SQLITE_MAGIC.subarray(0, magic.length))) {
      throw new GpwError('bad_input', `${resolve(path)} is not a gpw library: it is not an SQLite database (its first bytes are not SQLite's header); nothing was written to it`);
    }
    if (got < HEADER_BYTES) {
      throw new GpwError('bad_input', `the library ${resolve(path)} is damaged: it ends at byte ${got}, inside SQLite's ${HEADER_BYTES}-byte header; nothing was written to it`);
    }
    const counted = headerPages(header);
    if (counted && size < counted.pages * counted.pageSize && !hasLog(path)) {
      throw new GpwError(
        'bad_input',
        `the library ${resolve(path)} is damaged: it is cut short at byte ${size}, but its header counts ${counted.pages} pages of ${counted.pageSize} bytes (${counted.pages * counted.pageSize} bytes); nothing was written to it`,
      );
    }
  } finally {
    closeSync(fd);
  }
}

/** The database's size in pages as its header gives it, or null when the header's count is not valid (SQLite then uses the file's size). */
function headerPages(header: Buffer): { pages: number; pageSize: number } | null {
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return null;
  const pages = header.readUInt32BE(28);
  // Valid only when "version-valid-for" equals the change counter (SQLite 3.7.0+ keeps them so).
  if (pages === 0 || header.readUInt32BE(24) !== header.readUInt32BE(92)) return null;
  return { pages, pageSize };
}

/** A non-empty write-ahead log or rollback journal beside the file (a crash in a checkpoint leaves the file short, the log whole). */
function hasLog(path: string): boolean {
  for (const log of [`${path}-wal`, `${path}-journal`]) {
    try {
      if (statSync(log).size > 0) return true;
    } catch {
      // absent
    }
  }
  return false;
}

/** SQLite's result codes on opening, in the user's words. */
const SQLITE_WORDS: Record<string, string> = {
  SQLITE_CANTOPEN: 'SQLite cannot open or create the file (is its folder writable, and is it a file?)',
  SQLITE_READONLY: 'the file or its folder is read-only (gpw writes its log and migrations beside it)',
  SQLITE_PERM: 'permission denied',
  SQLITE_NOTADB: 'it is not an SQLite database',
  SQLITE_CORRUPT: 'the database is damaged (SQLite: "database disk image is malformed")',
  SQLITE_FULL: 'the disk is full',
  SQLITE_IOERR: 'the disk reported an input/output error',
};

/** An error from SQLite about the library file (not about a query's arguments) in the user's words, naming the path; else null. */
export function libraryFileError(path: string, err: unknown): GpwError | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  const base = Object.keys(SQLITE_WORDS).find((k) => code === k || code.startsWith(`${k}_`));
  if (!base) return null;
  const words = SQLITE_WORDS[base];
  const kind = base === 'SQLITE_NOTADB' || base === 'SQLITE_CORRUPT' ? 'bad_input' : 'unavailable';
  return new GpwError(kind, `the library ${path === ':memory:' ? path : resolve(path)} cannot be used: ${words} [${code}]`);
}
