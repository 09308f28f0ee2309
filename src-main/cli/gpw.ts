// The gpw command: import, list, top and serve over the same engine the app uses.
// --json prints one JSON document on stdout; errors go to stderr with a non-zero exit.

import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { GpwError } from '../api/errors.js';
import type { Artifact } from '../api/types.js';
import { formatTopText } from '../analysis/top-format.js';
import { DEFAULT_TOP_OPTIONS } from '../analysis/top.js';
import { Engine } from '../engine.js';
import { resolveLibraryPath } from '../library/default-path.js';
import { startServer } from '../server/serve.js';
import { flag, integerFlag, labelFlags, parseArgs, type FlagSpec, type ParsedArgs } from './args.js';

// Paths of the built pieces, relative to this entry file (out/main/cli.js).
const HERE = new URL('.', import.meta.url);
const WORKER_PATH = fileURLToPath(new URL('./profile-worker.js', HERE));
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', HERE));
const DEMO_DIR = fileURLToPath(new URL('../../resources/demo/', HERE));

const USAGE = `gpw — the Go Performance Workstation

usage:
  gpw import FILE... [--label k=v]... [--run NAME] [--json]
  gpw list [--kind K] [--label k=v] [--text T] [--json]
  gpw top ID|FILE [--sample-index NAME] [--nodecount N] [--cum] [--json]
  gpw serve [--port N]

common options:
  --library PATH   the library database (default: $GPW_LIBRARY, else the app-data folder)
`;

const COMMON: Record<string, FlagSpec> = { library: { value: true }, json: { value: false }, help: { value: false } };
const SPECS: Record<string, Record<string, FlagSpec>> = {
  import: { ...COMMON, label: { value: true, repeat: true }, run: { value: true } },
  list: { ...COMMON, kind: { value: true }, label: { value: true }, text: { value: true } },
  top: { ...COMMON, 'sample-index': { value: true }, nodecount: { value: true }, cum: { value: false } },
  serve: { ...COMMON, port: { value: true } },
};

function openEngine(args: ParsedArgs, longRunning = false): Engine {
  return new Engine({ libraryPath: resolveLibraryPath(flag(args, 'library')), workerPath: WORKER_PATH, demoDir: DEMO_DIR, warmUp: longRunning });
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
      case 'top': {
        const target = args.positional[0];
        if (!target || args.positional.length > 1) throw new GpwError('invalid_argument', 'gpw top needs exactly one ID or FILE');
        const sampleType = flag(args, 'sample-index');
        const nodecount = integerFlag(args, 'nodecount', DEFAULT_TOP_OPTIONS.nodecount);
        const sort = args.flags.has('cum') ? 'cum' : 'flat';
        if (!existsSync(target) && !/^[A-Za-z0-9_-]+$/.test(target)) throw new GpwError('not_found', `${target}: no such file`);
        const table = existsSync(target)
          ? await engine.topOfFile(target, sampleType, nodecount, sort)
          : await engine.topTable({ id: target, sampleType, nodecount, sort });
        if (json) out(JSON.stringify(table));
        else process.stdout.write(formatTopText(table));
        return 0;
      }
    }
    return 2;
  } finally {
    await engine.close();
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
