// Load: 20 Go targets (tests/go/pprofserver on 127.0.0.1), each on a 5-second capture
// schedule (heap + goroutine by default) in one engine for 2 minutes. Checks that no capture is lost
// (every tick of every schedule is a 'done' run with all its artifacts in the library) and that
// the engine's RSS stays flat within 10 % after a 30 s warm-up. Not part of the test suite.
//
//   npx electron-vite build && node tests/bench/capture-load.mjs [--targets 20] [--seconds 120] [--every 5]
//     [--kinds heap,goroutine] [--prefill-mib 0]
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPprofServer, startPprofServer } from '../go/pprofserver/harness.mjs';

const root = new URL('../..', import.meta.url).pathname;
const { Engine } = await import(join(root, 'out/main/engine.js'));
const { values } = parseArgs({ options: { targets: { type: 'string', default: '20' }, seconds: { type: 'string', default: '120' }, every: { type: 'string', default: '5' }, kinds: { type: 'string', default: 'heap,goroutine' }, 'prefill-mib': { type: 'string', default: '0' } } });
const TARGETS = Number(values.targets);
const SECONDS = Number(values.seconds);
const EVERY = Number(values.every);
const KINDS = values.kinds.split(',').map((kind) => ({ kind }));
const PREFILL_MIB = Number(values['prefill-mib']);
const WARMUP_S = 30;
const MiB = 2 ** 20;

const dir = mkdtempSync(join(tmpdir(), 'gpw-capture-load-'));
const bin = await buildPprofServer();
// A light workload per service: 20 of them share the machine with the engine.
const servers = await Promise.all(Array.from({ length: TARGETS }, () => startPprofServer(bin, ['-busy', '500us'])));
const engine = new Engine({ libraryPath: join(dir, 'lib.sqlite'), workerPath: join(root, 'out/main/profile-worker.js'), runSchedules: true });
const rss = [];
const sample = () => {
  const m = process.memoryUsage();
  rss.push({ t: (Date.now() - t0) / 1000, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external });
};
let t0 = Date.now();
try {
  // --prefill-mib N starts from a library that already holds N MiB of blobs (a library in use);
  // the default, 0, measures from a new, empty one. (The library's SQLite page cache is 2 MiB, so
  // it no longer needs a prefill to be past the point where that cache fills.)
  for (let i = 0; i < PREFILL_MIB * 16; i++) {
    const bytes = randomBytes(64 * 1024);
    engine.library.addArtifacts([{ kind: 'metrics', subtype: 'prefill', bytes, sha256: createHash('sha256').update(bytes).digest('hex'), file: 'prefill', source: 'prefill', capturedAt: null, durationNs: null, goVersion: null, labels: { bench: 'prefill' }, summary: { headline: 'prefill' } }], null);
  }
  const schedules = [];
  for (const [i, s] of servers.entries()) {
    const target = await engine.saveTarget({ name: `svc-${String(i).padStart(2, '0')}`, baseUrl: s.url, labels: { bench: 'load', svc: String(i) } });
    schedules.push(await engine.saveSchedule({ targetId: target.id, kinds: KINDS, everySeconds: EVERY }));
  }
  t0 = Date.now();
  const timer = setInterval(sample, 1000);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  clearInterval(timer);
  for (const s of schedules) await engine.deleteSchedule({ id: s.id });
  // Let the last runs finish.
  await new Promise((r) => setTimeout(r, 3000));

  const expectedPerTarget = Math.floor(SECONDS / EVERY) + 1;
  let done = 0;
  let other = [];
  const perTarget = [];
  for (const s of schedules) {
    const h = await engine.captureHistory({ scheduleId: s.id, limit: 1000 });
    perTarget.push(h.length);
    for (const e of h) {
      if (e.status === 'done' && e.artifacts.length === KINDS.length) done++;
      else other.push(`${e.targetName} ${e.status}: ${e.failures.map((f) => f.message).join('; ')}`);
    }
  }
  const stored = engine.library.list({ label: 'bench=load' }).length;
  const after = rss.filter((x) => x.t >= WARMUP_S).map((x) => x.rss);
  const min = Math.min(...after);
  const max = Math.max(...after);
  const first = after[0];
  const last = after[after.length - 1];
  const report = {
    targets: TARGETS,
    seconds: SECONDS,
    prefillMiB: PREFILL_MIB,
    everySeconds: EVERY,
    runsPerTarget: { min: Math.min(...perTarget), max: Math.max(...perTarget), expectedAtLeast: expectedPerTarget - 1 },
    runsDone: done,
    runsNotDone: other.length,
    artifactsStored: stored,
    rssMiB: {
      atStart: +(rss[0].rss / MiB).toFixed(1),
      afterWarmup: +(first / MiB).toFixed(1),
      min: +(min / MiB).toFixed(1),
      max: +(max / MiB).toFixed(1),
      end: +(last / MiB).toFixed(1),
      spreadAfterWarmupPct: +(((max - min) / min) * 100).toFixed(1),
      endVsWarmupPct: +(((last - first) / first) * 100).toFixed(1),
    },
  };
  console.log(JSON.stringify(report, null, 2));
  const mib = (n) => (n / MiB).toFixed(1).padStart(6);
  console.log('   t    rss  heapTotal heapUsed external (MiB)');
  for (const x of rss.filter((_, i) => i % 10 === 0)) console.log(`${String(Math.round(x.t)).padStart(4)} ${mib(x.rss)} ${mib(x.heapTotal)} ${mib(x.heapUsed)} ${mib(x.external)}`);
  if (other.length) console.log('not done:\n' + other.slice(0, 20).join('\n'));
  const lost = other.length > 0 || stored !== KINDS.length * done || report.runsPerTarget.min < expectedPerTarget - 1;
  const flat = report.rssMiB.spreadAfterWarmupPct <= 10;
  console.log(`${lost ? 'FAIL: captures lost' : 'ok: no capture lost'}; ${flat ? 'ok' : 'FAIL'}: RSS after warm-up within ${report.rssMiB.spreadAfterWarmupPct} %`);
  process.exitCode = lost || !flat ? 1 : 0;
} finally {
  await engine.close();
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
}
