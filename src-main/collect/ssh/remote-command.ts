// Remote command lines built only from fixed scripts and validated values: a script runs as
// `exec sh -c 'SCRIPT' gpw ARG…`, every value passed as its own single-quoted positional
// argument ($1, $2, …), so nothing anyone types is ever parsed by the remote shell as code.
// (sh -c keeps the scripts POSIX whatever the user's login shell is.)

import { GpwError } from '../../api/errors.js';

/** One word for a POSIX shell: single-quoted, embedded quotes closed and escaped. */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new GpwError('invalid_argument', 'a remote argument cannot contain a NUL byte');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The command line for a fixed script with its arguments as positional parameters. */
export function scriptCommand(script: string, args: readonly (string | number)[] = []): string {
  for (const a of args) {
    if (typeof a === 'number' && !Number.isFinite(a)) throw new GpwError('invalid_argument', 'a remote argument must be a finite number');
  }
  return ['exec', 'sh', '-c', shellQuote(script), 'gpw', ...args.map((a) => shellQuote(String(a)))].join(' ');
}

/** A whole number in [min, max] or an error naming the option. */
export function checkedInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new GpwError('invalid_argument', `${name} must be a whole number from ${min} to ${max}`);
  return value;
}

/** One of an allow-list or an error naming the option and the allowed values. */
export function allowed<T extends string>(name: string, value: string, list: readonly T[]): T {
  if (!(list as readonly string[]).includes(value)) throw new GpwError('invalid_argument', `${name} must be one of ${list.join(', ')}`);
  return value as T;
}
