// Views over several profiles through the profile worker and the contract: a request names its
// sources by hash, the worker reports every source it lacks at once and the client sends just
// those bytes; a bad source is named in the error; the contract validates view options
// (Go regexp syntax, tag filters, at most 1000 merged ids) and saveMerged records its sources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileWorkerClient } from '../../src-main/workers/profile-worker-client';
import { viewRequest, type ViewSource } from '../../src-main/workers/view-request';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { encodePprof } from '../../src-main/formats/pprof/encode-pprof';
import { viewProfile } from '../../src-main/analysis/profile-view';
import { computeTop, DEFAULT_TOP_OPTIONS, type TopReport } from '../../src-main/analysis/top';
import { Engine } from '../../src-main/engine';
import { dispatch } from '../../src-main/api/contract';
import { goProfile, repoPath, tempDir } from '../helpers/paths';
import { ensureProfilePairs, pairProfile } from '../helpers/profpair';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let tmp: ReturnType<typeof tempDir>;
let client: ProfileWorkerClient;
/** Six different cpu profiles: three from Go, three re-encoded copies with another start time. */
let files: { name: string; bytes: Uint8Array }[];
let loads: string[];
const source = (f: { name: string; bytes: Uint8Array }): ViewSource => ({
  sha256: sha(f.bytes),
  name: f.name,
  load: () => {
    loads.push(f.name);
    return f.bytes;
  },
});

beforeAll(async () => {
  await ensureProfilePairs();
  tmp = tempDir();
  client = new ProfileWorkerClient(repoPath('out/main/profile-worker.js'));
  const go = [pairProfile('cpu-a'), pairProfile('cpu-b'), goProfile('cpu')].map((p) => ({ name: p.split('/').pop()!, bytes: new Uint8Array(readFileSync(p)) }));
  const copies = go.map((f) => ({ name: `copy-${f.name}`, bytes: encodePprof({ ...decodePprof(f.bytes), timeNanos: 42 }) }));
  files = [...go, ...copies];
}, 120_000);
afterAll(async () => {
  await client.close();
  tmp.cleanup();
});

const topOptions = { ...DEFAULT_TOP_OPTIONS, nodecount: 0 };

describe('the worker protocol for views over several profiles', () => {
  it('asks once for every missing source, then answers as the in-process view', async () => {
    loads = [];
    const req = viewRequest(files.map(source), [], { focus: 'main' });
    const top = await client.run<TopReport>({ op: 'top', view: req.spec, sampleType: 'cpu', options: topOptions }, req.load, req.nameOf);
    expect(loads.sort()).toEqual(files.map((f) => f.name).sort());
    const local = viewProfile({ sources: files.map((f) => decodePprof(f.bytes)) }, { focus: 'main' });
    const expected = computeTop(local.profile, 1, topOptions, local.totals[1]);
    expect(top.total).toBe(expected.total);
    expect(top.rows).toEqual(expected.rows);
    // Merging the six doubles every value of the three.
    const three = viewProfile({ sources: files.slice(0, 3).map((f) => decodePprof(f.bytes)) }, { focus: 'main' });
    expect(top.total).toBe(2 * three.totals[1]);
  });

  it('reuses the view for the same request, and sends only what its cache let go for a new one', async () => {
    loads = [];
    const req = viewRequest(files.map(source), [], { focus: 'main' });
    await client.run({ op: 'flame', view: req.spec, sampleType: 'cpu' }, req.load, req.nameOf);
    expect(loads).toEqual([]);
    // Another chip (focus, ignore) is made from the merged view without one, kept: no bytes asked for.
    const chip = viewRequest(files.map(source), [], { ignore: 'runtime' });
    const top = await client.run<TopReport>({ op: 'top', view: chip.spec, sampleType: 'cpu', options: topOptions }, chip.load, chip.nameOf);
    expect(loads).toEqual([]);
    const local = viewProfile({ sources: files.map((f) => decodePprof(f.bytes)) }, { ignore: 'runtime' });
    expect(top.rows).toEqual(computeTop(local.profile, 1, topOptions, local.totals[1]).rows);
    // A view whose stacks change (hide) is made from the sources again.
    const other = viewRequest(files.map(source), [], { hide: 'runtime' });
    await client.run({ op: 'top', view: other.spec, sampleType: 'cpu', options: topOptions }, other.load, other.nameOf);
    // The worker keeps four decoded profiles: the first two of six were let go.
    expect(loads.sort()).toEqual(files.slice(0, 2).map((f) => f.name).sort());
  });

  it('names the source whose bytes do not decode', async () => {
    const bad = { name: 'broken.pb.gz', bytes: files[0].bytes.slice(0, 200) };
    const req = viewRequest([source(files[1]), source(bad)], [], {});
    await expect(client.run({ op: 'top', view: req.spec, options: topOptions }, req.load, req.nameOf)).rejects.toThrow(/^broken\.pb\.gz: .*(truncated|gzip)/);
  });
});

