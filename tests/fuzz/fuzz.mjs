#!/usr/bin/env node
// The long fuzz run: `npm run fuzz -- --seconds N` mutates real inputs (tests/fuzz/fuzz-seeds.mjs)
// for every registered reader, N seconds per format, one child process per format at a time
// (fuzz-child.ts, bundled here with vite). It reports per format the inputs tried, those read and
// those refused with a message, crashes (an error that is not a message for the user, or the
// process dying), hangs (no answer within --hang-seconds), inputs that took a process past
// --max-rss-mib (1024), and the process's peak RSS; every failing input is saved (path printed)
// and named by (seed, input number), from which mutate.mjs makes it again.
//
//   npm run fuzz -- --seconds 60 [--inputs N] [--from I] [--formats pprof,folded] [--seed S]
//                  [--max-bytes B] [--hang-seconds 30] [--max-rss-mib 1024] [--out DIR]
//
// --from I starts at input I (of each format), so runs cut short on a busy machine add up: a
// run that tried inputs 0 to 7,563 is continued with --from 7564.
//
// Needs `npm run build` (the profile worker). Run it niced on a shared machine.
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { repoRoot } from '../go/go-gen.mjs';
import { loadSeeds, SEED_SOURCES } from './fuzz-seeds.mjs';
import { mutatedInput } from './mutate.mjs';

const { values: opt } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    inputs: { type: 'string' },
    from: { type: 'string', default: '0' },
    formats: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'max-bytes': { type: 'string', default: String(10 << 20) },
    'hang-seconds': { type: 'string', default: '30' },
    'max-rss-mib': { type: 'string', default: '1024' },
    out: { type: 'string', default: path.join(repoRoot, 'tests', '.tmp', 'fuzz-failures') },
  },
});
const seconds = Number(opt.seconds);
const from = Number(opt.from);
/** One past the last input number tried. */
const maxInputs = opt.inputs ? from + Number(opt.inputs) : Infinity;
const runSeed = Number(opt.seed) >>> 0;
const maxBytes = Number(opt['max-bytes']);
const hangMs = Number(opt['hang-seconds']) * 1000;
const maxRss = Number(opt['max-rss-mib']) * 2 ** 20;
const workerPath = path.join(repoRoot, 'out', 'main', 'profile-worker.js');
// A folder per run: runs of several formats at once must not empty each other's bundle.
const buildDir = path.join(repoRoot, 'tests', '.tmp', 'fuzz-build', String(process.pid));

// The child with the readers, bundled (node_modules stay external).
await build({
  configFile: false,
  logLevel: 'warn',
  build: { ssr: path.join(repoRoot, 'tests', 'fuzz', 'fuzz-child.ts'), outDir: buildDir, emptyOutDir: true, target: 'node20', rollupOptions: { output: { format: 'es', entryFileNames: 'fuzz-child.mjs' } } },
});

