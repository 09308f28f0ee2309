// The gpw command: import, list, top and serve over the same engine the app uses.
// --json prints one JSON document on stdout; errors go to stderr with a non-zero exit.

import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GpwError } from '../api/errors.js';
import { topCommand, TOP_FLAGS, TOP_USAGE } from './top-command.js';
import { importProgress } from './progress-lines.js';
import { mergeCommand, MERGE_FLAGS, MERGE_USAGE } from './merge-command.js';
import { traceCommand, traceFileTarget, TRACE_FLAGS, TRACE_USAGE } from './trace-command.js';
import { exportCommand, EXPORT_FLAGS, EXPORT_USAGE } from './export-command.js';
import { captureCommand, CAPTURE_FLAGS, CAPTURE_USAGE } from './capture-command.js';
import { gcCommand, GC_FLAGS, GC_USAGE } from './gc-command.js';
import { sshCommand, SSH_FLAGS, SSH_USAGE } from './ssh-command.js';
import { compareCommand, runCommand as runEditCommand, runsCommand, trendCommand, COMPARE_FLAGS, RUN_FLAGS, RUNS_FLAGS, RUNS_USAGE, TREND_FLAGS } from './runs-command.js';
import { disasmCommand, DISASM_FLAGS, escapesCommand, ESCAPES_FLAGS, peekCommand, PEEK_FLAGS, sourceCommand, SOURCE_FLAGS, SOURCE_USAGE } from './source-command.js';
import { graphCommand, GRAPH_FLAGS, GRAPH_USAGE } from './graph-command.js';
import { goroutinesCommand, GOROUTINES_FLAGS, GOROUTINES_USAGE } from './goroutines-command.js';
import { metricsCommand, METRICS_FLAGS, METRICS_USAGE } from './metrics-command.js';
import type { Engine } from '../engine.js';
import { artifactLine, listCommand, LIST_FLAGS, LIST_USAGE } from './list-command.js';
import { chooseLibrary, noLibrary, type LibraryChoice } from './library-choice.js';
import { libraryFileError } from '../library/library-file.js';
import { out, runToExit } from './output.js';
import { ARTIFACT_FLAGS, COMMON_FLAGS, flag, integerFlag, labelFlags, parseArgs, switchFlags, valueFlags, type FlagSpec, type ParsedArgs } from './args.js';

/** Paths of the built pieces (found from the entry file, out/main/cli.js). */
interface BuiltPaths {
  worker: string;
  renderer: string;
  demo: string;
  /** The app's package.json (its version: gpw --version). */
  packageJson: string;
}

const USAGE = `gpw — the Go Performance Workstation

usage:
  gpw import FILE... [--label k=v]... [--run NAME] [--progress] [--json]
${LIST_USAGE}
${TOP_USAGE}
${MERGE_USAGE}
${TRACE_USAGE}
${EXPORT_USAGE}
${CAPTURE_USAGE}
${GC_USAGE}
${SSH_USAGE}
${RUNS_USAGE}
${SOURCE_USAGE}
${GRAPH_USAGE}
${GOROUTINES_USAGE}
${METRICS_USAGE}
  gpw serve [--port N] [--source-path DIR]... [--trim-path P] [--binary PATH]...
  gpw --version                                      gpw's version and the Node.js running it

common options:
  --library PATH   the library database (default: $GPW_LIBRARY, else the app-data folder)
`;

const SPECS: Record<string, Record<string, FlagSpec>> = {
  import: { ...COMMON_FLAGS, ...ARTIFACT_FLAGS, ...switchFlags('progress') },
  list: { ...COMMON_FLAGS, ...LIST_FLAGS },
  top: { ...COMMON_FLAGS, ...TOP_FLAGS },
  merge: { ...COMMON_FLAGS, ...MERGE_FLAGS },
  trace: { ...COMMON_FLAGS, ...TRACE_FLAGS },
  export: { ...COMMON_FLAGS, ...EXPORT_FLAGS },
  capture: { ...COMMON_FLAGS, ...CAPTURE_FLAGS },
  gc: { ...COMMON_FLAGS, ...GC_FLAGS },
  ssh: { ...COMMON_FLAGS, ...SSH_FLAGS },
  goroutines: { ...COMMON_FLAGS, ...GOROUTINES_FLAGS },
  metrics: { ...COMMON_FLAGS, ...METRICS_FLAGS },
  serve: { ...COMMON_FLAGS, ...valueFlags('port', 'trim-path'), 'source-path': { value: true, repeat: true }, binary: { value: true, repeat: true } },
  source: { ...COMMON_FLAGS, ...SOURCE_FLAGS },
  peek: { ...COMMON_FLAGS, ...PEEK_FLAGS },
  escapes: { ...COMMON_FLAGS, ...ESCAPES_FLAGS },
  disasm: { ...COMMON_FLAGS, ...DISASM_FLAGS },
  graph: { ...COMMON_FLAGS, ...GRAPH_FLAGS },
  runs: { ...COMMON_FLAGS, ...RUNS_FLAGS },
  run: { ...COMMON_FLAGS, ...RUN_FLAGS },
  compare: { ...COMMON_FLAGS, ...COMPARE_FLAGS },
  trend: { ...COMMON_FLAGS, ...TREND_FLAGS },
};

/** gpw source, peek, escapes, disasm (cli/source-command.ts): text as pprof prints it, or JSON. */
const SOURCE_COMMANDS = { source: sourceCommand, peek: peekCommand, escapes: escapesCommand, disasm: disasmCommand };

