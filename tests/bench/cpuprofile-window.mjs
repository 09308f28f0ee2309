// Where a step's time went: each V8 CPU profile (.cpuprofile) in a folder, cut to a window of
// the monotonic clock (µs: profile-bench.mjs prints each app step's window with BENCH_MARKS=1),
// as the busy and idle ms and the functions with the most self and total time (a function
// counted once per sample however often it is on the stack). The profiles sample wall time:
// on a loaded machine a thread waiting for a core is counted too; read the shares, and the
// threads' CPU times (BENCH_THREADS=1) for the totals.
//
//   node tests/bench/cpuprofile-window.mjs DIR FROM_US TO_US [TOP=25]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, from, to, top] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5] ?? 25)];
if (!dir || !Number.isFinite(from) || !Number.isFinite(to)) {
  console.error('usage: node tests/bench/cpuprofile-window.mjs DIR FROM_US TO_US [TOP]');
  process.exit(2);
}
const nameOf = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const p = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const total = new Map();
  let busy = 0;
  let idle = 0;
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i];
    if (t < from || t > to) continue;
    // A sample stands for the time until the next one.
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(p.samples[i]);
    if (node.callFrame.functionName === '(idle)') {
      idle += ms;
      continue;
    }
    busy += ms;
    self.set(nameOf(node), (self.get(nameOf(node)) ?? 0) + ms);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const name = nameOf(byId.get(id));
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + ms);
    }
  }
  if (busy === 0 && idle === 0) continue;
  console.log(`== ${file}: busy ${busy.toFixed(0)} ms, idle ${idle.toFixed(0)} ms`);
  console.log(' self:');
  for (const [k, v] of sorted(self)) console.log(`  ${v.toFixed(1).padStart(8)}  ${k}`);
  console.log(' total:');
  for (const [k, v] of sorted(total)) console.log(`  ${v.toFixed(1).padStart(8)}  ${k}`);
}
