// The GC series of runtime-metrics snapshots (analysis/gc/metrics-series.ts, gcSeries) from a
// real Go service (tests/go/pprofserver): expvar and Prometheus captured a few times, with a
// forced GC (heap?gc=1) between them. Every figure is checked against the bytes the service sent
// (expvar's own JSON), the Prometheus path against expvar of the same moment, and a restarted
// process is reported, not differenced.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureJobStatus, CaptureSpec } from '../../src-main/api/collect-types';
import type { Artifact } from '../../src-main/api/types';
import { dispatch } from '../../src-main/api/contract';
import { Engine } from '../../src-main/engine';
import { buildPprofServer, startPprofServer } from '../go/pprofserver/harness.mjs';
import { repoPath, tempDir } from '../helpers/paths';
import { gpw, gpwJson } from '../helpers/run';

const RUN = 'gc series';
let bin = '';
let server: { url: string; stop: () => Promise<void> };
let engine: Engine;
const tmp = tempDir('gpw-gc-series-');
/** Per snapshot job: the expvar and the Prometheus artifact. */
const jobs: { expvar: Artifact; prom: Artifact }[] = [];

async function capture(url: string, kinds: CaptureSpec[], run?: string): Promise<Artifact[]> {
  const { jobId } = await engine.startCapture({ url, kinds, run });
  const end = Date.now() + 30_000;
  let s: CaptureJobStatus;
  for (;;) {
    s = await engine.captureStatus({ jobId });
    if (s.phase !== 'running') break;
    if (Date.now() > end) throw new Error('capture still running after 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  if (s.phase !== 'done') throw new Error(`capture ${s.phase}: ${JSON.stringify(s)}`);
  return s.result!.artifacts.map((a) => engine.library.get(a.id)!);
}

const libraryPath = (): string => join(tmp.dir, 'lib.sqlite');
const memstatsOf = (a: Artifact): Record<string, number> => JSON.parse(Buffer.from(engine.library.blobs.get(a.sha256)!).toString('utf8')).memstats;

beforeAll(async () => {
  bin = await buildPprofServer();
  server = await startPprofServer(bin);
  engine = new Engine({ libraryPath: libraryPath(), workerPath: repoPath('out/main/profile-worker.js') });
  for (let i = 0; i < 3; i++) {
    if (i > 0) {
      await capture(server.url, [{ kind: 'heap', gc: true }]); // runtime.GC() in the service
      await new Promise((r) => setTimeout(r, 300));
    }
    const got = await capture(server.url, [{ kind: 'expvar' }, { kind: 'metrics' }], RUN);
    jobs.push({ expvar: got.find((a) => a.subtype === 'expvar')!, prom: got.find((a) => a.subtype === 'prometheus')! });
  }
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await server?.stop();
  tmp.cleanup();
});

describe('gcSeries from expvar and Prometheus snapshots of a Go service', () => {
  it('a run: one point per expvar snapshot, figures as the service reported them', async () => {
    const s = await engine.gcSeries({ run: RUN });
    expect(s.points.map((p) => p.id)).toEqual(jobs.map((j) => j.expvar.id));
    expect(s.warnings).toContain('3 snapshot(s) of the other format left out');
    for (let i = 0; i < jobs.length; i++) {
      const m = memstatsOf(jobs[i].expvar);
      const p = s.points[i];
      expect([p.numGc, p.heapAllocBytes, p.heapGoalBytes, p.pauseTotalNs, p.gcCpuFraction]).toEqual([m.NumGC, m.HeapAlloc, m.NextGC, m.PauseTotalNs, m.GCCPUFraction]);
      expect(p.atMs).toBe(jobs[i].expvar.capturedAt);
      if (i === 0) {
        expect(p.cyclesSince).toBeNull();
        continue;
      }
      const prev = memstatsOf(jobs[i - 1].expvar);
      // A forced GC ran between the two snapshots.
      expect(p.cyclesSince).toBe(m.NumGC - prev.NumGC);
      expect(p.cyclesSince!).toBeGreaterThanOrEqual(1);
      expect(p.pauseSinceMs).toBeCloseTo((m.PauseTotalNs - prev.PauseTotalNs) / 1e6, 9);
      expect(p.pausePerCycleMs).toBeCloseTo(p.pauseSinceMs! / p.cyclesSince!, 9);
      expect(p.cyclesPerSec).toBeCloseTo(p.cyclesSince! / ((p.atMs - s.points[i - 1].atMs) / 1000), 9);
    }
    const first = memstatsOf(jobs[0].expvar);
    const last = memstatsOf(jobs[2].expvar);
    expect(s.totalCycles).toBe(last.NumGC - first.NumGC);
    expect(s.totalPauseMs).toBeCloseTo((last.PauseTotalNs - first.PauseTotalNs) / 1e6, 6);
  });

  it('Prometheus scrapes: the same counters as expvar taken in the same job', async () => {
    const s = await engine.gcSeries({ ids: jobs.map((j) => j.prom.id).reverse() });
    console.log(s.points.map((p, i) => `NumGC expvar ${memstatsOf(jobs[i].expvar).NumGC} / prometheus ${p.numGc}, goal ${p.heapGoalBytes}, pause ${p.pauseTotalNs} ns, +${p.cyclesSince ?? '-'} cycles`).join('\n'));
    expect(s.points.map((p) => p.id)).toEqual(jobs.map((j) => j.prom.id));
    for (let i = 0; i < jobs.length; i++) {
      const m = memstatsOf(jobs[i].expvar);
      const p = s.points[i];
      expect(p.source).toBe('prometheus');
      // The two requests ran at once: a background GC may fall between them.
      expect(Math.abs(p.numGc! - m.NumGC)).toBeLessThanOrEqual(1);
      if (p.numGc === m.NumGC) expect(Math.abs(p.pauseTotalNs! - m.PauseTotalNs)).toBeLessThanOrEqual(1000);
      expect(p.heapGoalBytes).toBeGreaterThan(0);
      expect(p.heapAllocBytes).toBeGreaterThan(0);
      if (i > 0) expect(p.cyclesSince!).toBeGreaterThanOrEqual(1);
    }
  });

  it('a restarted process: the counters go down, reported, no difference across it', async () => {
    const other = await startPprofServer(bin);
    try {
      const [fresh] = await capture(other.url, [{ kind: 'expvar' }]);
      const s = await engine.gcSeries({ ids: [jobs[2].expvar.id, fresh.id] });
      expect(s.points[1].cyclesSince).toBeNull();
      expect(s.totalCycles).toBeNull();
      expect(s.warnings.join('\n')).toContain(`snapshot ${fresh.id}: the GC counters went down since snapshot ${jobs[2].expvar.id}: the process restarted`);
    } finally {
      await other.stop();
    }
  }, 60_000);

  it('gpw gc --series (built CLI): the same series as JSON, and a table', async () => {
    const ours = await engine.gcSeries({ run: RUN });
    const cli = await gpwJson<typeof ours>(libraryPath(), 'gc', '--series', '--run', RUN);
    expect(cli).toEqual(ours);
    const byIds = await gpwJson<typeof ours>(libraryPath(), 'gc', '--series', ...jobs.map((j) => j.expvar.id));
    expect(byIds.points).toEqual(ours.points);
    const text = await gpw(libraryPath(), 'gc', '--series', '--run', RUN);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`3 expvar snapshots over`);
    expect(text.stdout).toContain(`${ours.totalCycles} GC cycles`);
    const both = await gpw(libraryPath(), 'gc', '--series', '--run', RUN, jobs[0].expvar.id);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('--series needs library IDs of snapshots or --run RUN, not both');
  }, 30_000);

  it('arguments are bounded and checked', async () => {
    const one = await dispatch(engine, 'gcSeries', { ids: [jobs[0].expvar.id] });
    expect(one.ok).toBe(false);
    const many = await dispatch(engine, 'gcSeries', { ids: Array.from({ length: 2001 }, () => jobs[0].expvar.id) });
    expect(many.ok).toBe(false);
    const long = await dispatch(engine, 'gcSeries', { run: 'x'.repeat(257) });
    expect(long.ok).toBe(false);
    const none = await dispatch(engine, 'gcSeries', {});
    expect(none).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    const heap = engine.library.list({ subtype: 'heap' })[0];
    const wrong = await dispatch(engine, 'gcSeries', { ids: [heap.id, jobs[0].expvar.id] });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid_argument', message: `artifact ${heap.id} is a heap, not an expvar or Prometheus snapshot` } });
    const lonely = await dispatch(engine, 'gcSeries', { ids: [jobs[0].expvar.id, jobs[0].prom.id] });
    expect(lonely).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
  });
});