describe('the contract', () => {
  let engine: Engine;
  let ids: string[];
  beforeAll(async () => {
    engine = new Engine({ libraryPath: join(tmp.dir, 'lib.sqlite'), workerPath: repoPath('out/main/profile-worker.js') });
    const r = await engine.importPaths([pairProfile('cpu-a'), pairProfile('cpu-b'), pairProfile('heap-a')]);
    ids = r.artifacts.map((a) => a.id);
  });
  afterAll(() => engine.close());

  it('takes view options for topTable and flameGraph', async () => {
    const top = await dispatch(engine, 'topTable', { id: ids[1], diffBase: ids[0], normalize: true, granularity: 'lines', focus: 'main\\.', nodecount: 5 });
    expect(top.ok).toBe(true);
    const fg = await dispatch(engine, 'flameGraph', { id: ids[0], merge: [ids[1]], tagfocus: 'worker=hash', collapseRecursion: true });
    expect(fg.ok).toBe(true);
  });

  it('refuses what Go regexps refuse, bad tag filters, too many ids and mixed kinds, with a message', async () => {
    const refused = async (args: Record<string, unknown>, message: RegExp): Promise<void> => {
      const r = await dispatch(engine, 'topTable', { id: ids[0], ...args });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(message);
    };
    await refused({ focus: '(a)\\1' }, /topTable\.focus is not a valid regular expression: backreferences/);
    await refused({ ignore: 'main(?=x)' }, /topTable\.ignore is not a valid regular expression: lookaround/);
    await refused({ hide: 'a**' }, /nested repetition/);
    await refused({ show: 'x'.repeat(1025) }, /at most 1024 characters/);
    await refused({ tagfocus: 'worker=(' }, /topTable\.tagfocus is not a valid tag filter/);
    await refused({ merge: Array.from({ length: 1001 }, () => ids[1]) }, /between 0 and 1000 entries/);
    await refused({ diffBase: ids[2] }, /cannot combine a cpu profile with a heap profile/);
    await refused({ granularity: 'addresses' }, /must be one of functions, lines, files/);
  });

  it('saveMerged stores a new artifact that records its sources', async () => {
    const r = await dispatch(engine, 'saveMerged', { ids: [ids[0], ids[1]], labels: { why: 'test' }, run: 'merged' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const a = r.value as { id: string; labels: Record<string, string>; summary: { mergedFrom: unknown; totals: Record<string, number> }; run: string };
    expect(a.labels).toEqual({ 'merged-from': `${ids[0]},${ids[1]}`, why: 'test' });
    expect(a.summary.mergedFrom).toEqual([{ id: ids[0] }, { id: ids[1] }]);
    const [x, y] = [await engine.getArtifact({ id: ids[0] }), await engine.getArtifact({ id: ids[1] })];
    const total = (s: unknown): number => (s as { totals: Record<string, number> }).totals['cpu/nanoseconds'];
    expect(total(a.summary)).toBe(total(x.summary) + total(y.summary));
  });
});
