// An import stores a big profile (1 MiB or more) in the library while the profile worker still
// reads it, in a transaction of its own (engine.ts: importInputs, library.ts: storeBlobAhead), so
// that the write and SQLite's copy of it at the commit do not wait for the read. An import that
// then fails takes that blob out again: the library is as it was, whether the big file itself is
// bad (cut short) or another file of the same call; a blob that was there before stays.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpwError } from '../../src-main/api/errors';
import { Engine } from '../../src-main/engine';
import { repoPath, tempDir } from '../helpers/paths';
import { makeBigProfile } from '../bench/make-big-profile.mjs';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Every row of the tables an import writes, counted and listed. */
function tables(library: string): Record<string, unknown> {
  const db = new Database(library, { readonly: true, fileMustExist: true });
  try {
    const rows = (sql: string): unknown[] => db.prepare(sql).all();
    return {
      blobs: rows('SELECT sha256, size, compression, length(data) AS stored FROM blobs ORDER BY sha256'),
      parts: rows('SELECT sha256, count(*) AS n, sum(length(data)) AS bytes FROM blob_parts GROUP BY sha256 ORDER BY sha256'),
      artifacts: rows('SELECT id, blob_sha256, file_name FROM artifacts ORDER BY id'),
      functions: rows('SELECT artifact_id, count(*) AS n FROM artifact_functions GROUP BY artifact_id ORDER BY artifact_id'),
      views: rows('SELECT sha256, count(*) AS n FROM view_cache GROUP BY sha256 ORDER BY sha256'),
    };
  } finally {
    db.close();
  }
}

async function failure(p: Promise<unknown>): Promise<GpwError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GpwError);
  return err as GpwError;
}

describe('an import stores a big profile while it is read, and takes it out again when the import fails', () => {
  const tmp = tempDir('gpw-store-ahead-');
  const library = join(tmp.dir, 'lib.sqlite');
  let engine: Engine;
  let big: string;
  let bytes: Buffer;
  let cut: string;
  let bad: string;

  beforeAll(async () => {
    big = await makeBigProfile(120_000);
    bytes = readFileSync(big);
    expect(bytes.length).toBeGreaterThanOrEqual(2 ** 20);
    // Cut short past 1 MiB: still a gzipped profile by its head (stored ahead), bad only at its end.
    cut = join(tmp.dir, 'cut.pb.gz');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 4096));
    bad = join(tmp.dir, 'photo.jpg');
    writeFileSync(bad, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]));
    engine = new Engine({ libraryPath: library, workerPath: repoPath('out/main/profile-worker.js') });
  }, 300_000);

  afterAll(async () => {
    await engine?.close();
    tmp.cleanup();
  });

  it('a big file cut short, or a bad file beside a big good one: nothing stays', async () => {
    const empty = tables(library);
    const cutErr = await failure(engine.importPaths([cut]));
    expect(cutErr.message.startsWith('cut.pb.gz: '), cutErr.message).toBe(true);
    expect(tables(library)).toEqual(empty);
    for (const paths of [[big, bad], [bad, big]]) {
      const err = await failure(engine.importPaths(paths));
      expect(err.message).toMatch(/^photo\.jpg: /);
      expect(tables(library), paths.join(' ')).toEqual(empty);
    }
  }, 120_000);

  it('a good import keeps the file byte-identical, once; a later failure leaves the blob that was there', async () => {
    const { artifacts } = await engine.importPaths([big]);
    expect(artifacts).toHaveLength(1);
    expect(artifacts[0].sha256).toBe(sha256(bytes));
    expect(Buffer.compare(Buffer.from(engine.library.blobs.get(artifacts[0].sha256)!), bytes)).toBe(0);
    const after = tables(library) as { blobs: unknown[]; functions: unknown[]; views: unknown[] };
    expect(after.blobs).toHaveLength(1);
    expect(after.functions).toHaveLength(1);
    expect(after.views).toHaveLength(1);

    // The same file again with a bad one: the blob is the first import's and stays.
    const err = await failure(engine.importPaths([big, bad]));
    expect(err.message).toMatch(/^photo\.jpg: /);
    expect(tables(library)).toEqual(after);
    // And once more, good: a second artifact on the one blob.
    await engine.importPaths([big]);
    const twice = tables(library) as { blobs: unknown[]; artifacts: unknown[] };
    expect(twice.blobs).toEqual(after.blobs);
    expect(twice.artifacts).toHaveLength(2);
  }, 120_000);
});
