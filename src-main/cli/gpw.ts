// The gpw command: import, list, top and serve over the same engine the app uses.
// --json prints one JSON document on stdout; errors go to stderr with a non-zero exit.

import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { GpwError } from '../api/errors.js';
import { safeMessage } from '../formats/quote-input.js';
import type { Artifact } from '../api/types.js';
import { topCommand, TOP_FLAGS, TOP_USAGE } from './top-command.js';
import { mergeCommand, MERGE_FLAGS, MERGE_USAGE } from './merge-command.js';
import { traceCommand, TRACE_FLAGS, TRACE_USAGE } from './trace-command.js';
import { exportCommand, EXPORT_FLAGS, EXPORT_USAGE } from './export-command.js';
import { captureCommand, CAPTURE_FLAGS, CAPTURE_USAGE } from './capture-command.js';
import { gcCommand, GC_FLAGS, GC_USAGE } from './gc-command.js';
import { sshCommand, SSH_FLAGS, SSH_USAGE } from './ssh-command.js';
import { compareCommand, runCommand, runsCommand, trendCommand, COMPARE_FLAGS, RUN_FLAGS, RUNS_FLAGS, RUNS_USAGE, TREND_FLAGS } from './runs-command.js';
import { Engine } from '../engine.js';
import { resolveLibraryPath } from '../library/default-path.js';
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
  gpw list [--kind K] [--label k=v] [--text T] [--json]
${TOP_USAGE}
${MERGE_USAGE}
${TRACE_USAGE}
${EXPORT_USAGE}
${CAPTURE_USAGE}
${GC_USAGE}
${SSH_USAGE}
${RUNS_USAGE}
  gpw serve [--port N]

common options:
  --library PATH   the library database (default: $GPW_LIBRARY, else the app-data folder)
`;

const COMMON: Record<string, FlagSpec> = { ...valueFlags('library'), ...switchFlags('json', 'help') };
const SPECS: Record<string, Record<string, FlagSpec>> = {
  import: { ...COMMON, ...ARTIFACT_FLAGS },
  list: { ...COMMON, ...valueFlags('kind', 'label', 'text') },
  top: { ...COMMON, ...TOP_FLAGS },
  merge: { ...COMMON, ...MERGE_FLAGS },
  trace: { ...COMMON, ...TRACE_FLAGS },
  export: { ...COMMON, ...EXPORT_FLAGS },
  capture: { ...COMMON, ...CAPTURE_FLAGS },
  gc: { ...COMMON, ...GC_FLAGS },
  ssh: { ...COMMON, ...SSH_FLAGS },
  serve: { ...COMMON, ...valueFlags('port') },
  runs: { ...COMMON, ...RUNS_FLAGS },
  run: { ...COMMON, ...RUN_FLAGS },
  compare: { ...COMMON, ...COMPARE_FLAGS },
  trend: { ...COMMON, ...TREND_FLAGS },
};

function openEngine(args: ParsedArgs, longRunning = false): Engine {
  return new Engine({ libraryPath: resolveLibraryPath(flag(args, 'library')), workerPath: WORKER_PATH, demoDir: DEMO_DIR, warmUp: longRunning, runSchedules: longRunning });
}

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

function artifactLine(a: Artifact): string {
  const when = new Date(a.capturedAt ?? a.importedAt).toISOString().replace('T', ' ').slice(0, 19);
  const labels = Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(',');
  return [a.id, when, (a.subtype ?? a.kind).padEnd(10), a.file ?? a.source, a.run ? `run=${a.run}` : '', labels].filter(Boolean).join('  ');
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

  if (command === 'serve') {
    if (!existsSync(RENDERER_DIR)) throw new GpwError('unavailable', 'the renderer is not built: run npm run build first');
    const engine = openEngine(args, true);
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

  const engine = openEngine(args);
  try {
    switch (command) {
      case 'import': {
        if (args.positional.length === 0) throw new GpwError('invalid_argument', 'gpw import needs at least one FILE');
        const result = await engine.importPaths(args.positional, { labels: labelFlags(args), run: flag(args, 'run') });
        if (json) out(JSON.stringify({ artifacts: result.artifacts }));
        else for (const a of result.artifacts) out(`imported ${artifactLine(a)}`);
        return 0;
      }
      case 'list': {
        const artifacts = await engine.listArtifacts({ kind: flag(args, 'kind') as Artifact['kind'] | undefined, label: flag(args, 'label'), text: flag(args, 'text') });
        if (json) out(JSON.stringify({ artifacts }));
        else if (artifacts.length === 0) out('the library is empty: gpw import FILE... adds profiles');
        else for (const a of artifacts) out(artifactLine(a));
        return 0;
      }
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
      case 'runs':
        out(await runsCommand(engine, args, json));
        return 0;
      case 'run':
        out(await runCommand(engine, args, json));
        return 0;
      case 'compare':
        out(await compareCommand(engine, args, json));
        return 0;
      case 'trend':
        out(await trendCommand(engine, args, json));
        return 0;
    }
    return 2;
  } finally {
    await engine.close();
  }
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

main(process.argv.slice(2)).then(
  (code) => exitWhenWritten(code),
  (err: unknown) => {
    const message = err instanceof GpwError ? err.message : `internal error: ${(err as Error)?.stack ?? String(err)}`;
    process.stderr.write(`gpw: ${safeMessage(message)}\n`);
    exitWhenWritten(err instanceof GpwError && err.code === 'invalid_argument' ? 2 : 1);
  },
);
