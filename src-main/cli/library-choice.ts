// Which library file a gpw command opens, and whether it may create it. Commands that store
// something (import, capture, ssh, serve, merge --save) create a missing library and say where;
// commands that only read never create one: a mistyped --library is an error naming the path,
// and files given by path are read without any library.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GpwError } from '../api/errors.js';
import { resolveLibraryPath } from '../library/default-path.js';
import { flag, type ParsedArgs } from './args.js';

export interface LibraryChoice {
  /** The path the engine opens: the library file, or ':memory:' for a read-only command without one. */
  open: string;
  /** The library file the command named (--library, $GPW_LIBRARY or the default). */
  path: string;
  /** The command will create the library file (it does not exist yet). */
  creates: boolean;
  /** The file is missing and the command only reads: lookups by ID must say so. */
  missing: boolean;
}

const STORING_COMMANDS = new Set(['import', 'capture', 'ssh', 'serve']);

export function chooseLibrary(command: string, args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): LibraryChoice {
  const path = resolveLibraryPath(flag(args, 'library'), env);
  const exists = path === ':memory:' || existsSync(path);
  const stores = STORING_COMMANDS.has(command) || (command === 'merge' && args.flags.has('save')) || (command === 'escapes' && args.flags.has('build'));
  if (exists || stores) return { open: path, path, creates: !exists, missing: false };
  if (command === 'list' || command === 'runs') throw noLibrary(path);
  return { open: ':memory:', path, creates: false, missing: true };
}

export function noLibrary(path: string, why?: string): GpwError {
  return new GpwError(
    'not_found',
    `${why ? `${why}: ` : ''}there is no library at ${resolve(path)} (check --library or $GPW_LIBRARY; gpw import FILE... creates one)`,
  );
}
