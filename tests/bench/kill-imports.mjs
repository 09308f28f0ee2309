// kill -9 at random moments (issue 16): gpw imports of an 8 MiB file, captures of three kinds
// from a Go service on 127.0.0.1 (tests/go/pprofserver), repeated captures (--every 5s, the
// CLI's schedule), and schedule ticks (`gpw serve` on the library, whose saved schedule captures
// three kinds every 5 s: a tick fires at start or 5 s after the last one), each killed with
// SIGKILL after a random delay, into one library that already holds artifacts. After every kill:
// PRAGMA integrity_check is ok, every listed artifact's blob is whole (size and SHA-256), a
// killed import left its artifact whole or absent, a killed capture or tick left each run with
// all of its kinds or none, the capture history names only artifacts that exist, and nothing
// that was there before changed. Not part of the test suite: it takes minutes. Needs
// `npm run build`.
//
//   nice node tests/bench/kill-imports.mjs [--trials 80] [--seed 1]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { buildPprofServer, startPprofServer } from '../go/pprofserver/harness.mjs';
import { seededRandom } from '../helpers/seeded-random.mjs';

const root = new URL('../..', import.meta.url).pathname;
const { values } = parseArgs({ options: { trials: { type: 'string', default: '80' }, seed: { type: 'string', default: '1' } } });
const TRIALS = Number(values.trials);
const random = seededRandom(Number(values.seed));
const dir = mkdtempSync(join(tmpdir(), 'gpw-kill-'));
const library = join(dir, 'lib.sqlite');
const KINDS = ['heap', 'goroutine', 'allocs'];

function gpw(args, killAfterMs = null) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(root, 'bin/gpw.js'), ...args], { env: { ...process.env, GPW_LIBRARY: library }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr, ms: performance.now() - t0 });
    });
  });
}

