// Concurrent writers on one library (issue 16): P `gpw import` processes, each importing N
// distinct files of M MiB one after another, all at once, while "the app" (an engine in this
// process, running its schedules, as Electron and gpw serve do) lists the library and opens the
// newest artifact's flame graph every second. Every import must succeed (no "database is
// locked", no internal error), and PRAGMA integrity_check must say ok. Not part of the test
// suite: it takes minutes. Prints timings and the load.
//
//   npm run build && nice node tests/bench/concurrent-imports.mjs [--procs 4] [--imports 50] [--mib 20]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const root = new URL('../..', import.meta.url).pathname;
const { Engine } = await import(join(root, 'out/main/engine.js'));
const { values } = parseArgs({ options: { procs: { type: 'string', default: '4' }, imports: { type: 'string', default: '50' }, mib: { type: 'string', default: '20' }, keep: { type: 'boolean', default: false } } });
const PROCS = Number(values.procs);
const IMPORTS = Number(values.imports);
const BYTES = Number(values.mib) * 2 ** 20;

const dir = mkdtempSync(join(tmpdir(), 'gpw-concurrent-'));
const library = join(dir, 'lib.sqlite');

// One folded-stacks body of the wanted size; each import gets its own first line, so every
// file is distinct (its own blob) while the work per import stays the same.
const lines = [];
for (let k = 0, n = 0; n < BYTES; k++) {
  const line = `main;server.handle${k % 97};service.step${k % 1013};codec.encode${k % 4999};leaf${k} ${1 + (k % 1000)}\n`;
  lines.push(line);
  n += line.length;
}
const body = lines.join('');

const app = new Engine({ libraryPath: library, workerPath: join(root, 'out/main/profile-worker.js'), demoDir: join(root, 'resources/demo/'), warmUp: true, runSchedules: true });
let appReads = 0;
let appErrors = [];
const appTimer = setInterval(async () => {
  try {
    const list = await app.listArtifacts({});
    if (list.length) await app.flameGraph({ id: list[0].id });
    appReads++;
  } catch (err) {
    appErrors.push(String(err?.message ?? err));
  }
}, 1000);

function importer(p) {
  return new Promise((resolve) => {
    const files = [];
    for (let i = 0; i < IMPORTS; i++) {
      const f = join(dir, `p${p}-i${i}.folded`);
      files.push(f);
    }
    // The files are written just before their import and removed after, so disk use stays small.
    const script = files
      .map((f, i) => `printf '# process ${p} import ${i}\\n' > ${f} && cat ${join(dir, 'body.folded')} >> ${f} && ${process.execPath} ${join(root, 'bin/gpw.js')} import ${f} >/dev/null || echo "import ${i} failed" >&2; rm -f ${f}`)
      .join('\n');
    const child = spawn('bash', ['-c', script], { env: { ...process.env, GPW_LIBRARY: library } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ p, code, stderr }));
  });
}

writeFileSync(join(dir, 'body.folded'), body);
const t0 = performance.now();
const load0 = loadavg()[0];
const results = await Promise.all(Array.from({ length: PROCS }, (_, p) => importer(p)));
const seconds = (performance.now() - t0) / 1000;
clearInterval(appTimer);
await new Promise((r) => setTimeout(r, 1500));
await app.close();

const db = new Database(library, { readonly: true });
const integrity = db.pragma('integrity_check', { simple: true });
const artifacts = db.prepare('SELECT count(*) AS n FROM artifacts').get().n;
db.close();
const failures = results.flatMap((r) => (r.stderr ? [`process ${r.p}: ${r.stderr.trim()}`] : []));
console.log(`${PROCS} processes × ${IMPORTS} imports of ${(BYTES / 2 ** 20).toFixed(0)} MiB files into one library, the app reading it every second:`);
console.log(`  ${artifacts} of ${PROCS * IMPORTS} artifacts imported in ${seconds.toFixed(0)} s; integrity_check: ${integrity}; app reads ${appReads}, app errors ${appErrors.length}; load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`);
for (const f of failures) console.log(`  FAILED ${f.slice(0, 2000)}`);
for (const e of appErrors.slice(0, 5)) console.log(`  APP ERROR ${e}`);
if (!values.keep) rmSync(dir, { recursive: true, force: true });
process.exitCode = failures.length || appErrors.length || integrity !== 'ok' || artifacts !== PROCS * IMPORTS ? 1 : 0;
