// Benchmark: a big `perf script` text (2 GiB by default) folded by gpw as whole CLI processes —
// `gpw export FILE --format collapsed` and `gpw import FILE` (streamed: the file is never held
// whole) — beside inferno-collapse-perf (Rust: `cargo install inferno`) and FlameGraph's
// stackcollapse-perf.pl on the same file in the same run. Prints wall time and peak RSS of each
// and the ratios, and checks that the folded outputs are identical. inferno folds on two threads
// by default; it is also run on one (--nthreads 1), as gpw folds on one (an import hashes and
// deflates the file on the other core meanwhile). Not a test: timings are printed, never asserted.
//
// The input is real: tests/go/profgen run under `perf record -e cpu-clock -g`, its `perf script`
// repeated with shifted timestamps up to the size asked for. It is made once and cached under
// tests/.tmp/perfbench (with a stamp); a file over 1 GiB is deleted at the end unless KEEP=1.
//
//   npm run build && node tests/bench/perf-script-bench.mjs
//   PERF_BENCH_MB=2048 BENCH_RUNS=1 STACKCOLLAPSE_PERF=path/to/stackcollapse-perf.pl
//
// stackcollapse-perf.pl is looked for in STACKCOLLAPSE_PERF, tests/.tmp/flamegraph/, on PATH;
// inferno-collapse-perf in ~/.cargo/bin and on PATH. A missing tool is reported and skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = join(ROOT, 'tests/.tmp/perfbench');
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const TARGET_BYTES = Number(process.env.PERF_BENCH_MB ?? 2048) * 2 ** 20;
if (!existsSync(join(ROOT, 'out/main/cli.js'))) {
  console.error('bench: run `npm run build` first');
  process.exit(1);
}
mkdirSync(DIR, { recursive: true });

function which(name, extra = []) {
  for (const p of [...extra, ...(process.env.PATH ?? '').split(':').map((d) => join(d, name))]) if (p && existsSync(p)) return p;
  return null;
}

/** The real capture: profgen (tests/go/profgen) under perf record, cpu-clock, frame-pointer call graphs. */
function baseCapture() {
  const base = join(DIR, 'base.perf.txt');
  if (existsSync(base)) return base;
  execFileSync('go', ['build', '-o', join(DIR, 'profgen'), '.'], { cwd: join(ROOT, 'tests/go/profgen'), stdio: 'inherit', env: { ...process.env, GOWORK: 'off' } });
  mkdirSync(join(DIR, 'profgen-out'), { recursive: true });
  execFileSync('perf', ['record', '-q', '-e', 'cpu-clock', '-F', '2999', '-g', '-o', join(DIR, 'perf.data'), '--', join(DIR, 'profgen'), '-out', join(DIR, 'profgen-out')], { stdio: 'inherit' });
  const text = execFileSync('perf', ['script', '-i', join(DIR, 'perf.data')], { maxBuffer: 1 << 30 });
  const tmp = `${base}.tmp`;
  const fd = openSync(tmp, 'w');
  writeSync(fd, text);
  closeSync(fd);
  renameSync(tmp, base);
  return base;
}

/**
 * The capture's records repeated with their timestamps shifted by the capture's span each time,
 * up to TARGET_BYTES; every record ends with its blank line (stackcollapse-perf.pl drops a last
 * record without one).
 */
function bigCapture(base) {
  const text = readFileSync(base, 'utf8').replace(/\n*$/, '\n\n');
  const big = join(DIR, `big-${Math.round(TARGET_BYTES / 2 ** 20)}M.perf.txt`);
  const stamp = createHash('sha256').update(text).update(String(TARGET_BYTES)).digest('hex');
  if (existsSync(big) && existsSync(`${big}.stamp`) && readFileSync(`${big}.stamp`, 'utf8') === stamp) return big;
  const header = /^(\S.*?\s+\d+(?:\/\d+)?\s+(?:\[\d+\]\s+)?)(\d+\.\d+)(:.*)$/gm;
  const times = [...text.matchAll(header)].map((m) => Number(m[2]));
  const span = Math.ceil(Math.max(...times) - Math.min(...times) + 1);
  const tmp = `${big}.tmp`;
  const fd = openSync(tmp, 'w');
  let written = 0;
  for (let copy = 0; written < TARGET_BYTES; copy++) {
    const shifted = copy === 0 ? text : text.replace(header, (_, pre, t, post) => `${pre}${(Number(t) + copy * span).toFixed(6)}${post}`);
    written += writeSync(fd, shifted);
  }
  closeSync(fd);
  renameSync(tmp, big);
  writeFileSyncStamp(`${big}.stamp`, stamp);
  return big;
}