/** Everything about the library that a kill must not change or leave half-done. */
function inspect() {
  const db = new Database(library, { readonly: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const rows = db.prepare(`SELECT a.id, a.kind, a.subtype, a.blob_sha256 AS sha, a.summary_json, a.file_name, r.name AS run,
      (SELECT group_concat(key || '=' || value, ',') FROM artifact_labels l WHERE l.artifact_id = a.id) AS labels
      FROM artifacts a LEFT JOIN runs r ON r.id = a.run_id ORDER BY a.id`).all();
    const blobs = new Map(db.prepare('SELECT sha256, size, compression, data FROM blobs').all().map((b) => [b.sha256, b]));
    const broken = [];
    for (const r of rows) {
      const b = blobs.get(r.sha);
      if (!b) { broken.push(`${r.id}: no blob`); continue; }
      const bytes = b.compression === 'deflate' ? inflateRawSync(b.data) : b.data;
      if (bytes.length !== b.size || createHash('sha256').update(bytes).digest('hex') !== r.sha) broken.push(`${r.id}: blob damaged`);
    }
    const history = db.prepare('SELECT status, artifacts_json FROM capture_history').all();
    const ids = new Set(rows.map((r) => r.id));
    for (const h of history) for (const a of JSON.parse(h.artifacts_json)) if (!ids.has(a.id)) broken.push(`history names missing artifact ${a.id}`);
    return { integrity, rows, broken };
  } finally {
    db.close();
  }
}

// The library before the trials: real profiles, labelled, in a run.
const before = await gpw(['import', join(root, 'tests/.tmp/go-profiles/heap.pb.gz'), join(root, 'tests/.tmp/go-profiles/cpu.pb.gz'), '--run', 'before', '--label', 'keep=yes']);
if (before.code !== 0) throw new Error(`setup import failed: ${before.stderr}`);
const earlier = inspect().rows;
const earlierJson = JSON.stringify(earlier);

const lines = [];
for (let k = 0, n = 0; n < 8 * 2 ** 20; k++) {
  const line = `main;api.serve${k % 53};store.query${k % 991};row.decode${k} ${1 + (k % 500)}\n`;
  lines.push(line);
  n += line.length;
}
const body = lines.join('');

const server = await startPprofServer(await buildPprofServer());

// The saved schedule that gpw serve's ticks run: three kinds every 5 s, each tick a run "tick <time>".
{
  const { Engine } = await import(join(root, 'out/main/engine.js'));
  const engine = new Engine({ libraryPath: library, workerPath: join(root, 'out/main/profile-worker.js'), demoDir: join(root, 'resources/demo/') });
  const target = await engine.saveTarget({ name: 'kill-target', baseUrl: server.url });
  await engine.saveSchedule({ targetId: target.id, kinds: KINDS.map((kind) => ({ kind })), everySeconds: 5, run: 'tick' });
  await engine.close();
}
/** The artifacts in tick runs so far (a light query: the calibration polls it). */
function tickRuns() {
  const db = new Database(library, { readonly: true });
  try {
    return db.prepare(`SELECT count(*) AS n FROM artifacts a JOIN runs r ON r.id = a.run_id WHERE r.name LIKE 'tick %'`).get().n;
  } finally {
    db.close();
  }
}

/** When the schedule last fired (a tick marks it as it starts). */
function lastTickAt() {
  const db = new Database(library, { readonly: true });
  try {
    return db.prepare('SELECT max(last_run_at) AS t FROM capture_schedules').get().t;
  } finally {
    db.close();
  }
}

/** gpw serve on the library until its first tick's run is whole (bounded); the milliseconds that took. */
async function firstTickMs() {
  const t = performance.now();
  const before = tickRuns();
  const child = spawn(process.execPath, [join(root, 'bin/gpw.js'), 'serve'], { env: { ...process.env, GPW_LIBRARY: library }, stdio: 'ignore' });
  try {
    for (let i = 0; i < 600 && tickRuns() < before + KINDS.length; i++) await new Promise((r) => setTimeout(r, 100));
    if (tickRuns() < before + KINDS.length) throw new Error('gpw serve ran no whole tick within 60 s');
    return performance.now() - t;
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', r)));
  }
}

// How long each kind of work takes uninterrupted: the kills fall anywhere inside that.
const calib = { import: 0, capture: 0, schedule: 0, tick: 0 };
{
  writeFileSync(join(dir, 'calib.folded'), `# calibration\n${body}`);
  calib.import = (await gpw(['import', join(dir, 'calib.folded'), '--run', 'calib-import'])).ms;
  calib.capture = (await gpw(['capture', server.url, ...KINDS.flatMap((k) => ['--kind', k]), '--run', 'calib-capture'])).ms;
  calib.schedule = calib.capture + 5000;
  // From serve's start to its first tick's end, plus the up to 5 s a later start waits for its tick.
  calib.tick = (await firstTickMs()) + 5000;
}
const baseline = inspect().rows;

const MODES = ['import', 'capture', 'schedule', 'tick'];
const tally = Object.fromEntries(MODES.map((m) => [m, { trials: 0, killed: 0, whole: 0, absent: 0, fired: 0 }]));
const problems = [];
const t0 = performance.now();
let ticksBefore = [];
for (let t = 0; t < TRIALS; t++) {
  const mode = MODES[t % MODES.length];
  // Half anywhere in the work; half in its last 30 % or just past it, where the library is
  // written (a capture spends most of its time starting and fetching; a finished one must stay).
  const delay = Math.floor(calib[mode] * (random() < 0.5 ? random() : 0.7 + 0.4 * random()));
  const run = `trial-${t}`;
  let r;
  if (mode === 'import') {
    const f = join(dir, `t${t}.folded`);
    writeFileSync(f, `# trial ${t}\n${body}`);
    r = await gpw(['import', f, '--run', run, '--label', `trial=${t}`], delay);
    rmSync(f, { force: true });
  } else if (mode === 'capture') {
    r = await gpw(['capture', server.url, ...KINDS.flatMap((k) => ['--kind', k]), '--run', run], delay);
  } else if (mode === 'schedule') {
    r = await gpw(['capture', server.url, '--kind', 'heap', '--kind', 'goroutine', '--every', '5s', '--count', '2', '--run', run], delay);
  } else {
    ticksBefore = inspect().rows.filter((row) => row.run?.startsWith('tick ')).map((row) => row.id);
    const firedBefore = lastTickAt();
    r = await gpw(['serve'], delay); // serve never ends by itself: always killed
    if (lastTickAt() !== firedBefore) tally.tick.fired++;
  }
  const tl = tally[mode];
  tl.trials++;
  if (r.signal === 'SIGKILL') tl.killed++;
  else if (r.code !== 0) problems.push(`trial ${t} (${mode}) failed without a kill: ${r.stderr.slice(0, 500)}`);
  const now = inspect();
  if (now.integrity !== 'ok') problems.push(`trial ${t}: integrity_check: ${now.integrity}`);
  problems.push(...now.broken.map((b) => `trial ${t}: ${b}`));
  if (JSON.stringify(now.rows.filter((row) => earlier.some((e) => e.id === row.id))) !== earlierJson) problems.push(`trial ${t}: the artifacts imported before changed`);
  if (baseline.some((b) => !now.rows.some((row) => row.id === b.id))) problems.push(`trial ${t}: an earlier artifact is gone`);
  // Runs of this trial: an import run holds its one artifact; a capture run all its kinds.
  // A tick trial's runs are the schedule's ("tick <time>") that this trial added.
  const ours = (row) => (mode === 'tick' ? row.run?.startsWith('tick ') && !ticksBefore.includes(row.id) : row.run && (row.run === run || row.run.startsWith(`${run} `)));
  const runs = new Map();
  for (const row of now.rows) if (ours(row)) runs.set(row.run, [...(runs.get(row.run) ?? []), row]);
  const want = mode === 'import' ? 1 : mode === 'schedule' ? 2 : KINDS.length;
  for (const [name, got] of runs) if (got.length !== want) problems.push(`trial ${t} (${mode}): run "${name}" holds ${got.length} of its ${want} artifacts`);
  // Every tick run so far, not just this trial's, stays whole.
  const ticks = new Map();
  for (const row of now.rows) if (row.run?.startsWith('tick ')) ticks.set(row.run, (ticks.get(row.run) ?? 0) + 1);
  for (const [name, n] of ticks) if (n !== KINDS.length) problems.push(`trial ${t}: tick run "${name}" holds ${n} of its ${KINDS.length} artifacts`);
  if (runs.size === 0) tl.absent++;
  else tl.whole++;
}
await server.stop();
const listed = await gpw(['list', '--json']);
if (listed.code !== 0) problems.push(`gpw list failed after the trials: ${listed.stderr}`);
console.log(`kill -9 during gpw work, ${TRIALS} trials in ${((performance.now() - t0) / 1000).toFixed(0)} s (uninterrupted: import ${calib.import.toFixed(0)} ms, capture ${calib.capture.toFixed(0)} ms, 2 repeated captures ${calib.schedule.toFixed(0)} ms, serve's start to its tick's end + 5 s ${calib.tick.toFixed(0)} ms); load average ${loadavg()[0].toFixed(1)}:`);
for (const [mode, tl] of Object.entries(tally)) {
  const what = mode === 'tick' ? `gpw serve killed, a tick fired in ${tl.fired}` : `${tl.killed} killed mid-way`;
  console.log(`  ${mode.padEnd(9)} ${tl.trials} trials, ${what}: ${tl.whole} left whole runs, ${tl.absent} left nothing`);
}
console.log(`  library: ${inspect().rows.length} artifacts, integrity ok after every trial: ${!problems.some((p) => p.includes('integrity'))}; problems: ${problems.length}`);
for (const p of problems.slice(0, 20)) console.log(`  PROBLEM ${p}`);
rmSync(dir, { recursive: true, force: true });
process.exitCode = problems.length ? 1 : 0;
