// Captures from a real Go service (tests/go/pprofserver, net/http/pprof on 127.0.0.1): every
// kind lands in the library as one run, and each profile's totals equal what `go tool pprof`
// reports for the very bytes stored. Delta profiles, gc=1, expvar, /metrics, the command line,
// and `gpw capture … --json` followed by `gpw list --json`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureJobStatus, CaptureSpec } from '../../src-main/api/collect-types';
import type { Artifact, ProfileSummary } from '../../src-main/api/types';
import { Engine } from '../../src-main/engine';
import { buildPprofServer, startPprofServer } from '../go/pprofserver/harness.mjs';
import { repoPath, tempDir } from '../helpers/paths';
import { gpw, gpwJson, pprofTop, run } from '../helpers/run';

let server: { url: string; stop: () => Promise<void> };
let engine: Engine;
const tmp = tempDir('gpw-capture-');
const library = join(tmp.dir, 'lib.sqlite');

beforeAll(async () => {
  server = await startPprofServer(await buildPprofServer());
  engine = new Engine({ libraryPath: library, workerPath: repoPath('out/main/profile-worker.js') });
});

afterAll(async () => {
  await engine?.close();
  await server?.stop();
  tmp.cleanup();
});

/** Polls a job as the UI does (every 100 ms, bounded) and returns its last status. */
async function waitJob(jobId: string, boundMs = 30_000): Promise<CaptureJobStatus & { seenFractions: number[] }> {
  const seenFractions: number[] = [];
  const end = Date.now() + boundMs;
  for (;;) {
    const s = await engine.captureStatus({ jobId });
    seenFractions.push(s.fraction);
    if (s.phase !== 'running') return { ...s, seenFractions };
    if (Date.now() > end) throw new Error(`job still running after ${boundMs} ms: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The stored bytes of an artifact, written to a file for go tool pprof. */
function blobFile(a: Artifact): string {
  const file = join(tmp.dir, `${a.id}.pb.gz`);
  writeFileSync(file, engine.library.blobs.get(a.sha256)!);
  return file;
}

async function expectTotalsMatchPprof(a: Artifact): Promise<void> {
  const summary = a.summary as ProfileSummary;
  expect(summary.sampleTypes.length).toBeGreaterThan(0);
  const file = blobFile(a);
  for (const st of summary.sampleTypes) {
    const [type, unit] = st.split('/');
    const ours = await engine.topTable({ id: a.id, sampleType: type, nodecount: 5 });
    const theirs = await pprofTop(file, type, unit, 5);
    expect(ours.total, `${a.subtype} ${st}`).toBe(theirs.total);
    expect(Math.abs(summary.totals[st]), `${a.subtype} ${st} summary`).toBe(theirs.total);
  }
}

describe('capture a run from a Go service', () => {
  const specs: CaptureSpec[] = [
    { kind: 'cpu', seconds: 2 },
    { kind: 'heap' },
    { kind: 'allocs' },
    { kind: 'block' },
    { kind: 'mutex' },
    { kind: 'goroutine' },
    { kind: 'threadcreate' },
    { kind: 'cmdline' },
    { kind: 'expvar' },
    { kind: 'metrics' },
    { kind: 'trace', seconds: 1 },
  ];
  let status: Awaited<ReturnType<typeof waitJob>>;

  beforeAll(async () => {
    const { jobId } = await engine.startCapture({ url: server.url, kinds: specs, run: 'capture test', labels: { env: 'test' } });
    status = await waitJob(jobId);
  }, 60_000);

  it('lands every kind as one run with labels, and shows progress on the way', () => {
    expect(status.error).toBeUndefined();
    expect(status.phase).toBe('done');
    expect(status.result!.failures).toEqual([]);
    const stored = engine.library.list({ label: 'env=test' });
    const bySubtype = Object.fromEntries(stored.map((a) => [a.subtype, a]));
    for (const k of ['cpu', 'heap', 'allocs', 'block', 'mutex', 'goroutine', 'threadcreate']) {
      expect(bySubtype[k]?.kind, k).toBe('profile');
      expect(bySubtype[k].run).toBe('capture test');
    }
    expect(bySubtype.expvar.kind).toBe('metrics');
    expect(bySubtype.prometheus.kind).toBe('metrics');
    // The execution trace went through the gotrace reader: about the requested second of events.
    const trace = stored.find((a) => a.kind === 'trace')!;
    expect(trace.source).toBe(`${server.url}/debug/pprof/trace?seconds=1`);
    expect(trace.durationNs!).toBeGreaterThan(0.8e9);
    expect((trace.summary as unknown as { eventCount: number }).eventCount).toBeGreaterThan(100);
    expect(stored.length).toBe(specs.length - 1); // cmdline is a label, not an artifact
    expect(bySubtype.cpu.source).toBe(`${server.url}/debug/pprof/profile?seconds=2`);
    expect(bySubtype.heap.labels.program).toBe('pprofserver-default');
    expect(status.result!.cmdline![0]).toMatch(/pprofserver-default$/);
    // The bar moved through the 2 s of CPU capture before it reached 1.
    const mid = status.seenFractions.filter((f) => f > 0.1 && f < 0.9);
    expect(mid.length).toBeGreaterThan(3);
    expect(status.fraction).toBe(1);
    expect(status.bytes).toBeGreaterThan(1000);
  });

  it('each profile totals what go tool pprof reports for the same bytes', async () => {
    const profiles = engine.library.list({ label: 'env=test', kind: 'profile' });
    expect(profiles.length).toBe(7);
    for (const a of profiles) await expectTotalsMatchPprof(a);
    const cpu = profiles.find((a) => a.subtype === 'cpu')!;
    expect((cpu.summary as ProfileSummary).sampleCount).toBeGreaterThan(0);
    expect(cpu.durationNs).toBeGreaterThan(1.5e9);
  }, 60_000);

  it('the metrics scrape and expvar are summarised from the same bytes', async () => {
    const [prom] = engine.library.list({ subtype: 'prometheus', label: 'env=test' });
    const text = Buffer.from(engine.library.blobs.get(prom.sha256)!).toString('utf8');
    const sampleLines = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    const s = prom.summary as unknown as { series: number; goSeries: number; processSeries: number; highlights: Record<string, number> };
    expect(s.series).toBe(sampleLines.length);
    expect(s.goSeries).toBe(sampleLines.filter((l) => l.startsWith('go_')).length);
    expect(s.processSeries).toBeGreaterThan(0);
    const goroutinesLine = sampleLines.find((l) => l.startsWith('go_goroutines '))!;
    expect(s.highlights.go_goroutines).toBe(Number(goroutinesLine.split(' ')[1]));
    const goVersion = (await run('go', ['env', 'GOVERSION'])).stdout.trim();
    expect(prom.goVersion).toBe(goVersion);

    const [vars] = engine.library.list({ subtype: 'expvar', label: 'env=test' });
    const doc = JSON.parse(Buffer.from(engine.library.blobs.get(vars.sha256)!).toString('utf8'));
    const v = vars.summary as unknown as { vars: number; memstats: Record<string, number>; cmdline: string[] };
    expect(v.vars).toBe(Object.keys(doc).length);
    expect(v.memstats.HeapAlloc).toBe(doc.memstats.HeapAlloc);
    expect(v.cmdline).toEqual(doc.cmdline);
  });

  it('records the run in the capture history with its settings', async () => {
    const [h] = await engine.captureHistory({ limit: 1 });
    expect(h.run).toBe('capture test');
    expect(h.status).toBe('done');
    expect(h.via).toBeNull(); // a direct connection, not through an SSH host
    expect(h.specs).toEqual(specs);
    expect(h.artifacts.length).toBe(specs.length - 1);
    expect(h.cmdline![0]).toMatch(/pprofserver/);
  });
});

describe('delta and gc=1 profiles', () => {
  it('allocs/block/mutex/heap over ?seconds=1 are deltas whose totals match pprof; heap?gc=1 lands', async () => {
    const specs: CaptureSpec[] = [{ kind: 'allocs', seconds: 1 }, { kind: 'block', seconds: 1 }, { kind: 'mutex', seconds: 1 }, { kind: 'heap', seconds: 1 }];
    const { jobId } = await engine.startCapture({ url: server.url, kinds: specs, labels: { delta: 'yes' } });
    const s = await waitJob(jobId);
    expect(s.result!.failures).toEqual([]);
    const stored = engine.library.list({ label: 'delta=yes' });
    expect(stored.map((a) => a.subtype).sort()).toEqual(['allocs', 'block', 'heap', 'mutex']);
    for (const a of stored) {
      expect(a.source).toMatch(/\?seconds=1$/);
      expect(a.durationNs!).toBeGreaterThan(0.9e9);
      await expectTotalsMatchPprof(a);
    }
    const gc = await waitJob((await engine.startCapture({ url: server.url, kinds: [{ kind: 'heap', gc: true }] })).jobId);
    expect(gc.result!.artifacts[0].source).toBe(`${server.url}/debug/pprof/heap?gc=1`);
  }, 60_000);
});

describe('gpw capture (CLI)', () => {
  it('prints the run and artifacts as JSON, and they appear in gpw list --json', async () => {
    const lib = join(tmp.dir, 'cli.sqlite');
    const r = await gpw(lib, 'capture', `${server.url}/debug/pprof/`, '--kind', 'heap', '--kind', 'goroutine', '--kind', 'cpu', '--seconds', '1', '--run', 'cli run', '--label', 'svc=demo', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { run: string; artifacts: { id: string; kind: string; source: string }[] };
    expect(out.run).toBe('cli run');
    expect(out.artifacts.map((a) => a.source).sort()).toEqual(
      [`${server.url}/debug/pprof/goroutine`, `${server.url}/debug/pprof/heap`, `${server.url}/debug/pprof/profile?seconds=1`].sort(),
    );
    expect(out.artifacts.every((a) => a.kind === 'profile')).toBe(true);
    const listed = await gpwJson<{ artifacts: Artifact[] }>(lib, 'list', '--label', 'svc=demo');
    expect(listed.artifacts.map((a) => a.id).sort()).toEqual(out.artifacts.map((a) => a.id).sort());
    expect(listed.artifacts.every((a) => a.run === 'cli run')).toBe(true);
  });

  it('--every N --count 2 takes two runs, each its own', async () => {
    const lib = join(tmp.dir, 'cli-every.sqlite');
    const t0 = Date.now();
    const r = await gpw(lib, 'capture', server.url, '--kind', 'goroutine', '--every', '5s', '--count', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - t0).toBeGreaterThan(4500);
    const runs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { run: string; artifacts: unknown[] });
    expect(runs.length).toBe(2);
    expect(new Set(runs.map((x) => x.run)).size).toBe(2);
    expect((await gpwJson<{ artifacts: Artifact[] }>(lib, 'list')).artifacts.length).toBe(2);
  });

  it('--repeat 3 takes three CPU profiles in a row into one run (for run statistics)', async () => {
    const lib = join(tmp.dir, 'cli-repeat.sqlite');
    const r = await gpw(lib, 'capture', server.url, '--kind', 'cpu:1', '--kind', 'heap', '--repeat', '3', '--run', 'repeated', '--json');
    expect(r.code, r.stderr).toBe(0);
    const { artifacts } = await gpwJson<{ artifacts: Artifact[] }>(lib, 'list');
    const cpu = artifacts.filter((a) => a.subtype === 'cpu').sort((a, b) => a.capturedAt! - b.capturedAt!);
    expect(cpu.map((a) => a.file)).toEqual(['cpu-1.pb.gz', 'cpu-2.pb.gz', 'cpu-3.pb.gz']);
    // One after another: each starts after the one before has ended.
    for (let i = 1; i < cpu.length; i++) expect(cpu[i].capturedAt!).toBeGreaterThanOrEqual(cpu[i - 1].capturedAt! + 900);
    expect(artifacts.filter((a) => a.subtype === 'heap')).toHaveLength(1);
    const { runs } = await gpwJson<{ runs: { name: string; counts: Record<string, number> }[] }>(lib, 'runs');
    expect(runs).toEqual([expect.objectContaining({ name: 'repeated', counts: { cpu: 3, heap: 1 } })]);
    const bad = await gpw(lib, 'capture', server.url, '--kind', 'heap', '--repeat', '3');
    expect(bad.stderr).toMatch(/--repeat repeats CPU profiles and traces/);
  });

  it('refuses a bad kind or URL with a clear message', async () => {
    const lib = join(tmp.dir, 'cli-bad.sqlite');
    const bad = await gpw(lib, 'capture', server.url, '--kind', 'heapz');
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/--kind heapz: not one of cpu, heap/);
    const creds = await gpw(lib, 'capture', 'http://user:pw@127.0.0.1:1', '--kind', 'heap');
    expect(creds.stderr).toMatch(/credentials in a request header/);
  });
});
