// Saved targets and their request headers (never plain text in the SQLite file, sealed with a
// cipher when one is given, session-only otherwise), schedules that capture while the engine
// runs and a history of what was taken and what failed, the contract's argument bounds, and
// the expvar / Prometheus readers on bad input.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/api/contract';
import type { CaptureHistoryEntry } from '../../src-main/api/collect-types';
import { Engine } from '../../src-main/engine';
import { detectFormat } from '../../src-main/formats/detect-format';
import type { SecretCipher } from '../../src-main/collect/secret-store';
import { buildPprofServer, startPprofServer } from '../go/pprofserver/harness.mjs';
import { repoPath, tempDir } from '../helpers/paths';

const SECRET = 'Bearer s3cr3t-token-7f2b9c';
const tmp = tempDir('gpw-capture-store-');
let pprof: { url: string; stop: () => Promise<void> };
const seen: IncomingHttpHeaders[] = [];
// A plain Node HTTP server that records the headers gpw sends (and has no pprof: 404).
const recorder = createServer((req, res) => {
  seen.push(req.headers);
  res.writeHead(404).end('404 page not found\n');
});
let recorderUrl = '';

beforeAll(async () => {
  pprof = await startPprofServer(await buildPprofServer());
  await new Promise<void>((r) => recorder.listen(0, '127.0.0.1', r));
  recorderUrl = `http://127.0.0.1:${(recorder.address() as { port: number }).port}`;
});

afterAll(async () => {
  await pprof?.stop();
  recorder.close();
  tmp.cleanup();
});

const open = (name: string, extra: { secretCipher?: SecretCipher; runSchedules?: boolean } = {}): Engine =>
  new Engine({ libraryPath: join(tmp.dir, name), workerPath: repoPath('out/main/profile-worker.js'), ...extra });

/** Every byte of the library on disk: the database, its WAL and shared memory. */
function libraryBytes(name: string): Buffer {
  const base = join(tmp.dir, name);
  return Buffer.concat([base, `${base}-wal`, `${base}-shm`].filter(existsSync).map((f) => readFileSync(f)));
}

