// gpw import of one big gzip file reads and gunzips it (into shared memory) before the engine
// loads and hands it to the early profile worker, which scans it on two threads meanwhile
// (import/shared-read.ts, cli/entry.ts, workers/profile-worker.ts); the engine's read of the file
// then takes the same bytes. A profile big enough for both (a gzip file of 4 MiB or more, 32 MiB or more
// of data: 600,000 samples of tests/go/bigprofile) imports to the same figures as a full decode
// of it: gpw top ID (the table the import kept) is gpw top FILE's (decoded whole in the worker),
// and so are the function figures runs compare. Small cases of the read-ahead itself: a file
// changed since is read again, two candidates or a file that is not gzip are not read ahead.
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readAheadForImport, readMaybeShared } from '../../src-main/import/shared-read';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { functionStatsOf } from '../../src-main/analysis/runs/function-stats';
import { Library } from '../../src-main/library/library';
import { repoPath, tempDir } from '../helpers/paths';
import { gpw, run } from '../helpers/run';
import { makeBigProfile } from '../bench/make-big-profile.mjs';

const SAMPLES = 600_000;
const tmp = tempDir('gpw-read-ahead-');
afterAll(() => tmp.cleanup());

const table = (text: string): string => text.slice(text.indexOf('Showing nodes'));

describe('gpw import reads a big gzip file ahead', () => {
  it('imports to the figures of a full decode, scanned by the worker while the engine loaded', async () => {
    const file = await makeBigProfile(SAMPLES);
    expect(statSync(file).size).toBeGreaterThanOrEqual(4 * 2 ** 20);
    const library = join(tmp.dir, 'lib.sqlite');
    const imported = await run(process.execPath, [repoPath('bin/gpw.js'), 'import', file, '--json'], { GPW_LIBRARY: library, GPW_TIMING: '1' }, 180_000);
    expect(imported.code, imported.stderr).toBe(0);
    // The worker's scan of the bytes read ahead (gunzipped by the entry, its samples located by the worker as they came) is the one the import used.
    // (Each GPW_TIMING line starts with the wall clock's time of day, to line up the lines of several threads.)
    expect(imported.stderr).toMatch(/^\d\d:\d\d:\d\d\.\d{3} worker read-ahead scan: \d+ ms \(scanned; gunzipped by the entry, samples located as they came\)$/m);
    const { artifacts } = JSON.parse(imported.stdout) as { artifacts: { id: string; summary: { sampleCount: number } }[] };
    expect(artifacts[0].summary.sampleCount).toBe(SAMPLES);
    const [ours, decoded] = await Promise.all([gpw(library, 'top', artifacts[0].id), gpw(library, 'top', file)]);
    expect(ours.code, ours.stderr).toBe(0);
    expect(decoded.code, decoded.stderr).toBe(0);
    expect(table(ours.stdout)).toBe(table(decoded.stdout));

    const expected = functionStatsOf(decodePprof(gunzipSync(readFileSync(file))));
    const lib = new Library(library, { readonly: true });
    try {
      for (const t of expected.types) {
        const stored = lib.runs.functionFigures([artifacts[0].id], t.sampleType).get(artifacts[0].id)!;
        expect(stored.total).toBe(t.total);
        expect(stored.functions).toEqual(new Map(t.names.map((name, i) => [name, [t.flat[i], t.cum[i]]])));
      }
    } finally {
      lib.close();
    }
  }, 240_000);

  it('hands the engine the bytes read ahead only while the file is unchanged; reads ahead one gzip file only', () => {
    const data = Buffer.alloc(5 * 2 ** 20, 7);
    const a = join(tmp.dir, 'a.gz');
    const b = join(tmp.dir, 'b.gz');
    const plain = join(tmp.dir, 'plain.bin');
    writeFileSync(a, gzipSync(data, { level: 0 }));
    writeFileSync(b, gzipSync(data, { level: 0 }));
    writeFileSync(plain, data);
    expect(statSync(a).size).toBeGreaterThanOrEqual(4 * 2 ** 20);

    // (Booleans: a failure message is not the buffers printed whole.)
    const ahead = readAheadForImport(['--run', 'r1', a, '--json']);
    expect(ahead?.buffer instanceof SharedArrayBuffer).toBe(true);
    expect(readMaybeShared(a, statSync(a).size) === ahead).toBe(true);
    // Taken once: a second read is a read.
    expect(readMaybeShared(a, statSync(a).size) === ahead).toBe(false);

    // Changed since (same size, other bytes, another time): read again as it is now.
    readAheadForImport([a]);
    const changed = gzipSync(Buffer.alloc(data.length, 9), { level: 0 });
    writeFileSync(a, changed);
    utimesSync(a, new Date(), new Date(Date.now() + 5000));
    expect(Buffer.compare(readMaybeShared(a, statSync(a).size), changed)).toBe(0);

    expect(readAheadForImport([a, b])).toBeUndefined();
    expect(readAheadForImport([plain])).toBeUndefined();
    expect(readAheadForImport([join(tmp.dir, 'missing.gz')])).toBeUndefined();
  });
});
