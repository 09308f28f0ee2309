// How a gpw process writes its answer and ends (cli/gpw.ts, and cli/entry.ts's answers from the
// library alone): lines on stdout, errors on stderr, and an exit only once the output is written.

import { GpwError } from '../api/errors.js';
import { safeMessage } from '../formats/quote-input.js';

/** A text as one or more lines on stdout; bytes made elsewhere (gpw list --json: SQLite's UTF-8) as they are. */
export function out(text: string | Uint8Array): void {
  if (typeof text !== 'string') {
    process.stdout.write(text);
    process.stdout.write('\n');
    return;
  }
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

// Output to a pipe or file is written asynchronously when the reader is slower than gpw: exit
// only once all of it has been handed to the kernel. A reader that closes early (`gpw top FILE |
// head`) ends gpw as SIGPIPE ends other tools, quietly with status 141; any other write error
// (a full disk) is reported, with status 1.
let outputFailed = false;
function outputError(err: NodeJS.ErrnoException): void {
  if (outputFailed) return;
  outputFailed = true;
  if (err.code === 'EPIPE') process.exit(141);
  process.stderr.write(`gpw: cannot write the output: ${err.message}\n`, () => process.exit(1));
}
process.stdout.on('error', outputError);

function exitWhenWritten(code: number): void {
  process.stdout.write('', (err) => {
    if (err) outputError(err);
    else if (!outputFailed) process.stderr.write('', () => process.exit(code));
  });
}

/** Runs a command to its exit status; an error is printed (a GpwError's own message, else an internal error) with status 2 for bad arguments, else 1. */
export function runToExit(command: () => Promise<number>): void {
  command().then(
    (code) => exitWhenWritten(code),
    (err: unknown) => {
      const message = err instanceof GpwError ? err.message : `internal error: ${(err as Error)?.stack ?? String(err)}`;
      process.stderr.write(`gpw: ${safeMessage(message)}\n`);
      exitWhenWritten(err instanceof GpwError && err.code === 'invalid_argument' ? 2 : 1);
    },
  );
}
