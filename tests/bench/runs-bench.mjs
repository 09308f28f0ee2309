// Benchmark: run comparison and trends at the sizes the issue names, in a running engine (as
// the app and gpw serve run it). Two runs of 50 real CPU profiles each (tests/go/runpair's
// executions of two versions) compared, against `go tool pprof` doing what a pprof user would
// (merge each side with -proto, then -top -diff_base) in the same session; a trend of one
// function across 500 runs. Prints wall times, the ratio and peak RSS. Numbers, never asserted.
//
//   node tests/bench/runs-bench.mjs      (after `npm run build`)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRunpair } from '../go/runpair-gen.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
if (!existsSync(join(ROOT, 'out/main/engine.js'))) {
  console.error('bench: run `npm run build` first');
  process.exit(1);
}
const { Engine } = await import(`${ROOT}/out/main/engine.js`);
const data = await ensureRunpair((m) => console.log(`runpair: ${m}`));
const dir = mkdtempSync(join(tmpdir(), 'gpw-runs-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);

try {
  const engine = new Engine({ libraryPath: join(dir, 'lib.sqlite'), workerPath: join(ROOT, 'out/main/profile-worker.js') });
  // 50 profiles a side, cycling through the real executions of each version.
  const side = (execs) => Array.from({ length: 50 }, (_, i) => execs[i % execs.length].cpu);
  const baseFiles = side(data.v1);
  const newFiles = side(data.v2);
  let t = performance.now();
  await engine.importPaths(baseFiles, { run: 'base' });
  await engine.importPaths(newFiles, { run: 'new' });
  console.log(`import of 100 CPU profiles: ${((performance.now() - t) / 1000).toFixed(2)} s`);

  const times = [];
  let result;
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    result = await engine.compareRuns({ base: { run: 'base' }, new: { run: 'new' } });
    times.push(performance.now() - t);
  }
  const rows = result.profiles.reduce((s, p) => s + p.rows.length, 0);
  const gpwCompare = median(times) / 1000;

  // The reference: what a pprof user does for the same question (no statistics).
  const pprof = execFileSync('go', ['tool', '-n', 'pprof'], { encoding: 'utf8' }).trim();
  const refTimes = [];
  let refRss = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    for (const [name, files] of [['base', baseFiles], ['new', newFiles]]) {
      const r = spawnSync('/usr/bin/time', ['-f', '%M', pprof, '-proto', '-output', join(dir, `${name}.pb.gz`), ...files], { encoding: 'utf8' });
      refRss = Math.max(refRss, Number(r.stderr.trim().split('\n').pop()));
    }
    const r = spawnSync('/usr/bin/time', ['-f', '%M', pprof, '-top', '-diff_base', join(dir, 'base.pb.gz'), join(dir, 'new.pb.gz')], { encoding: 'utf8' });
    refRss = Math.max(refRss, Number(r.stderr.trim().split('\n').pop()));
    refTimes.push(performance.now() - t0);
  }
  const ref = median(refTimes) / 1000;
  console.log(`compare 50 vs 50 CPU profiles (${result.profiles.length} tables, ${rows} rows, ${result.tested} figures tested): gpw ${gpwCompare.toFixed(3)} s (median of 5), pprof merge + -diff_base ${ref.toFixed(2)} s (median of 3): ${(gpwCompare / ref).toFixed(2)}× pprof's time; pprof peak RSS ${(refRss / 1024).toFixed(0)} MiB`);

  // A trend across 500 runs of 2 profiles each.
  t = performance.now();
  for (let r = 0; r < 500; r++) {
    const execs = r < 300 ? data.v1 : data.v2;
    await engine.importPaths([execs[r % execs.length].cpu, execs[(r + 1) % execs.length].cpu], { run: `r${String(r).padStart(3, '0')}`, labels: { svc: 'trend' } });
  }
  console.log(`import of 500 runs (1000 profiles): ${((performance.now() - t) / 1000).toFixed(1)} s`);
  // The executions' own capture times repeat; space the runs a minute apart, in order (as a schedule would).
  engine.library.db.prepare(`UPDATE artifacts SET captured_at = 1767225600000 + 60000 * CAST(substr((SELECT name FROM runs WHERE runs.id = artifacts.run_id), 2) AS INTEGER) WHERE run_id IN (SELECT id FROM runs WHERE name LIKE 'r%')`).run();
  const trendTimes = [];
  let trend;
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    trend = await engine.runTrend({ kind: 'cpu', function: '^main\\.parse$', labels: { svc: 'trend' } });
    trendTimes.push(performance.now() - t);
  }
  console.log(`trend of main.parse across ${trend.points.length} runs: ${(median(trendTimes) / 1000).toFixed(3)} s (median of 5); change points at ${trend.changePoints.map((c) => c.run).join(', ') || 'none'}`);
  await engine.close();
  clearInterval(sampler);
  console.log(`gpw peak RSS (this process, engine + library): ${(peak / 2 ** 20).toFixed(0)} MiB; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