/** AES-256-GCM with a key held by the test, standing in for the OS keychain behind Electron's safeStorage. */
function testCipher(): SecretCipher {
  const key = randomBytes(32);
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt(sealed) {
      const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

async function captureOnce(engine: Engine, targetId: string): Promise<void> {
  const { jobId } = await engine.startCapture({ targetId, kinds: [{ kind: 'goroutine' }] });
  await engine.capture['jobs'].get(jobId)!.done;
}

describe('request headers of a target', () => {
  it('session memory: sent with captures, never returned, never in the SQLite file, gone after a restart', async () => {
    let engine = open('mem.sqlite');
    expect((await engine.collectInfo({})).headerStorage).toBe('session-memory');
    const t = await engine.saveTarget({ name: 'api', baseUrl: recorderUrl, headers: { Authorization: SECRET }, labels: { env: 'prod' } });
    expect(t.headerNames).toEqual(['Authorization']);
    expect(t.headerStorage).toBe('session-memory');
    expect(JSON.stringify(await engine.listTargets({}))).not.toContain('s3cr3t');
    seen.length = 0;
    await captureOnce(engine, t.id);
    expect(seen[0].authorization).toBe(SECRET);
    const [h] = await engine.captureHistory({ limit: 1 });
    expect(h.failures[0].message).toMatch(/404: no net\/http\/pprof here/);
    expect(libraryBytes('mem.sqlite').includes('s3cr3t')).toBe(false);
    await engine.close();
    expect(libraryBytes('mem.sqlite').includes('s3cr3t')).toBe(false);

    engine = open('mem.sqlite');
    seen.length = 0;
    await captureOnce(engine, t.id);
    expect(seen[0].authorization).toBeUndefined();
    expect((await engine.listTargets({}))[0].headerNames).toEqual(['Authorization']);
    await engine.close();
  });

  it('sealed with a cipher: stored only encrypted, and still sent after a restart', async () => {
    const cipher = testCipher();
    let engine = open('sealed.sqlite', { secretCipher: cipher });
    expect((await engine.collectInfo({})).headerStorage).toBe('os-keychain');
    const t = await engine.saveTarget({ name: 'api', baseUrl: recorderUrl, headers: { Authorization: SECRET, 'X-Tenant': 'acme-42' } });
    await engine.close();
    const bytes = libraryBytes('sealed.sqlite');
    expect(bytes.includes('s3cr3t')).toBe(false);
    expect(bytes.includes('acme-42')).toBe(false);

    engine = open('sealed.sqlite', { secretCipher: cipher });
    const sealedRows = engine.library.db.prepare('SELECT count(*) AS n FROM capture_target_secrets').get() as { n: number };
    expect(sealedRows.n).toBe(1);
    seen.length = 0;
    await captureOnce(engine, t.id);
    expect(seen[0].authorization).toBe(SECRET);
    expect(seen[0]['x-tenant']).toBe('acme-42');
    // Clearing the headers removes the sealed row too.
    await engine.saveTarget({ id: t.id, name: 'api', baseUrl: recorderUrl, clearHeaders: true });
    expect((engine.library.db.prepare('SELECT count(*) AS n FROM capture_target_secrets').get() as { n: number }).n).toBe(0);
    await engine.close();
  });
});

describe('schedules and history', () => {
  it('a 5-second schedule captures at once and again 5 s later; a failing one is in the history too', async () => {
    const engine = open('sched.sqlite', { runSchedules: true });
    try {
      expect((await engine.collectInfo({})).schedulesRunning).toBe(true);
      const good = await engine.saveTarget({ name: 'svc', baseUrl: pprof.url, labels: { team: 'perf' } });
      const dead = createTcpServer();
      await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
      const deadPort = (dead.address() as { port: number }).port;
      await new Promise<void>((r) => dead.close(() => r()));
      const bad = await engine.saveTarget({ name: 'down', baseUrl: `http://127.0.0.1:${deadPort}` });
      // A schedule given a run name and labels: its runs are "sched <time>", its artifacts labelled.
      const s1 = await engine.saveSchedule({ targetId: good.id, kinds: [{ kind: 'goroutine' }, { kind: 'heap' }], everySeconds: 5, run: 'sched', labels: { load: 'peak' } });
      expect(s1.run).toBe('sched');
      expect(s1.labels).toEqual({ load: 'peak' });
      const s2 = await engine.saveSchedule({ targetId: bad.id, kinds: [{ kind: 'heap' }], everySeconds: 5 });
      expect((await engine.listSchedules({})).map((s) => s.targetName).sort()).toEqual(['down', 'svc']);

      const entries = async (scheduleId: string): Promise<CaptureHistoryEntry[]> => engine.captureHistory({ scheduleId });
      // The second capture starts 5 s after the first; a loaded machine may take seconds over each.
      const end = Date.now() + 45_000;
      const captures = async (): Promise<CaptureHistoryEntry[]> => (await entries(s1.id)).filter((e) => e.status === 'done');
      while ((await captures()).length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
      await engine.deleteSchedule({ id: s1.id });
      await engine.deleteSchedule({ id: s2.id });
      // A tick that began before the deletion (a slow second capture lets the third one start)
      // still finishes: wait for it, so that what follows counts a settled history.
      for (let i = 0; i < 300 && (await engine.listCaptureJobs({})).some((j) => j.phase === 'running'); i++) await new Promise((r) => setTimeout(r, 100));
      const history = await entries(s1.id);
      const captured = history.filter((e) => e.status === 'done');
      // The capture at once and the next one, 5 s later: the two oldest captures (newest first).
      // (A tick that finds the previous capture still running, on a very slow machine, is a
      // "skipped" entry of its own and takes nothing: it is not one of them.)
      const done = captured.slice(-2);
      expect(done.length).toBe(2);
      expect(done.every((e) => e.artifacts.length === 2)).toBe(true);
      expect(done[0].startedAt - done[1].startedAt).toBeGreaterThan(4500);
      expect(new Set(done.map((e) => e.run)).size).toBe(2);
      for (const e of captured) expect(e.run).toMatch(/^sched \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      for (const e of history.filter((x) => x.status !== 'done')) expect(e.failures[0].message).toMatch(/^skipped: the previous capture of this schedule/);
      // Each capture of the schedule stored its two artifacts, with the target's and the schedule's labels.
      const stored = engine.library.list({ label: 'team=perf' });
      expect(stored.length).toBe(2 * captured.length);
      expect(engine.library.list({ label: 'load=peak' }).length).toBe(2 * captured.length);
      expect(stored.every((a) => a.run?.startsWith('sched '))).toBe(true);
      const failed = await entries(s2.id);
      expect(failed.length).toBeGreaterThanOrEqual(1);
      expect(failed[0].status).toBe('failed');
      expect(failed[0].failures[0].message).toMatch(/connection refused/);
      // Deleted schedules take nothing more.
      const count = (await engine.captureHistory({})).length;
      await new Promise((r) => setTimeout(r, 5500));
      expect((await engine.captureHistory({})).length).toBe(count);
    } finally {
      await engine.close();
    }
  }, 120_000);
});

describe('contract bounds', () => {
  let engine: Engine;
  beforeAll(() => (engine = open('contract.sqlite')));
  afterAll(() => engine.close());

  const call = (method: string, args: unknown) => dispatch(engine, method, args);

  it('refuses header values that could split a request, oversized or malformed arguments', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['saveTarget', { name: 'x', baseUrl: 'http://a:1', headers: { Authorization: 'a\r\nHost: evil' } }, /headers.Authorization must match/],
      ['saveTarget', { name: 'x', baseUrl: 'http://a:1', headers: { 'Bad Name': 'v' } }, /headers key must match/],
      ['saveTarget', { name: 'x', baseUrl: 'ftp://a:1' }, /baseUrl: ftp:\/\/ is not supported/],
      ['saveTarget', { name: 'x', baseUrl: 'http://a:1', caPem: 'hello' }, /not a PEM certificate/],
      ['saveTarget', { name: 'x'.repeat(200), baseUrl: 'http://a:1' }, /at most 128 characters/],
      ['startCapture', { url: 'http://a:1', kinds: [] }, /between 1 and 30 entries/],
      ['startCapture', { url: 'http://a:1', kinds: [{ kind: 'profile' }] }, /needs the profile's name/],
      ['startCapture', { url: 'http://a:1', kinds: [{ kind: 'heap', name: 'x' }] }, /heap takes no name/],
      ['startCapture', { url: 'http://a:1', kinds: [{ kind: 'profile', name: '../../x' }] }, /kinds\[0\]\.name/],
      ['startCapture', { url: 'http://a:1', kinds: [{ kind: 'cpu', seconds: 0 }] }, /between 1 and 3600/],
      ['startCapture', { url: 'http://a:1', kinds: [{ kind: 'disk' }] }, /must be one of cpu, heap/],
      ['startCapture', { url: 'http://a:1', kinds: [{ kind: 'heap' }, { kind: 'heap' }] }, /heap is asked for twice/],
      ['startCapture', { url: 'http://a:1', kinds: [{ kind: 'goroutine', seconds: 5 }] }, /goroutine is a snapshot and takes no seconds/],
      ['startCapture', { kinds: [{ kind: 'heap' }] }, /give either a saved target or a URL/],
      ['captureStatus', { jobId: '../x' }, /must match/],
      ['saveSchedule', { targetId: 'abc', kinds: [{ kind: 'heap' }], everySeconds: 1 }, /between 5 and/],
    ];
    for (const [method, args, message] of cases) {
      const r = await call(method, args);
      expect(r.ok, `${method} ${JSON.stringify(args)}`).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(message);
    }
  });

  it('two targets may not share a name; a missing target or job is not_found', async () => {
    await engine.saveTarget({ name: 'one', baseUrl: 'http://127.0.0.1:1' });
    const dup = await call('saveTarget', { name: 'one', baseUrl: 'http://127.0.0.1:2' });
    expect(dup.ok ? '' : dup.error.message).toMatch(/a target named "one" exists already/);
    const missing = await call('captureStatus', { jobId: 'nope' });
    expect(missing.ok ? '' : missing.error.code).toBe('not_found');
  });
});

describe('expvar and Prometheus text as imports', () => {
  let engine: Engine;
  beforeAll(() => (engine = open('readers.sqlite')));
  afterAll(() => engine.close());
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('detects them by content, and plain text stays plain text', () => {
    expect(detectFormat(enc('{\n"cmdline": ["x"],\n"memstats": {}}\n'))).toEqual({ format: 'expvar' });
    expect(detectFormat(enc('# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines gauge\ngo_goroutines 7\n'))).toEqual({ format: 'prometheus' });
    expect(detectFormat(enc('hello world\nthis is a note\n')).format).toBeNull();
    expect(detectFormat(enc('{"name": "package.json"}')).format).toBeNull();
  });

  it('a bad sample line names the file and the line; broken JSON names the byte', async () => {
    const prom = '# HELP up x\n# TYPE up gauge\nup 1\nup{job="a" 2\n';
    await expect(engine.importFile({ name: 'metrics.txt', bytes: enc(prom) })).rejects.toThrow('metrics.txt: line 4: expected , or } in up{…} at column 12');
    const badValue = '# TYPE up gauge\nup one\n';
    await expect(engine.importFile({ name: 'm2.txt', bytes: enc(badValue) })).rejects.toThrow(/m2.txt: line 2: up has no valid value/);
    await expect(engine.importFile({ name: 'vars.json', bytes: enc('{"cmdline": ["a"], "memstats": {"HeapAlloc": 1,}}') })).rejects.toThrow(/vars.json: not valid JSON \(line 1, byte \d+\)/);
    expect(engine.library.count()).toBe(0);
  });

  it('a good scrape imports with its series counted', async () => {
    const prom = '# HELP go_info x\n# TYPE go_info gauge\ngo_info{version="go1.22.12"} 1\n# TYPE go_goroutines gauge\ngo_goroutines 12\nprocess_open_fds 9\nh_bucket{le="+Inf"} 3\nweird{a="q\\"x"} NaN 1700000000000\n';
    const { artifacts: [a] } = await engine.importFile({ name: 'm.txt', bytes: enc(prom) });
    expect(a.kind).toBe('metrics');
    expect(a.goVersion).toBe('go1.22.12');
    expect(a.summary).toMatchObject({ series: 5, families: 2, goSeries: 2, processSeries: 1, highlights: { go_goroutines: 12, process_open_fds: 9 } });
  });
});
