// gpw trace FILE without the whole CLI: cli/entry.ts answers a trace file here, loading only the
// argument parser, the trace command, the parser and the analyses (not the other commands, the
// engine or the library), for a smaller process. An ID, --help or bad arguments are left to the
// whole CLI (cli/gpw.ts), which words every error.

import { COMMON_FLAGS, parseArgs, type ParsedArgs } from './args.js';
import { out, runToExit } from './output.js';
import { traceCommand, traceFileTarget, TRACE_FLAGS } from './trace-command.js';

/** Answers `gpw trace FILE…` and exits; false (nothing done) when the whole CLI must answer. */
export function printTraceFile(argv: string[]): boolean {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, { ...COMMON_FLAGS, ...TRACE_FLAGS });
    if (args.flags.has('help') || !traceFileTarget(args)) return false;
  } catch {
    return false;
  }
  runToExit(async () => {
    out(await traceCommand(null, args, args.flags.has('json')));
    return 0;
  });
  return true;
}
