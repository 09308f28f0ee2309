// The gpw command: import, list, top and serve over the same engine the app uses.
// --json prints one JSON document on stdout; errors go to stderr with a non-zero exit.

import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { GpwError } from '../api/errors.js';
import { topCommand, TOP_FLAGS, TOP_USAGE } from './top-command.js';
import { mergeCommand, MERGE_FLAGS, MERGE_USAGE } from './merge-command.js';
import { traceCommand, TRACE_FLAGS, TRACE_USAGE } from './trace-command.js';
import { exportCommand, EXPORT_FLAGS, EXPORT_USAGE } from './export-command.js';
import { captureCommand, CAPTURE_FLAGS, CAPTURE_USAGE } from './capture-command.js';
import { gcCommand, GC_FLAGS, GC_USAGE } from './gc-command.js';
import { sshCommand, SSH_FLAGS, SSH_USAGE } from './ssh-command.js';
import { Engine } from '../engine.js';
import { artifactLine, listCommand, LIST_FLAGS, LIST_USAGE } from './list-command.js';
import { chooseLibrary, noLibrary, type LibraryChoice } from './library-choice.js';
import { startServer } from '../server/serve.js';
import { ARTIFACT_FLAGS, flag, integerFlag, labelFlags, parseArgs, switchFlags, valueFlags, type FlagSpec, type ParsedArgs } from './args.js';

// Paths of the built pieces, relative to this entry file (out/main/cli.js).
const HERE = new URL('.', import.meta.url);
const WORKER_PATH = fileURLToPath(new URL('./profile-worker.js', HERE));
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', HERE));
const DEMO_DIR = fileURLToPath(new URL('../../resources/demo/', HERE));

const USAGE = `gpw — the Go Performance Workstation

usage:
  gpw import FILE... [--label k=v]... [--run NAME] [--json]
${LIST_USAGE}
${TOP_USAGE}
${MERGE_USAGE}
${TRACE_USAGE}
${EXPORT_USAGE}
${CAPTURE_USAGE}
${GC_USAGE}
${SSH_USAGE}
  gpw serve [--port N]

common options:
  --library PATH   the library database (default: $GPW_LIBRARY, else the app-data folder)
`;

const COMMON: Record<string, FlagSpec> = { ...valueFlags('library'), ...switchFlags('json', 'help') };
const SPECS: Record<string, Record<string, FlagSpec>> = {
  import: { ...COMMON, ...ARTIFACT_FLAGS },
  list: { ...COMMON, ...LIST_FLAGS },
  top: { ...COMMON, ...TOP_FLAGS },
  merge: { ...COMMON, ...MERGE_FLAGS },
  trace: { ...COMMON, ...TRACE_FLAGS },
  export: { ...COMMON, ...EXPORT_FLAGS },
  capture: { ...COMMON, ...CAPTURE_FLAGS },
  gc: { ...COMMON, ...GC_FLAGS },
  ssh: { ...COMMON, ...SSH_FLAGS },
  serve: { ...COMMON, ...valueFlags('port') },
};

function openEngine(library: LibraryChoice, longRunning = false): Engine {
  const engine = new Engine({ libraryPath: library.open, workerPath: WORKER_PATH, demoDir: DEMO_DIR, warmUp: longRunning, runSchedules: longRunning });
  if (library.creates) process.stderr.write(`gpw: created a new library at ${engine.library.path}\n`);
  return engine;
}

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(USAGE);
    return command ? 0 : 2;
  }
  const spec = SPECS[command];
  if (!spec) throw new GpwError('invalid_argument', `unknown command "${command}"\n\n${USAGE}`);
  const args = parseArgs(argv.slice(1), spec);
  if (args.flags.has('help')) {
    out(USAGE);
    return 0;
  }
  const json = args.flags.has('json');
  const library = chooseLibrary(command, args);

  if (command === 'serve') {
    if (!existsSync(RENDERER_DIR)) throw new GpwError('unavailable', 'the renderer is not built: run npm run build first');
    const engine = openEngine(library, true);
    const server = await startServer({ api: engine, rendererDir: RENDERER_DIR, port: integerFlag(args, 'port', 0) });
    out(`gpw serve: library ${engine.library.path}`);
    out(`open ${server.url}`);
    const stop = (): void => {
      void server.close().then(() => engine.close()).then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return new Promise<number>(() => {});
  }

  const engine = openEngine(library);
  try {
    return await runCommand(command, args, json, engine);
  } catch (err) {
    // Without a library file, an ID cannot be found: say that the library is missing.
    if (library.missing && err instanceof GpwError && err.code === 'not_found') throw noLibrary(library.path, err.message);
    throw err;
  } finally {
    await engine.close();
  }
}

async function runCommand(command: string, args: ParsedArgs, json: boolean, engine: Engine): Promise<number> {
  {
    switch (command) {
      case 'import': {
        if (args.positional.length === 0) throw new GpwError('invalid_argument', 'gpw import needs at least one FILE');
        const result = await engine.importPaths(args.positional, { labels: labelFlags(args), run: flag(args, 'run') });
        if (json) out(JSON.stringify({ artifacts: result.artifacts }));
        else for (const a of result.artifacts) out(`imported ${artifactLine(a)}`);
        return 0;
      }
      case 'list':
        out(await listCommand(engine, args, json));
        return 0;
      case 'ssh':
        return await sshCommand(engine, args, json, out);
      case 'gc':
        out(await gcCommand(engine, args, json));
        return 0;
      case 'capture':
        return await captureCommand(engine, args, json);
      case 'top':
        process.stdout.write(await topCommand(engine, args, json));
        return 0;
      case 'merge':
        out(await mergeCommand(engine, args, json));
        return 0;
      case 'trace':
        out(await traceCommand(engine, args, json));
        return 0;
      case 'export':
        out(await exportCommand(engine, args, json));
        return 0;
    }
    return 2;
  }
}

// `gpw top FILE | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof GpwError ? err.message : `internal error: ${(err as Error)?.stack ?? String(err)}`;
    process.stderr.write(`gpw: ${message}\n`);
    process.exit(err instanceof GpwError && err.code === 'invalid_argument' ? 2 : 1);
  },
);