function writeFileSyncStamp(path, text) {
  const fd = openSync(path, 'w');
  writeSync(fd, text);
  closeSync(fd);
}

/** Wall seconds, CPU seconds (user + sys) and max RSS (KiB) of a command, via GNU time; stdout to a file when given. */
function timed(cmd, args, outFile) {
  const out = outFile ? openSync(outFile, 'w') : 'ignore';
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', cmd, ...args], { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
  if (outFile) closeSync(out);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const [wall, rss, user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, rssKiB: rss, cpu: user + sys };
}

const sortedLines = (file) => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').sort().join('\n');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const inferno = which('inferno-collapse-perf', [join(homedir(), '.cargo/bin/inferno-collapse-perf')]);
const perl = which('stackcollapse-perf.pl', [process.env.STACKCOLLAPSE_PERF, join(ROOT, 'tests/.tmp/flamegraph/stackcollapse-perf.pl')]);
if (!inferno) console.log('inferno-collapse-perf not found: `cargo install inferno` (skipped)');
if (!perl) console.log('stackcollapse-perf.pl not found: set STACKCOLLAPSE_PERF (FlameGraph, CDDL-1.0) (skipped)');

const big = bigCapture(baseCapture());
const size = statSync(big).size;
const gpw = join(ROOT, 'bin/gpw.js');
const lib = join(DIR, 'bench-library.db');
const outs = { gpw: join(DIR, 'gpw.folded'), inferno: join(DIR, 'inferno.folded'), perl: join(DIR, 'perl.folded') };
const results = { export: [], import: [], inferno: [], inferno1: [], perl: [] };
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so all see the same machine load.
  if (inferno) results.inferno.push(timed(inferno, [big], outs.inferno));
  if (inferno) results.inferno1.push(timed(inferno, ['--nthreads', '1', big], outs.inferno));
  results.export.push(timed(process.execPath, [gpw, 'export', big, '--format', 'collapsed', '--library', ':memory:', '--out', outs.gpw]));
  for (const f of [lib, `${lib}-wal`, `${lib}-shm`]) rmSync(f, { force: true });
  results.import.push(timed(process.execPath, [gpw, 'import', big, '--library', lib]));
  if (perl) results.perl.push(timed('perl', [perl, big], outs.perl));
}

const mib = (kib) => (kib / 1024).toFixed(0);
const line = (name, rs, ref) => {
  if (rs.length === 0) return;
  const wall = median(rs.map((r) => r.wall));
  const rss = median(rs.map((r) => r.rssKiB));
  const cpu = median(rs.map((r) => r.cpu));
  const ratios = ref.map(([refName, refRuns]) => (refRuns.length ? ` ${(wall / median(refRuns.map((r) => r.wall))).toFixed(2)}× ${refName}` : '')).join(',');
  console.log(`  ${name.padEnd(42)} ${wall.toFixed(2).padStart(7)} s  CPU ${cpu.toFixed(2).padStart(6)} s  peak RSS ${mib(rss).padStart(5)} MiB${ratios}`);
};
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`perf script: ${(size / 2 ** 20).toFixed(0)} MiB (profgen under perf record -e cpu-clock -g, repeated); median of ${RUNS}; load ${load}`);
const refs = [['inferno', results.inferno], ['inferno 1 thread', results.inferno1], ['stackcollapse-perf.pl', results.perl]];
line('inferno-collapse-perf', results.inferno, []);
line('inferno-collapse-perf --nthreads 1', results.inferno1, []);
line('stackcollapse-perf.pl', results.perl, []);
line('gpw export --format collapsed', results.export, refs);
line('gpw import (library on disk)', results.import, refs);

const gpwFolded = sortedLines(outs.gpw);
for (const ref of ['inferno', 'perl']) {
  if ((ref === 'inferno' && !inferno) || (ref === 'perl' && !perl)) continue;
  const same = sortedLines(outs[ref]) === gpwFolded;
  console.log(`folded stacks: gpw ${same ? 'identical to' : 'DIFFER from'} ${ref}`);
  if (!same) process.exitCode = 1;
}
if (size > 2 ** 30 && process.env.KEEP !== '1') {
  rmSync(big, { force: true });
  rmSync(`${big}.stamp`, { force: true });
}
for (const f of [lib, `${lib}-wal`, `${lib}-shm`, ...Object.values(outs)]) rmSync(f, { force: true });
