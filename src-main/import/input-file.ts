// An input file named on the command line, checked before it is read: a regular, non-empty file
// of at most MAX_IMPORT_BYTES (a bigger one is refused saying what it looks like). Kept apart
// from the engine so that CLI commands reading a file load neither the engine nor the library.

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { GpwError } from '../api/errors.js';
import { MAX_IMPORT_BYTES } from '../api/types.js';
import { detectFormat } from '../formats/detect-format.js';
import { readMaybeShared } from './shared-read.js';
import { readHead } from './stream-import.js';

const formatSize = (n: number): string =>
  n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${n} bytes`;

/** A regular file that is not empty, or a GpwError saying what it is; its size. */
export function checkInputFile(path: string): number {
  const name = basename(path);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new GpwError('bad_input', `${name}: not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof GpwError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new GpwError('not_found', code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code})`);
  }
  if (size === 0) throw new GpwError('bad_input', `${name}: the file is empty`);
  return size;
}

/** Reads an input file, refusing what cannot be a profile before reading it into memory. */
export function readInputFile(path: string): Uint8Array {
  return readMaybeShared(path, checkImportSize(path));
}

/** checkInputFile, and a GpwError for a file bigger than gpw imports; its size. */
export function checkImportSize(path: string): number {
  const name = basename(path);
  const size = checkInputFile(path);
  if (size > MAX_IMPORT_BYTES) {
    // Say what it looks like too: a huge file is usually the wrong file.
    const detected = detectFormat(readHead(path));
    const what = detected.format === null ? `; ${detected.reason}` : '';
    throw new GpwError('too_large', `${name}: the file is ${formatSize(size)}; gpw imports profiles up to ${formatSize(MAX_IMPORT_BYTES)}${what}`);
  }
  return size;
}
