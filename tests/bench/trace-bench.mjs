// Benchmark: parse + blocking summary of a large real execution trace (>= 7 MB, >= 1M events,
// written by tests/go/tracegen at a large scale with the local Go), against
// `go tool trace -pprof=sync` on the same file in the same session. Prints wall time and peak
// memory of each and the ratios. Not a test: numbers are printed, never asserted.
//
//   node tests/bench/trace-bench.mjs      (run `npm run build` first; BENCH_RUNS=5 by default)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTrace } from '../go/trace-gen.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
if (!existsSync(join(ROOT, 'out/main/cli.js'))) {
  console.error('bench: run `npm run build` first');
  process.exit(1);
}

// The runtime's default generation length (1 s), as a real capture has it.
const big = await ensureTrace({ toolchain: 'local', name: 'bench', scale: 40, godebug: '' });
const small = await ensureTrace({ toolchain: 'local' });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall seconds and max RSS (KiB) of a command, via GNU time. */
function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const [wall, rss] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, rssKiB: rss, stdout: r.stdout };
}

const traceBin = execFileSync('go', ['tool', '-n', 'trace'], { encoding: 'utf8' }).trim();
const gpwArgs = (file) => [join(ROOT, 'bin/gpw.js'), 'trace', file, '--summary', '--json', '--library', ':memory:'];
const once = join(ROOT, 'tests/bench/trace-once.mjs');

const go = [];
const cli = [];
const engine = [];
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so both see the same machine load.
  go.push(timed(traceBin, ['-pprof=sync', big.path]));
  cli.push(timed(process.execPath, gpwArgs(big.path)));
  const r = spawnSync(process.execPath, [once, small.path, big.path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`trace-once failed: ${r.stderr}`);
  engine.push(JSON.parse(r.stdout));
}
const baseline = median(Array.from({ length: 3 }, () => timed(process.execPath, gpwArgs(small.path)).rssKiB));
const summary = JSON.parse(cli[0].stdout);
const mib = (kib) => (kib / 1024).toFixed(0);
const size = statSync(big.path).size;
const goWall = median(go.map((r) => r.wall));
const cliWall = median(cli.map((r) => r.wall));
const inEngine = median(engine.map((r) => r.ms)) / 1000;
const goRss = median(go.map((r) => r.rssKiB));
const cliRss = median(cli.map((r) => r.rssKiB));
console.log(`trace: ${(size / 2 ** 20).toFixed(1)} MiB, ${summary.eventCount} events, ${summary.goroutines} goroutines, ${summary.gcCount} GCs, ${summary.generations} generations (${big.goVersion})`);
console.log(`median of ${RUNS} runs, interleaved:`);
console.log(`  go tool trace -pprof=sync  ${goWall.toFixed(2)} s   peak RSS ${mib(goRss)} MiB`);
console.log(`  gpw trace --summary (CLI)  ${cliWall.toFixed(2)} s   peak RSS ${mib(cliRss)} MiB (${(cliWall / goWall).toFixed(2)}× time, ${(cliRss / goRss).toFixed(2)}× memory)`);
console.log(`  gpw in a running engine    ${inEngine.toFixed(2)} s   (${(inEngine / goWall).toFixed(2)}× go's time): parse + summary in the trace worker`);
console.log(`  memory added by the trace over a tiny one: ${mib(cliRss - baseline)} MiB = ${((cliRss - baseline) * 1024 / size).toFixed(1)}× the file size (baseline RSS ${mib(baseline)} MiB)`);
