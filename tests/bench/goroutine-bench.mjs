// A goroutine dump of a service with many goroutines (tests/go/leakserver, N leaked in one
// handler plus the growth of -grow-goroutines): `gpw goroutines FILE --json` on the ?debug=2
// dump against `go tool pprof -traces` on the ?debug=0 profile taken right after (the same
// goroutines; pprof's own binary). Prints both times, peak RSS and their ratios. Timings are
// reported, never asserted. Not part of the test suite.
//
//   npm run build && node tests/bench/goroutine-bench.mjs [--goroutines 100000] [--runs 3]
import { execFileSync, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildLeakServer, startLeakServer } from '../go/leakserver/harness.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const { values } = parseArgs({ options: { goroutines: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } } });
const N = Number(values.goroutines);
const RUNS = Number(values.runs);
const dir = join(ROOT, 'tests/.tmp/bench');
mkdirSync(dir, { recursive: true });

const fetchBytes = (url) => new Promise((resolve, reject) => {
  request(url, { agent: false }, (res) => {
    const parts = [];
    res.on('data', (d) => parts.push(d)).on('end', () => resolve(Buffer.concat(parts)));
  }).on('error', reject).end();
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const [wall, rss] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall: wall * 1000, rssMiB: rss / 1024 };
}

const server = await startLeakServer(await buildLeakServer());
try {
  for (let left = N; left > 0; left -= 50000) await fetchBytes(`${server.url}/leak?n=${Math.min(50000, left)}`);
  const dump = join(dir, 'goroutines-debug2.txt');
  const profile = join(dir, 'goroutine.pb.gz');
  writeFileSync(dump, await fetchBytes(`${server.url}/debug/pprof/goroutine?debug=2`));
  writeFileSync(profile, await fetchBytes(`${server.url}/debug/pprof/goroutine`));
  const pprofBin = execFileSync('go', ['tool', '-n', 'pprof'], { encoding: 'utf8' }).trim();
  const pprof = Array.from({ length: RUNS }, () => timed(pprofBin, ['-traces', profile]));
  const gpw = Array.from({ length: RUNS }, () => timed(process.execPath, [join(ROOT, 'out/main/cli.js'), 'goroutines', dump, '--json', '--library', join(dir, 'goroutine-bench.sqlite')]));
  const [pw, pr, gw, gr] = [median(pprof.map((r) => r.wall)), median(pprof.map((r) => r.rssMiB)), median(gpw.map((r) => r.wall)), median(gpw.map((r) => r.rssMiB))];
  console.log(`goroutine dump of ${N} leaked goroutines: debug=2 ${(statSync(dump).size / 2 ** 20).toFixed(1)} MiB, debug=0 ${(statSync(profile).size / 1024).toFixed(0)} KiB (median of ${RUNS})`);
  console.log(`  go tool pprof -traces (debug=0)   wall ${pw.toFixed(0)} ms   peak RSS ${pr.toFixed(1)} MiB`);
  console.log(`  gpw goroutines --json (debug=2)   wall ${gw.toFixed(0)} ms   peak RSS ${gr.toFixed(1)} MiB`);
  console.log(`  ratio gpw / pprof: time ${pw > 0 ? (gw / pw).toFixed(3) : 'n/a (pprof under the 10 ms GNU time resolves)'}, RSS ${(gr / pr).toFixed(3)}`);
  console.log('  (pprof reads the debug=0 protobuf, whose identical stacks the runtime already merged; gpw reads every goroutine of the text)');
} finally {
  await server.stop();
}
