// Go execution traces through the front ends: `gpw trace FILE|ID --summary --json` (the built
// CLI) against go tool trace -pprof on the same real trace, import into the library, the
// contract methods (blocking flame graphs, MMU) through the engine and its trace worker, and a
// Go 1.21 trace refused with a clear message and nothing written.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain JS helper
import { ensureTrace, goPprofTotals } from '../go/trace-gen.mjs';
import { gpw, gpwJson } from '../helpers/run.js';
import { repoPath, tempDir } from '../helpers/paths.js';
import { Engine } from '../../src-main/engine.js';
import { dispatch } from '../../src-main/api/contract.js';
import type { TraceSummary } from '../../src-main/api/trace-types.js';
import type { Artifact } from '../../src-main/api/types.js';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace.js';
import { mmuAt } from '../../src-main/analysis/trace/mmu.js';

let local: string;
let legacy: string | null = null;
const tmp = tempDir('gpw-trace-');
const library = join(tmp.dir, 'lib.sqlite');

beforeAll(async () => {
  local = (await ensureTrace({ toolchain: 'local' })).path;
  legacy = await ensureTrace({ toolchain: 'go1.21.13' }).then(
    (t: { path: string }) => t.path,
    () => null,
  );
}, 300_000);
afterAll(() => tmp.cleanup());

const within = (ours: number, go: number): number => Math.abs(ours - go) / go;

test('gpw trace FILE --summary --json: blocking totals equal go tool trace -pprof', async () => {
  const summary = await gpwJson<TraceSummary>(library, 'trace', local, '--summary');
  expect(summary.goVersion).toMatch(/^1\.2\d$/);
  expect(summary.goroutines).toBeGreaterThan(10);
  for (const kind of ['net', 'sync', 'syscall', 'sched'] as const) {
    const go = await goPprofTotals(local, kind);
    expect(within(summary.blocking[kind].count, go.count), kind).toBeLessThanOrEqual(0.005);
    expect(within(summary.blocking[kind].delayNs, go.delayNs), kind).toBeLessThanOrEqual(0.005);
  }
  const text = await gpw(library, 'trace', local);
  expect(text.code).toBe(0);
  expect(text.stdout).toMatch(/blocking profiles/);
  expect(text.stdout).toMatch(/main\.pingPong\.func1/);
}, 60_000);

test('gpw import a trace, then gpw trace ID; list shows it as a trace; --mmu lists the worst windows', async () => {
  const { artifacts } = await gpwJson<{ artifacts: Artifact[] }>(library, 'import', local);
  expect(artifacts[0]).toMatchObject({ kind: 'trace', goVersion: expect.stringMatching(/^1\.2\d$/) });
  const byId = await gpwJson<TraceSummary>(library, 'trace', artifacts[0].id, '--summary');
  const byFile = await gpwJson<TraceSummary>(library, 'trace', local, '--summary');
  expect(byId).toEqual(byFile);
  const listed = await gpwJson<{ artifacts: Artifact[] }>(library, 'list', '--kind', 'trace');
  expect(listed.artifacts.map((a) => a.id)).toContain(artifacts[0].id);
  // --mmu lists the worst windows too: the least of each size is the MMU at that size.
  const mmu = await gpwJson<{ worst: { windowNs: number; windows: { startNs: number; util: number }[] }[] }>(library, 'trace', artifacts[0].id, '--mmu');
  expect(mmu.worst.map((s) => s.windowNs)).toContain(1e6);
  const [atMs] = mmuAt(parseGoTrace(new Uint8Array(readFileSync(local))), [1e6]);
  expect(mmu.worst.find((s) => s.windowNs === 1e6)!.windows[0].util).toBeCloseTo(atMs, 9);
  const text = await gpw(library, 'trace', artifacts[0].id, '--mmu');
  // A window may start anywhere, so its start prints in whichever unit fits (ns, µs, ms or s).
  expect(text.stdout).toMatch(/^worst 1\.00ms windows\n +start  utilization\n +[\d.]+(?:ns|µs|ms|s) +[\d.]+%$/m);
}, 60_000);

test('a Go 1.21 trace: a clear message, exit status 1, nothing written', async () => {
  if (!legacy) return; // the Go 1.21 toolchain could not be fetched here
  const before = await gpwJson<{ artifacts: Artifact[] }>(library, 'list');
  const r = await gpw(library, 'import', legacy);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/go1\.21\.13\.trace: this is a Go execution trace in the old format "go 1\.21 trace", written by Go 1\.21; gpw reads traces written by Go 1\.22 and later/);
  const after = await gpwJson<{ artifacts: Artifact[] }>(library, 'list');
  expect(after.artifacts.length).toBe(before.artifacts.length);
  const t = await gpw(library, 'trace', legacy);
  expect(t.stderr).toMatch(/Go 1\.22 and later/);
}, 60_000);

test('contract: blocking flame graphs total as go tool trace -pprof; top table and export; MMU; bad arguments refused', async () => {
  const engine = new Engine({ libraryPath: join(tmp.dir, 'engine.sqlite'), workerPath: repoPath('out/main/profile-worker.js') });
  try {
    const { artifacts } = await engine.importPaths([local]);
    const id = artifacts[0].id;
    for (const kind of ['net', 'sync', 'syscall', 'sched'] as const) {
      const reply = await dispatch(engine, 'traceBlockingProfile', { id, kind });
      expect(reply.ok).toBe(true);
      const fg = (reply as { value: { totalValue: number; names: string[]; unit: string } }).value;
      const go = await goPprofTotals(local, kind);
      expect(fg.unit).toBe('nanoseconds');
      expect(within(fg.totalValue, go.delayNs), kind).toBeLessThanOrEqual(0.005);
    }
    const mmu = await engine.traceMmu({ id, points: 20 });
    expect(mmu.windowNs).toHaveLength(20);
    expect(mmu.mmu.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect((await dispatch(engine, 'traceBlockingProfile', { id, kind: 'disk' })).ok).toBe(false);
    expect((await dispatch(engine, 'traceMmu', { id, points: 1e9 })).ok).toBe(false);
    expect((await dispatch(engine, 'traceMmu', { id, worstWindowsNs: [0] })).ok).toBe(false);
    // The blocking top table and export through the contract (their figures: trace-blocking-top.test.ts).
    const top = await dispatch(engine, 'traceBlockingTop', { id, kind: 'sync', nodecount: 5, cum: true });
    expect(top).toMatchObject({ ok: true, value: { unit: 'nanoseconds', rows: expect.any(Array) } });
    const rows = (top as { value: { rows: { cum: number }[] } }).value.rows;
    expect(rows.length).toBe(5);
    expect(rows.every((r, i) => i === 0 || r.cum <= rows[i - 1].cum)).toBe(true);
    const folded = await engine.traceBlockingExport({ id, kind: 'sync', format: 'collapsed' });
    expect(folded.name).toMatch(/-sync\.folded\.txt$/);
    expect(new TextDecoder().decode(folded.bytes)).toMatch(/^\S+ \d+$/m);
    expect((await dispatch(engine, 'traceBlockingExport', { id, kind: 'sync', format: 'svg' })).ok).toBe(false);
    expect((await dispatch(engine, 'traceBlockingTop', { id, kind: 'sync', nodecount: -1 })).ok).toBe(false);
    const wrongKind = await dispatch(engine, 'traceSummary', { id: 'nope' });
    expect(wrongKind).toMatchObject({ ok: false, error: { code: 'not_found' } });
  } finally {
    await engine.close();
  }
}, 60_000);
