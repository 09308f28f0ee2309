// Concurrent writers on one library (issue 16): P `gpw import` processes, each importing N
// distinct files of M MiB one after another, all at once, while the app is open on the library:
// `gpw serve` (which also runs the library's schedules, as Electron does) in a process of its
// own, polled every second over its WebSocket API as the page does on a refresh (libraryInfo,
// listArtifacts, listRuns, the newest artifact's flame graph). Every import must succeed (no
// "database is locked", no internal error), every poll must answer without an error, and PRAGMA
// integrity_check must say ok. Not part of the test suite: it takes minutes. Prints timings,
// the import times' median and maximum, the polls' answer times and the load.
//
//   npm run build && nice node tests/bench/concurrent-imports.mjs [--procs 4] [--imports 50] [--mib 20]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';

const root = new URL('../..', import.meta.url).pathname;
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

// The app: gpw serve on the library, in a process of its own.
const serve = spawn(process.execPath, [join(root, 'bin/gpw.js'), 'serve'], { env: { ...process.env, GPW_LIBRARY: library }, stdio: ['ignore', 'pipe', 'pipe'] });
let serveErr = '';
serve.stderr.on('data', (d) => (serveErr = (serveErr + d).slice(-4000)));
const serveUrl = await new Promise((resolve, reject) => {
  let text = '';
  const timer = setTimeout(() => reject(new Error(`gpw serve did not start within 60 s: ${serveErr}`)), 60_000);
  serve.stdout.on('data', (d) => {
    const m = /http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+)/.exec((text += d));
    if (m) {
      clearTimeout(timer);
      resolve({ port: m[1], token: m[2] });
    }
  });
  serve.once('exit', (code) => reject(new Error(`gpw serve exited (${code}): ${serveErr}`)));
});
const ws = new WebSocket(`ws://127.0.0.1:${serveUrl.port}/api?token=${serveUrl.token}`, { origin: `http://127.0.0.1:${serveUrl.port}` });
await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
ws.binaryType = 'nodebuffer';
// Replies are binary frames: u32 header length, then a JSON header whose `json` is the envelope
// (typed arrays stand apart as placeholders, which a poll does not need).
const pending = new Map();
let nextId = 1;
ws.on('message', (data) => {
  const header = JSON.parse(data.subarray(4, 4 + data.readUInt32LE(0)).toString('utf8'));
  const envelope = JSON.parse(header.json);
  pending.get(envelope.id)?.(envelope);
  pending.delete(envelope.id);
});
function call(method, args) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${method}: no answer within 120 s`)), 120_000);
    pending.set(id, (e) => {
      clearTimeout(timer);
      if (e.ok) resolve(e.value ?? e.result);
      else reject(new Error(`${method}: ${e.error?.code}: ${e.error?.message}`));
    });
    ws.send(JSON.stringify({ id, method, args }));
  });
}

let appReads = 0;
const appErrors = [];
const pollMs = [];
let polling = true;
const poller = (async () => {
  while (polling) {
    const t = performance.now();
    try {
      await call('libraryInfo', {});
      const list = await call('listArtifacts', { sort: 'newest' });
      await call('listRuns', {});
      if (list?.length) await call('flameGraph', { id: list[0].id });
      appReads++;
      pollMs.push(performance.now() - t);
    } catch (err) {
      appErrors.push(String(err?.message ?? err));
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
})();

const importSeconds = [];
function importer(p) {
  return new Promise((resolve) => {
    const files = [];
    for (let i = 0; i < IMPORTS; i++) {
      const f = join(dir, `p${p}-i${i}.folded`);
      files.push(f);
    }
    // The files are written just before their import and removed after, so disk use stays small.
    const script = files
      .map((f, i) => `printf '# process ${p} import ${i}\\n' > ${f} && cat ${join(dir, 'body.folded')} >> ${f} && s=$EPOCHREALTIME && ${process.execPath} ${join(root, 'bin/gpw.js')} import ${f} >/dev/null && echo "$s $EPOCHREALTIME" || echo "import ${i} failed" >&2; rm -f ${f}`)
      .join('\n');
    const child = spawn('bash', ['-c', script], { env: { ...process.env, GPW_LIBRARY: library } });
    let stderr = '';
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', () => {
      for (const line of out.trim().split('\n')) {
        const [a, b] = line.split(' ').map(Number);
        if (b > a) importSeconds.push(b - a);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ p, code, stderr }));
  });
}

writeFileSync(join(dir, 'body.folded'), body);
const t0 = performance.now();
const load0 = loadavg()[0];
const results = await Promise.all(Array.from({ length: PROCS }, (_, p) => importer(p)));
const seconds = (performance.now() - t0) / 1000;
polling = false;
await poller;
ws.close();
serve.kill('SIGTERM');
const serveExit = await new Promise((resolve) => serve.once('exit', (code, signal) => resolve(signal ?? code)));

const db = new Database(library, { readonly: true });
const integrity = db.pragma('integrity_check', { simple: true });
const artifacts = db.prepare('SELECT count(*) AS n FROM artifacts').get().n;
db.close();
const failures = results.flatMap((r) => (r.stderr ? [`process ${r.p}: ${r.stderr.trim()}`] : []));
const sorted = (xs) => [...xs].sort((x, y) => x - y);
const median = (xs) => (xs.length ? sorted(xs)[Math.floor(xs.length / 2)] : NaN);
const max = (xs) => (xs.length ? Math.max(...xs) : NaN);
console.log(`${PROCS} processes × ${IMPORTS} imports of ${(BYTES / 2 ** 20).toFixed(0)} MiB files into one library, gpw serve open on it and polled every second:`);
console.log(`  ${artifacts} of ${PROCS * IMPORTS} artifacts imported in ${seconds.toFixed(0)} s; one import took ${median(importSeconds).toFixed(1)} s (median), ${max(importSeconds).toFixed(1)} s (longest)`);
console.log(`  integrity_check: ${integrity}; app polls ${appReads} (answered in ${(median(pollMs) / 1000).toFixed(2)} s median, ${(max(pollMs) / 1000).toFixed(2)} s longest), app errors ${appErrors.length}; gpw serve ended ${serveExit}`);
console.log(`  load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)} (${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
for (const f of failures) console.log(`  FAILED ${f.slice(0, 2000)}`);
for (const e of appErrors.slice(0, 5)) console.log(`  APP ERROR ${e}`);
if (/database is locked|internal error/i.test(serveErr)) console.log(`  SERVE STDERR ${serveErr.slice(-2000)}`);
if (!values.keep) rmSync(dir, { recursive: true, force: true });
process.exitCode = failures.length || appErrors.length || integrity !== 'ok' || artifacts !== PROCS * IMPORTS || /database is locked|internal error/i.test(serveErr) ? 1 : 0;
