// Benchmark: import + first flame graph of a large real allocs profile (>= 1M allocations,
// ~47k distinct stacks, made by tests/go/bigallocs), against `go tool pprof -top` on the same
// file in the same session. Prints wall time and peak memory of each and the ratios.
// Not a test: numbers are printed, never asserted.
//
//   npm run bench            (builds nothing: run `npm run build` first)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBigAllocsProfile } from './make-big-allocs.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

if (!existsSync(join(ROOT, 'out/main/cli.js'))) {
  console.error('bench: run `npm run build` first');
  process.exit(1);
}

const file = await makeBigAllocsProfile(join(ROOT, 'tests/.tmp/bench'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall seconds and max RSS (KiB) of a command, via GNU time. */
function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const [wall, rss] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, rssKiB: rss };
}

// The reference: pprof's own binary (not the `go` wrapper), text report of the same file.
const pprofBin = execFileSync('go', ['tool', '-n', 'pprof'], { encoding: 'utf8' }).trim();
const pprofRuns = Array.from({ length: RUNS }, () => timed(pprofBin, ['-top', '-nodecount=20', file]));

// gpw inside a running engine (what the app does on import): import the file into the
// library and build its first flame graph, each run in a new child process. "warm" has
// loaded and opened the demo library first, as the app does on first start; "cold" has not.
const child = join(ROOT, 'tests/bench/import-once.mjs');
const inApp = (mode) =>
  Array.from({ length: RUNS }, () => {
    const lib = mkdtempSync(join(tmpdir(), 'gpw-bench-'));
    try {
      const out = execFileSync(process.execPath, ['--expose-gc', child, file, join(lib, 'lib.sqlite')], {
        encoding: 'utf8',
        env: { ...process.env, BENCH_MODE: mode },
      });
      return JSON.parse(out);
    } finally {
      rmSync(lib, { recursive: true, force: true });
    }
  });
const gpwRuns = inApp('warm');
const coldRuns = inApp('cold');
// The whole CLI process too (start-up included), for a like-for-like process comparison.
const cliRuns = Array.from({ length: RUNS }, () => {
  const lib = mkdtempSync(join(tmpdir(), 'gpw-bench-'));
  try {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, join(ROOT, 'bin/gpw.js'), 'top', file], {
      encoding: 'utf8',
      env: { ...process.env, GPW_LIBRARY: join(lib, 'lib.sqlite') },
    });
    const [wall, rss] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    return { wall, rssKiB: rss };
  } finally {
    rmSync(lib, { recursive: true, force: true });
  }
});

const first = gpwRuns[0];
const pprofWall = median(pprofRuns.map((r) => r.wall * 1000));
const pprofRss = median(pprofRuns.map((r) => r.rssKiB / 1024));
const gpwWall = median(gpwRuns.map((r) => r.importMs + r.flameMs));
const gpwPeak = median(gpwRuns.map((r) => r.peakDeltaMiB));
const coldWall = median(coldRuns.map((r) => r.importMs + r.flameMs));
const coldPeak = median(coldRuns.map((r) => r.peakDeltaMiB));
const cliWall = median(cliRuns.map((r) => r.wall * 1000));
const cliRss = median(cliRuns.map((r) => r.rssKiB / 1024));

console.log(`profile: ${file}`);
console.log(`  ${first.sampleRecords} sample records, ${first.allocObjects} alloc_objects, ${first.flameNodes} flame graph nodes`);
console.log(`median of ${RUNS} runs each:`);
console.log(`  go tool pprof -top          wall ${pprofWall.toFixed(0)} ms   peak RSS ${pprofRss.toFixed(1)} MiB`);
console.log(`  gpw import + flame (warm)   wall ${gpwWall.toFixed(0)} ms   (import ${median(gpwRuns.map((r) => r.importMs)).toFixed(0)} ms, flame ${median(gpwRuns.map((r) => r.flameMs)).toFixed(0)} ms)   peak memory added ${gpwPeak.toFixed(1)} MiB (RSS of the process: ${median(gpwRuns.map((r) => r.peakRssMiB)).toFixed(1)} MiB)`);
console.log(`  gpw, fresh engine (cold)    wall ${coldWall.toFixed(0)} ms   (import ${median(coldRuns.map((r) => r.importMs)).toFixed(0)} ms incl. worker start, flame ${median(coldRuns.map((r) => r.flameMs)).toFixed(0)} ms)   peak memory added ${coldPeak.toFixed(1)} MiB`);
console.log(`  gpw top (whole CLI process) wall ${cliWall.toFixed(0)} ms   peak RSS ${cliRss.toFixed(1)} MiB`);
console.log(`ratios (gpw / pprof; target <= 0.10 time, <= 0.25 memory):`);
console.log(`  in-app time   ${(gpwWall / pprofWall).toFixed(3)}   (cold engine: ${(coldWall / pprofWall).toFixed(3)})`);
console.log(`  in-app memory ${(gpwPeak / pprofRss).toFixed(3)}   (peak memory the import adds to the running app / pprof's peak RSS)`);
console.log(`  CLI process time ${(cliWall / pprofWall).toFixed(3)}, CLI process RSS ${(cliRss / pprofRss).toFixed(3)}`);
