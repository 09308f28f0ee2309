// Benchmark: the call graph of a big allocs profile (tests/go/bigprofile: stacks 14–28 frames,
// labels, four sample types; BENCH_SAMPLES to change, default as profile-bench.mjs) as whole
// fresh processes: `gpw graph FILE` (alloc_space, pprof's defaults) against `go tool pprof -dot
// FILE` in the same run; wall time and peak RSS of each (GNU time), and whether the two graphs
// have the same nodes. Not a test: numbers are printed, never asserted. `uptime` is printed too.
//
//   npm run build && node tests/bench/graph-bench.mjs   (BENCH_RUNS=3, BENCH_SAMPLES=120000 for a smaller one)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBigProfile, BIG_PROFILE_SAMPLES } from './make-big-profile.mjs';
import { fmt, load, med, median, timed } from './bench-timing.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? BIG_PROFILE_SAMPLES);
const GPW = join(ROOT, 'bin/gpw.js');
if (!existsSync(join(ROOT, 'out/main/cli.js'))) {
  console.error('bench: run `npm run build` first');
  process.exit(1);
}
const file = await makeBigProfile(SAMPLES, { log: (m) => console.log(`bench: ${m}`) });

console.log(`profile: ${file} (${(statSync(file).size / 2 ** 20).toFixed(1)} MiB, ${SAMPLES} sample records)`);
console.log(`before: ${load()}`);
const pprofBin = execFileSync('go', ['tool', '-n', 'pprof'], { encoding: 'utf8' }).trim();
const dir = mkdtempSync(join(tmpdir(), 'gpw-bench-graph-'));
const pprofRuns = [];
const gpwRuns = [];
try {
  for (let i = 0; i < RUNS; i++) {
    pprofRuns.push(timed(pprofBin, ['-dot', '-sample_index=alloc_space', file]));
    gpwRuns.push(timed(process.execPath, [GPW, 'graph', file, '--sample-index', 'alloc_space', '--json'], { GPW_LIBRARY: join(dir, 'lib.sqlite') }));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const names = (dot) => [...dot.matchAll(/^N\d+ \[label=".*" id="node\d+" .* tooltip="(.*) \([^()]*\)" color=/gm)].map((m) => m[1]).sort();
const same = JSON.stringify(names(pprofRuns[0].stdout)) === JSON.stringify(JSON.parse(gpwRuns[0].stdout).nodes.map((n) => n.name).sort());
const p = med(pprofRuns);
const g = med(gpwRuns);
console.log(`after: ${load()}`);
console.log(`whole processes (median of ${RUNS}):`);
console.log(`  go tool pprof -dot FILE   ${fmt(p)}`);
console.log(`  gpw graph FILE --json     ${fmt(g)}   same nodes as pprof: ${same}`);
console.log(`ratios against go tool pprof -dot: time ${(g.ms / p.ms).toFixed(3)}, peak RSS ${(g.mib / p.mib).toFixed(3)}`);
