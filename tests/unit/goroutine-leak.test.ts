// A Go service that leaks goroutines in one handler (tests/go/leakserver), captured by gpw:
// two ?debug=2 dumps seconds apart diff to exactly the leaking group with its growth; a dump's
// groups equal `go tool pprof -traces` of the ?debug=0 profile taken at the same moment; Go
// 1.26's goroutineleak profile and a custom pprof.NewProfile are captured; a schedule over the
// service growing its heap and goroutines gives one point per tick with the values the service
// logged having served, and a goroutine slope within 10 % of the true rate; gpw goroutines /
// gpw metrics --json carry the names.
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureJobStatus, CaptureSpec } from '../../src-main/api/collect-types';
import type { Artifact } from '../../src-main/api/types';
import { Engine } from '../../src-main/engine';
import { buildLeakServer, startLeakServer, type Served } from '../go/leakserver/harness.mjs';
import { repoPath, tempDir } from '../helpers/paths';
import { gpwJson } from '../helpers/run';
import { pprofTraces } from '../helpers/pprof-traces';

const tmp = tempDir('gpw-leak-');
const library = join(tmp.dir, 'lib.sqlite');
let engine: Engine;
let bin: string;
const servers: { stop: () => Promise<void> }[] = [];

beforeAll(async () => {
  bin = await buildLeakServer();
  engine = new Engine({ libraryPath: library, workerPath: repoPath('out/main/profile-worker.js'), runSchedules: true });
}, 300_000);

afterAll(async () => {
  await engine?.close();
  for (const s of servers) await s.stop();
  tmp.cleanup();
});