// The formats: those with a registered reader (asked of the bundle) unless named.
const registered = await new Promise((resolve, reject) => {
  const child = fork(path.join(buildDir, 'fuzz-child.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.once('message', (m) => resolve(m.formats));
  child.once('exit', (code) => reject(new Error(`the fuzz child could not list the readers (exit ${code})`)));
  child.send('formats');
});
const formats = opt.formats ? opt.formats.split(',') : registered;
const missing = formats.filter((f) => !SEED_SOURCES[f]);
if (missing.length) console.error(`fuzz: no seeds for ${missing.join(', ')}: add a line to SEED_SOURCES in tests/fuzz/fuzz-seeds.mjs`);
const seeds = await loadSeeds(formats.filter((f) => SEED_SOURCES[f]));
mkdirSync(opt.out, { recursive: true });

function rssOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

function save(format, i, kind, message) {
  const { bytes } = mutatedInput(seeds[format], runSeed, i, maxBytes);
  const base = path.join(opt.out, `${format}-seed${runSeed}-input${i}-${kind}`);
  writeFileSync(`${base}.bin`, bytes);
  writeFileSync(`${base}.txt`, `${kind} of the ${format} reader on input ${i} of seed ${runSeed} (${bytes.length} bytes)\n${message}\n`);
  return `${base}.bin`;
}

/** Runs the child over inputs [from, until) until time runs out; restarts it after a death. */
async function fuzzFormat(format) {
  const r = { format, tried: 0, ok: 0, refused: 0, crashes: 0, hangs: 0, memory: 0, peakRssMiB: 0, biggestInput: 0, saved: [], seconds: 0 };
  const t0 = Date.now();
  const deadline = t0 + seconds * 1000;
  let next = from;
  let lastReport = t0;
  while (Date.now() < deadline && next < maxInputs) {
    const base = { ok: 0, refused: 0, crash: 0 };
    let current = -1;
    let startedAt = Date.now();
    let counts = base;
    const child = fork(path.join(buildDir, 'fuzz-child.mjs'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
    let stderr = '';
    child.on('error', () => {}); // a stop sent as the child closes its channel
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    let failure = null;
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.on('message', (m) => {
      if (m.t === 'start') {
        current = m.i;
        startedAt = Date.now();
        r.tried++;
        if (m.size > r.biggestInput) r.biggestInput = m.size;
        if ((Date.now() > deadline || m.i + 1 >= maxInputs) && child.connected) child.send('stop', () => {});
      } else if (m.t === 'crash') {
        r.crashes++;
        r.saved.push(save(format, m.i, 'crash', m.message));
      } else if (m.t === 'progress') {
        counts = m.counts;
        if (Date.now() - lastReport > 60_000) {
          lastReport = Date.now();
          process.stderr.write(`${format}: ${r.tried} inputs (to input ${from + r.tried - 1}) in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${r.crashes} crashes, ${r.hangs} hangs, peak RSS ${r.peakRssMiB.toFixed(0)} MiB\n`);
        }
      }
    });
    child.send({ format, seedFiles: seeds[format].map((s) => path.join(repoRoot, s.name)), runSeed, from: next, until: maxInputs === Infinity ? Number.MAX_SAFE_INTEGER : maxInputs, maxBytes, workerPath });
    const watch = setInterval(() => {
      const { rss, hwm } = rssOf(child.pid);
      r.peakRssMiB = Math.max(r.peakRssMiB, Math.max(rss, hwm) / 2 ** 20);
      if (failure) return;
      if (rss > maxRss) failure = { kind: 'memory', message: `RSS ${Math.round(rss / 2 ** 20)} MiB, past the bound of ${maxRss / 2 ** 20} MiB` };
      else if (Date.now() - startedAt > hangMs) failure = { kind: 'hang', message: `no answer after ${hangMs / 1000} s` };
      else if (Date.now() > deadline + 5000) failure = { kind: 'stop', message: '' };
      if (failure) child.kill('SIGKILL');
    }, 50);
    const { code, signal } = await exited;
    clearInterval(watch);
    r.ok += counts.ok;
    r.refused += counts.refused;
    if (failure?.kind === 'memory') r.memory++;
    if (failure?.kind === 'hang') r.hangs++;
    if (failure && failure.kind !== 'stop' && current >= 0) r.saved.push(save(format, current, failure.kind, failure.message));
    if (!failure && code !== 0 && current >= 0) {
      r.crashes++;
      r.saved.push(save(format, current, 'death', `the process died (${signal ?? `exit ${code}`}):\n${stderr}`));
    }
    if (current < 0 && !failure && code !== 0) throw new Error(`the ${format} fuzz process failed to start (${signal ?? code}): ${stderr}`);
    next = current + 1;
    if (!failure && code === 0) break; // ran to its end
  }
  r.seconds = (Date.now() - t0) / 1000;
  return r;
}

const results = [];
for (const format of formats) {
  if (!seeds[format]) continue;
  const r = await fuzzFormat(format);
  results.push(r);
  console.log(
    `${format.padEnd(12)} ${String(r.tried).padStart(8)} inputs (${from} to ${from + r.tried - 1}) in ${r.seconds.toFixed(0)} s: ${r.ok} read, ${r.refused} refused with a message, ` +
      `${r.crashes} crashes, ${r.hangs} hangs, ${r.memory} past ${maxRss / 2 ** 20} MiB; peak RSS ${r.peakRssMiB.toFixed(0)} MiB; largest input ${(r.biggestInput / 2 ** 20).toFixed(1)} MiB`,
  );
  for (const f of r.saved) console.log(`  saved ${path.relative(process.cwd(), f)}`);
}
console.log(JSON.stringify({ seed: runSeed, from, seconds, maxBytes, results: results.map(({ saved, ...rest }) => ({ ...rest, saved: saved.length })) }));
rmSync(buildDir, { recursive: true, force: true });
process.exitCode = results.some((r) => r.crashes + r.hangs + r.memory > 0) || missing.length ? 1 : 0;
