// Benchmark: parse + blocking summary of big real execution traces (>= 1.5M events each, written
// by tests/go/tracegen at a large scale, once with the local Go and once with Go 1.22), against
// `go tool trace -pprof=sync` on the same file in the same run, both as whole fresh processes
// (GNU time: wall, CPU user+sys and peak RSS, median of BENCH_RUNS). Prints the ratio gpw/go
// (issue 15's target is <= 0.5) of wall and of CPU time (what a loaded machine distorts least),
// peak RSS over the file size (target <= 8x), and checks the correctness that matters
// at this size: gpw's sync blocking totals equal `go tool pprof -top`'s total on the profile go
// tool trace writes. Not a test: times are printed, never asserted; `uptime` is printed too.
//
//   npm run build && node tests/bench/trace-bench.mjs
//   BENCH_RUNS=3 (default)  BENCH_TRACE_SCALE=60 (tracegen's -scale)  BENCH_TRACE_GO=local,go1.22.12
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTrace, goPprofTotals } from '../go/trace-gen.mjs';
import { fmt, load, med, median, timed } from './bench-timing.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SCALE = Number(process.env.BENCH_TRACE_SCALE ?? 60);
const TOOLCHAINS = (process.env.BENCH_TRACE_GO ?? 'local,go1.22.12').split(',');
const MIN_EVENTS = 1_500_000;
if (!existsSync(join(ROOT, 'out/main/cli.js'))) {
  console.error('bench: run `npm run build` first');
  process.exit(1);
}

const traceBin = execFileSync('go', ['tool', '-n', 'trace'], { encoding: 'utf8' }).trim();
const gpwArgs = (file) => [join(ROOT, 'bin/gpw.js'), 'trace', file, '--summary', '--json', '--library', ':memory:'];
const once = join(ROOT, 'tests/bench/trace-once.mjs');
const small = await ensureTrace({ toolchain: 'local' });
const baseline = median(Array.from({ length: 3 }, () => timed(process.execPath, gpwArgs(small.path)).mib));
const mib = (bytes) => bytes / 2 ** 20;

console.log(`before: ${load()}`);
let allEqual = true;
for (const toolchain of TOOLCHAINS) {
  // The runtime's default generation length (1 s), as a real capture has it.
  const big = await ensureTrace({ toolchain, name: `bench-${toolchain}-x${SCALE}`, scale: SCALE, godebug: '' });
  if (!big.cached) console.log(`bench: made ${big.path} in ${(big.ms / 1000).toFixed(1)} s`);
  const go = [];
  const cli = [];
  const engine = [];
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so both see the same machine load.
    go.push(timed(traceBin, ['-pprof=sync', big.path]));
    cli.push(timed(process.execPath, gpwArgs(big.path)));
    const r = spawnSync(process.execPath, [once, small.path, big.path], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`trace-once failed: ${r.stderr}`);
    engine.push(JSON.parse(r.stdout).ms);
  }
  const summary = JSON.parse(cli[0].stdout);
  const size = statSync(big.path).size;
  const g = med(go);
  const c = med(cli);
  const goCpu = median(go.map((r) => r.cpuMs));
  const cliCpu = median(cli.map((r) => r.cpuMs));
  const inEngine = median(engine);
  console.log(`\n${big.goVersion}: ${big.path}`);
  console.log(`  ${mib(size).toFixed(1)} MiB, ${summary.eventCount} events (format ${summary.goVersion}), ${summary.goroutines} goroutines, ${summary.gcCount} GCs, ${summary.generations} generations`);
  if (summary.eventCount < MIN_EVENTS) console.log(`  NOTE: fewer than ${MIN_EVENTS} events: raise BENCH_TRACE_SCALE`);
  console.log(`  median of ${RUNS} runs, interleaved, whole processes:`);
  console.log(`    go tool trace -pprof=sync  ${fmt(g)}  CPU ${goCpu.toFixed(0).padStart(5)} ms`);
  console.log(`    gpw trace --summary        ${fmt(c)}  CPU ${cliCpu.toFixed(0).padStart(5)} ms   ${(c.ms / g.ms).toFixed(2)}× go's time (target ≤ 0.5), ${(cliCpu / goCpu).toFixed(2)}× its CPU time, ${(c.mib / g.mib).toFixed(2)}× its memory`);
  console.log(`    gpw in a running engine    ${inEngine.toFixed(0).padStart(6)} ms              ${(inEngine / g.ms).toFixed(2)}× go's time (parse + summary in the warm trace worker)`);
  console.log(`  memory ÷ file size: peak RSS ${(c.mib / mib(size)).toFixed(1)}×; over a tiny trace's run (${baseline.toFixed(0)} MiB) ${((c.mib - baseline) / mib(size)).toFixed(1)}× (target ≤ 8×)`);
  // Correctness at this size: the sync blocking totals equal go tool pprof -top's on go tool trace's profile.
  const theirs = await goPprofTotals(big.path, 'sync');
  const ours = summary.blocking.sync;
  const equal = theirs.delayNs === ours.delayNs && theirs.count === ours.count;
  allEqual &&= equal;
  console.log(`  sync blocking: gpw ${ours.delayNs} ns in ${ours.count} contentions; go tool pprof -top ${theirs.delayNs} ns in ${theirs.count}: ${equal ? 'EQUAL' : 'DIFFERENT'}`);
}
console.log(`\nafter: ${load()}  (a shared machine: other work runs beside this)`);
if (!allEqual) process.exitCode = 1;
