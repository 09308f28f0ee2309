// A big allocs profile (tests/go/bigprofile: distinct stacks, labels, four sample types; a
// CI-sized 120,000 samples here, the benchmark uses 1.6 million): gpw's top equals
// `go tool pprof -top` on it, through the library as users use it (gpw import, then gpw top ID in
// new processes), and the import keeps what the next process needs: a new engine whose
// profile worker cannot even start answers the default top table and the sample types.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src-main/engine';
import { formatTopText } from '../../src-main/analysis/top-format';
import { repoPath, tempDir } from '../helpers/paths';
import { gpw, gpwJson, run } from '../helpers/run';
import { makeBigProfile } from '../bench/make-big-profile.mjs';

const SAMPLES = 120_000;
const tmp = tempDir('gpw-big-');
const library = join(tmp.dir, 'lib.sqlite');
let file: string;
let id: string;

beforeAll(async () => {
  file = await makeBigProfile(SAMPLES);
  const imported = await gpwJson<{ artifacts: { id: string; summary: { sampleCount: number } }[] }>(library, 'import', file);
  id = imported.artifacts[0].id;
  expect(imported.artifacts[0].summary.sampleCount).toBe(SAMPLES);
}, 240_000);
afterAll(() => tmp.cleanup());

const table = (text: string): string => text.slice(text.indexOf('Showing nodes'));

describe('big allocs profile', () => {
  it.each([
    ['alloc_space', false],
    ['alloc_space', true],
    ['inuse_objects', false],
  ])('gpw top ID --sample-index %s (cum %s) prints go tool pprof -top’s table', async (type, cum) => {
    const flags = cum ? ['--cum'] : [];
    const [ours, theirs] = await Promise.all([
      gpw(library, 'top', id, '--sample-index', type as string, ...flags),
      run('go', ['tool', 'pprof', '-top', '-nodecount=20', `-sample_index=${type}`, ...(cum ? ['-cum'] : []), file], {}, 180_000),
    ]);
    expect(ours.code, ours.stderr).toBe(0);
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(table(ours.stdout)).toBe(table(theirs.stdout));
  }, 240_000);

  it('the default top table and the sample types come from the import, without decoding again', async () => {
    const [theirs, viaCli] = await Promise.all([run('go', ['tool', 'pprof', '-top', '-nodecount=20', file], {}, 180_000), gpw(library, 'top', id)]);
    expect(viaCli.code, viaCli.stderr).toBe(0);
    expect(table(viaCli.stdout)).toBe(table(theirs.stdout));
    // No profile worker at all: anything that needed the profile decoded would fail.
    const engine = new Engine({ libraryPath: library, workerPath: repoPath('tests/.tmp/no-such-worker.js') });
    try {
      const meta = await engine.profileMeta({ id });
      expect(meta.sampleTypes.map((t) => `${t.type}/${t.unit}`)).toEqual(['alloc_objects/count', 'alloc_space/bytes', 'inuse_objects/count', 'inuse_space/bytes']);
      expect(meta.defaultSampleType).toBe('alloc_space');
      const top = await engine.topOfFile(id, { nodecount: 20, sort: 'flat' });
      expect(table(formatTopText(top))).toBe(table(theirs.stdout));
      // The same view named by its sample type is the same kept answer.
      await expect(engine.topOfFile(id, { nodecount: 20, sort: 'flat', sampleType: 'alloc_space' })).resolves.toEqual(top);
      // A view the import did not compute needs the worker (and says so when it cannot run).
      await expect(engine.topOfFile(id, { nodecount: 7, sort: 'flat' })).rejects.toThrow(/worker/);
    } finally {
      await engine.close();
    }
  }, 240_000);

  it('keeps the flame graphs a view asked for: a new engine shows them without a worker', async () => {
    const asked = [
      { id, sampleType: 'alloc_space' },
      { id, sampleType: 'inuse_objects' },
      { id, sampleType: 'alloc_space', inverted: true },
    ];
    const engine = new Engine({ libraryPath: library, workerPath: repoPath('out/main/profile-worker.js') });
    const graphs = [];
    try {
      for (const args of asked) graphs.push(await engine.flameGraph(args));
    } finally {
      await engine.close();
    }
    // Built only as far as it can be drawn, so small enough to keep, with the note saying so.
    for (const g of graphs) expect(g.hidden?.subtrees).toBe(true);
    const again = new Engine({ libraryPath: library, workerPath: repoPath('tests/.tmp/no-such-worker.js') });
    try {
      for (const [i, args] of asked.entries()) expect(await again.flameGraph(args)).toEqual(graphs[i]);
      await expect(again.flameGraph({ id, sampleType: 'inuse_space' })).rejects.toThrow(/worker/);
    } finally {
      await again.close();
    }
  }, 240_000);
});