/** One GET on a fresh connection (no keep-alive: no idle connection goroutine stays behind). */
function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode} ${body}`))));
    });
    req.on('error', reject).end();
  });
}

async function capture(url: string, kinds: CaptureSpec[], run: string): Promise<CaptureJobStatus> {
  const { jobId } = await engine.startCapture({ url, kinds, run });
  const end = Date.now() + 30_000;
  for (;;) {
    const s = await engine.captureStatus({ jobId });
    if (s.phase !== 'running') {
      expect(s.result?.failures, JSON.stringify(s.result?.failures)).toEqual([]);
      return s;
    }
    if (Date.now() > end) throw new Error('capture still running after 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const artifactOf = (s: CaptureJobStatus, kind: string): Artifact => engine.library.get(s.items.find((i) => i.kind === kind)!.artifactId!)!;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Goroutines of the HTTP serving itself: pprof's handler, a connection and its background reader,
 * the accept loop (caught runnable while a connection arrives). They come and go with requests.
 */
const servingRequest = (frames: string[]): boolean => frames.some((f) => /^net\/http\/pprof\.|^net\/http\.\(\*conn(Reader)?\)/.test(f));
const serving = (frames: string[]): boolean => servingRequest(frames) || frames.includes('net/http.(*Server).Serve');
// The accept loop (in poll wait, or in the accept4 syscall when a request has just arrived) and a
// connection's goroutine that has not yet entered (*conn).serve (only its go-statement wrapper).
const acceptingOrStarting = (frames: string[]): boolean => frames.some((f) => /^net\/http\.\(\*Server\)\.Serve/.test(f));

describe('the leak view on a leaking Go service', () => {
  let url: string;
  beforeAll(async () => {
    const s = await startLeakServer(bin);
    servers.push(s);
    url = s.url;
  });

  it('two debug=2 captures seconds apart diff to exactly the leaking group, with its growth', async () => {
    await get(`${url}/leak?n=5`);
    await pause(300);
    const a = await capture(url, [{ kind: 'goroutines' }], 'leak before');
    await get(`${url}/leak?n=7`);
    await pause(1500);
    const b = await capture(url, [{ kind: 'goroutines' }], 'leak after');
    const before = artifactOf(a, 'goroutines');
    const after = artifactOf(b, 'goroutines');
    expect(before.kind).toBe('goroutines');
    const diff = await engine.goroutineDiff({ before: before.id, after: after.id });
    // Goroutines serving HTTP connections come and go with the requests (a closed connection's
    // may still be finishing): they are not the service's own.
    const transient = diff.rows.filter((r) => serving(r.stack));
    expect(transient.every((r) => Math.abs(r.growth) <= 2), JSON.stringify(transient)).toBe(true);
    expect(diff.rows.filter((r) => !serving(r.stack)).map((r) => ({ leaf: r.stack.find((f) => f.startsWith('main.')), state: r.state, before: r.before, after: r.after, growth: r.growth }))).toEqual([
      { leaf: 'main.leakyWait', state: 'chan receive', before: 5, after: 12, growth: 7 },
    ]);
    expect(diff.rows[0].createdBy).toBe('main.leakHandler');
    // The same by run names (each run's latest dump).
    const byRuns = await engine.goroutineDiff({ beforeRun: 'leak before', afterRun: 'leak after' });
    expect(byRuns.rows.filter((r) => !serving(r.stack))).toEqual(diff.rows.filter((r) => !serving(r.stack)));
    // The groups: the leaking group has the 12 goroutines' ids.
    const groups = await engine.goroutineGroups({ id: after.id, func: 'leakyWait' });
    expect(groups.groups).toHaveLength(1);
    expect(groups.groups[0]).toMatchObject({ count: 12, state: 'chan receive', createdBy: 'main.leakHandler' });
    expect(groups.groups[0].ids).toHaveLength(12);
    // gpw goroutines AFTER --diff BEFORE --json: the names.
    const cli = await gpwJson<{ total: number; groups: { state: string; waitMinutes: [number, number | null]; count: number; stack: string[]; createdBy: string | null }[]; diff: { stack: string[]; before: number; after: number }[] }>(
      library, 'goroutines', after.id, '--diff', before.id);
    expect(cli.total).toBe(groups.total);
    expect(cli.groups.find((g) => g.stack.includes('main.leakyWait'))).toMatchObject({ state: 'chan receive', waitMinutes: [0, 1], count: 12, createdBy: 'main.leakHandler' });
    expect(cli.diff.filter((d) => !serving(d.stack)).map((d) => [d.stack.includes('main.leakyWait'), d.before, d.after])).toEqual([[true, 5, 12]]);
    const filtered = await gpwJson<{ groups: unknown[] }>(library, 'goroutines', after.id, '--state', 'chan receive', '--min-wait', '5m');
    expect(filtered.groups).toEqual([]);
  }, 60_000);

  it("a dump's groups equal go tool pprof -traces of the debug=0 profile taken at the same moment", async () => {
    const s = await capture(url, [{ kind: 'goroutines' }, { kind: 'goroutine' }], 'same moment');
    const dump = await engine.goroutineGroups({ id: artifactOf(s, 'goroutines').id });
    const profile = artifactOf(s, 'goroutine');
    const file = join(tmp.dir, 'goroutine.pb.gz');
    writeFileSync(file, engine.library.blobs.get(profile.sha256)!);
    // The runtime's own frames (gopark, goexit) are in the profile but not in a dump; the
    // goroutines serving the two requests (handler, connection, its background reader) are
    // each caught at another point of their work.
    // The accept loop is in poll wait or, when a request has just come in, in accept4; a new
    // connection's goroutine may not have entered (*conn).serve yet. Those are counted, not keyed.
    const key = (frames: string[]) => frames.filter((f) => !f.startsWith('runtime.')).join(';');
    const ours = new Map<string, number>();
    let ourAccepting = 0;
    for (const g of dump.groups) {
      if (servingRequest(g.stack)) continue;
      if (acceptingOrStarting(g.stack)) ourAccepting += g.count;
      else ours.set(key(g.stack), (ours.get(key(g.stack)) ?? 0) + g.count);
    }
    const theirs = new Map<string, number>();
    let theirAccepting = 0;
    for (const t of await pprofTraces(file, 'goroutine', 'count')) {
      if (servingRequest(t.frames)) continue;
      if (acceptingOrStarting(t.frames)) theirAccepting += t.value;
      else theirs.set(key(t.frames), (theirs.get(key(t.frames)) ?? 0) + t.value);
    }
    expect(ours).toEqual(theirs);
    expect(ourAccepting).toBeGreaterThanOrEqual(1);
    expect(theirAccepting).toBeGreaterThanOrEqual(1);
    expect([...ours.values()].reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(12);
  }, 60_000);

  it("Go 1.26's goroutineleak profile and a custom pprof.NewProfile are captured", async () => {
    const s = await capture(url, [{ kind: 'goroutineleak' }, { kind: 'profile', name: 'gpw.sessions' }], 'leak profile');
    const leak = artifactOf(s, 'goroutineleak');
    expect(leak).toMatchObject({ kind: 'goroutines', subtype: 'goroutineleak' });
    const groups = await engine.goroutineGroups({ id: leak.id });
    const leaking = groups.groups.filter((g) => g.stack.includes('main.leakyWait'));
    expect(leaking.reduce((n, g) => n + g.leaked, 0)).toBe(12);
    const custom = artifactOf(s, 'profile');
    expect(custom).toMatchObject({ kind: 'profile', subtype: 'gpw.sessions' });
    const top = await engine.topTable({ id: custom.id });
    expect(top.total).toBe(12);
    // A name the program does not have: said so, nothing written.
    const { jobId } = await engine.startCapture({ url, kinds: [{ kind: 'profile', name: 'nosuch' }] });
    let st = await engine.captureStatus({ jobId });
    for (let i = 0; st.phase === 'running' && i < 100; i++) st = (await pause(100), await engine.captureStatus({ jobId }));
    expect(st.phase).toBe('failed');
    expect(st.result?.failures[0].message).toMatch(/404: the program has no profile named nosuch/);
  }, 60_000);
});

describe('runtime metrics over time from a schedule', () => {
  it('one point per tick with the values the service served; the goroutine slope within 10 % of the true rate', async () => {
    const ratePerSec = 20;
    const s = await startLeakServer(bin, ['-grow-goroutines', String(ratePerSec), '-grow-heap', '2000000']);
    servers.push(s);
    await get(`${s.url}/leak?n=1`);
    const target = await engine.saveTarget({ name: 'growing', baseUrl: s.url });
    const schedule = await engine.saveSchedule({ targetId: target.id, kinds: [{ kind: 'expvar' }, { kind: 'metrics' }], everySeconds: 5 });
    const ticks = 4;
    const end = Date.now() + 40_000;
    let extraCaptured = false;
    for (;;) {
      const done = engine.capture.store.history({ scheduleId: schedule.id }).filter((h) => h.status === 'done');
      if (!extraCaptured && done.length >= 2) {
        extraCaptured = true;
        const { jobId } = await engine.startCapture({ targetId: target.id, kinds: [{ kind: 'goroutines' }] });
        while ((await engine.captureStatus({ jobId })).phase === 'running') await pause(100);
      }
      if (done.length >= ticks) break;
      if (Date.now() > end) throw new Error(`only ${done.length} ticks in 40 s`);
      await pause(200);
    }
    await engine.deleteSchedule({ id: schedule.id });
    // A tick that began before the deletion still finishes (and adds a point): wait for it, so
    // that the history and the series below count the same captures.
    for (let i = 0; i < 300 && (await engine.listCaptureJobs({})).some((j) => j.phase === 'running'); i++) await pause(100);
    const history = engine.capture.store.history({ scheduleId: schedule.id });
    expect(history.every((h) => h.status === 'done')).toBe(true);

    const r = await engine.metricsSeries({ target: 'growing' });
    const served = (what: string): Served[] => s.served.filter((x) => x.what === what).sort((a, b) => a.at - b.at);
    const series = (name: string) => r.series.find((x) => x.name === name)!;
    // One point per tick, each the value the service logged for that answer.
    expect(series('goroutines').points).toHaveLength(history.length);
    expect(series('goroutines').points.map((p) => p[1])).toEqual(served('vars').map((x) => x.values.goroutines));
    expect(series('memstats.HeapAlloc').points.map((p) => p[1])).toEqual(served('vars').map((x) => x.values.heap_alloc));
    expect(series('go_goroutines').points.map((p) => p[1])).toEqual(served('metrics').map((x) => x.values.go_goroutines));
    // The slope: the service starts 20 goroutines a second.
    const truth = ratePerSec * 3600;
    for (const name of ['goroutines', 'go_goroutines']) {
      const slope = series(name).slopePerHour!;
      console.log(`${name}: slope ${slope.toFixed(0)}/hour against ${truth}/hour (${(((slope - truth) / truth) * 100).toFixed(1)} %), ${series(name).points.length} points`);
      expect(Math.abs(slope - truth) / truth, `${name}: ${slope}/h vs ${truth}/h`).toBeLessThan(0.1);
      expect(series(name).steady).toBe(true);
    }
    // Units, runtime/metrics descriptions, a series nobody knows kept by name, rates of counters.
    expect(series('memstats.HeapAlloc').unit).toBe('bytes');
    expect(series('go_sched_goroutines_goroutines')).toMatchObject({ unit: 'goroutines', runtimeMetric: '/sched/goroutines:goroutines' });
    expect(series('go_sched_goroutines_goroutines').description).toMatch(/Count of live goroutines/);
    expect(series('leakserver_widgets_total{shop="leaks"}').points.every((p) => p[1] === 1)).toBe(true);
    expect(series('memstats.TotalAlloc per second').unit).toBe('bytes/s');
    // Markers: GC cycles (expvar's PauseEnd) and the goroutine dump taken meanwhile, which opens.
    expect(r.markers.some((m) => m.kind === 'gc')).toBe(true);
    const dumpMarker = r.markers.find((m) => m.kind === 'capture' && m.artifactKind === 'goroutines');
    expect(dumpMarker?.artifactId).toBeTruthy();
    // gpw metrics --target … --series … --json: the names.
    const cli = await gpwJson<{ series: { name: string; unit: string; points: [number, number][]; slopePerHour: number | null }[] }>(library, 'metrics', '--target', 'growing', '--series', 'go_goroutines,memstats.HeapAlloc');
    expect(cli.series.map((x) => x.name).sort()).toEqual(['go_goroutines', 'memstats.HeapAlloc']);
    expect(cli.series.find((x) => x.name === 'go_goroutines')).toMatchObject({ unit: 'goroutines', points: series('go_goroutines').points, slopePerHour: series('go_goroutines').slopePerHour });
  }, 90_000);
});