/** The engine, loaded with the library and every service only here: gpw --help and gpw trace FILE never load them. */
async function openEngine(built: BuiltPaths, library: LibraryChoice, args: ParsedArgs, longRunning = false): Promise<Engine> {
  const { Engine } = await import('../engine.js');
  const engine = new Engine({
    libraryPath: library.open,
    workerPath: built.worker,
    demoDir: built.demo,
    warmUp: longRunning,
    tracesInThread: !longRunning,
    runSchedules: longRunning,
    // The source views' folders (gpw serve --source-path): the renderer never names a path.
    sourcePath: args.flags.get('source-path')?.map((d) => resolve(d)),
    trimPath: flag(args, 'trim-path'),
    binaries: args.flags.get('binary')?.map((b) => resolve(b)),
  });
  if (library.creates) process.stderr.write(`gpw: created a new library at ${engine.library.path}\n`);
  return engine;
}

async function main(argv: string[], built: BuiltPaths): Promise<number> {
  const command = argv[0];
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'version' || command === '--version' || command === '-V') {
    out(versionLine(built));
    return 0;
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
    if (!existsSync(built.renderer)) throw new GpwError('unavailable', 'the renderer is not built: run npm run build first');
    const engine = await openEngine(built, library, args, true);
    // Loaded only here: other commands need no HTTP or WebSocket server.
    const { startServer } = await import('../server/serve.js');
    const server = await startServer({ api: engine, rendererDir: built.renderer, port: integerFlag(args, 'port', 0) });
    out(`gpw serve: library ${engine.library.path}`);
    out(`open ${server.url}`);
    const stop = (): void => {
      void server.close().then(() => engine.close()).then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return new Promise<number>(() => {});
  }

  // The list is read from the library alone (list-command.ts); a missing library was refused above.
  if (command === 'list') {
    const { Library } = await import('../library/library.js');
    try {
      const lib = new Library(library.open);
      try {
        out(listCommand(lib, args, json));
      } finally {
        lib.close();
      }
      return 0;
    } catch (err) {
      throw libraryFileError(library.open, err) ?? err;
    }
  }
  // A trace file is read and answered without the engine or the library.
  if (command === 'trace' && traceFileTarget(args)) {
    out(await traceCommand(null, args, json));
    return 0;
  }
  const engine = await openEngine(built, library, args);
  try {
    return await runCommand(command, args, json, engine);
  } catch (err) {
    // Without a library file, an ID cannot be found: say that the library is missing.
    if (library.missing && err instanceof GpwError && err.code === 'not_found') throw noLibrary(library.path, err.message);
    // SQLite meeting a damaged page of the library on the way: say so, naming the file.
    throw libraryFileError(library.open, err) ?? err;
  } finally {
    await engine.close();
  }
}

async function runCommand(command: string, args: ParsedArgs, json: boolean, engine: Engine): Promise<number> {
  {
    switch (command) {
      case 'import': {
        if (args.positional.length === 0) throw new GpwError('invalid_argument', 'gpw import needs at least one FILE');
        const onProgress = importProgress(args.flags.has('progress'));
        const result = await engine.importPaths(args.positional, { labels: labelFlags(args), run: flag(args, 'run'), onProgress });
        if (json) out(JSON.stringify({ artifacts: result.artifacts }));
        else for (const a of result.artifacts) out(`imported ${artifactLine(a)}`);
        return 0;
      }
      case 'ssh':
        return await sshCommand(engine, args, json, out);
      case 'gc':
        out(await gcCommand(engine, args, json));
        return 0;
      case 'capture':
        return await captureCommand(engine, args, json);
      case 'goroutines':
        out(await goroutinesCommand(engine, args, json));
        return 0;
      case 'metrics':
        out(await metricsCommand(engine, args, json));
        return 0;
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
      case 'source':
      case 'peek':
      case 'escapes':
      case 'disasm':
        process.stdout.write(await SOURCE_COMMANDS[command](engine, args, json));
        return 0;
      case 'graph':
        process.stdout.write(await graphCommand(engine, args, json));
        return 0;
      case 'runs':
        out(await runsCommand(engine, args, json));
        return 0;
      case 'run':
        out(await runEditCommand(engine, args, json));
        return 0;
      case 'compare':
        out(await compareCommand(engine, args, json));
        return 0;
      case 'trend':
        out(await trendCommand(engine, args, json));
        return 0;
    }
    return 2;
  }
}

/** gpw's version and the Node.js running it (gpw --version), as a bug report wants them. */
function versionLine(built: BuiltPaths): string {
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(built.packageJson, 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // an unpacked copy without its package.json: the Node.js version is still worth telling
  }
  return `gpw ${version} (Node.js ${process.version}, ${process.platform}/${process.arch})\n`;
}

/** Runs the gpw command `argv` to its exit; `entry`: the URL of the built entry file (cli/entry.ts). */
export function runGpw(argv: string[], entry: string): void {
  const here = new URL('.', entry);
  const built = {
    worker: fileURLToPath(new URL('./profile-worker.js', here)),
    renderer: fileURLToPath(new URL('../renderer/', here)),
    demo: fileURLToPath(new URL('../../resources/demo/', here)),
    packageJson: fileURLToPath(new URL('../../package.json', here)),
  };
  runToExit(() => main(argv, built));
}
