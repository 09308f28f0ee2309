// Files that are not profiles (or are broken ones) must be refused with a message that names the
// file and says what is wrong, without a crash, and without touching the library — through the
// gpw CLI and through the Engine in-process. Also: one transaction per import call, and
// content-addressed blobs stored once and returned byte-identical.
import { closeSync, openSync, ftruncateSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpwError } from '../../src-main/api/errors';
import { Engine } from '../../src-main/engine';
import { goProfile, repoPath, tempDir } from '../helpers/paths';
import { gpw } from '../helpers/run';

const GiB = 2 ** 30;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

// ---------- the library, read directly ----------

interface DbSnapshot {
  counts: Record<'artifacts' | 'blobs' | 'artifact_labels' | 'runs', number>;
  blobs: { sha256: string; size: number; compression: string; stored: number }[];
  artifacts: Record<string, unknown>[];
  labels: Record<string, unknown>[];
  runs: Record<string, unknown>[];
}

/** Every row that matters, read with a separate read-only connection to the SQLite file. */
function dbSnapshot(library: string): DbSnapshot {
  const db = new Database(library, { readonly: true, fileMustExist: true });
  try {
    const count = (t: string): number => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return {
      counts: { artifacts: count('artifacts'), blobs: count('blobs'), artifact_labels: count('artifact_labels'), runs: count('runs') },
      blobs: db.prepare('SELECT sha256, size, compression, length(data) AS stored FROM blobs ORDER BY sha256').all() as DbSnapshot['blobs'],
      artifacts: db.prepare('SELECT * FROM artifacts ORDER BY id').all() as Record<string, unknown>[],
      labels: db.prepare('SELECT * FROM artifact_labels ORDER BY artifact_id, key').all() as Record<string, unknown>[],
      runs: db.prepare('SELECT * FROM runs ORDER BY id').all() as Record<string, unknown>[],
    };
  } finally {
    db.close();
  }
}

function blobRow(library: string, sha: string): { size: number; compression: string; data: Buffer } {
  const db = new Database(library, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT size, compression, data FROM blobs WHERE sha256 = ?').get(sha) as { size: number; compression: string; data: Buffer } | undefined;
    if (!row) throw new Error(`no blob ${sha}`);
    return row;
  } finally {
    db.close();
  }
}

const storedBytes = (row: { compression: string; data: Buffer }): Buffer => (row.compression === 'deflate' ? inflateRawSync(row.data) : row.data);

async function cliList(library: string): Promise<unknown[]> {
  const r = await gpw(library, 'list', '--json');
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { artifacts: unknown[] }).artifacts;
}

/** gpw list --json plus the tables: what "the library is unchanged" compares. */
async function librarySnapshot(library: string): Promise<{ list: unknown[]; db: DbSnapshot }> {
  return { list: await cliList(library), db: dbSnapshot(library) };
}

// ---------- the bad files ----------

interface Field {
  start: number;
  wireType: number;
  payloadStart: number;
  end: number;
}

/** The top-level fields of a protobuf message (enough wire format to find boundaries). */
function topLevelFields(buf: Uint8Array): Field[] {
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  const fields: Field[] = [];
  while (pos < buf.length) {
    const start = pos;
    const tag = varint();
    const wireType = tag & 7;
    let payloadStart = pos;
    if (wireType === 0) varint();
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      const len = varint();
      payloadStart = pos;
      pos += len;
    } else throw new Error(`unexpected wire type ${wireType} in a real profile`);
    fields.push({ start, wireType, payloadStart, end: pos });
  }
  return fields;
}

interface BadCase {
  /** File name (the message must start with it). */
  name: string;
  bytes?: Buffer;
  /** What the message must say. */
  says: RegExp;
  code: 'bad_input' | 'too_large';
}

/** Builds the bad inputs from the real Go-made profiles. */
function badCases(): BadCase[] {
  const gz = readFileSync(goProfile('cpu'));
  const raw = gunzipSync(gz);
  const fields = topLevelFields(raw);

  // Corrupt: overwrite the tag of the first top-level field past the middle with 0xff bytes
  // (an over-long varint whose wire type is 7: no valid protobuf has that).
  const flipped = Buffer.from(raw);
  const mid = fields.find((f) => f.start >= raw.length / 2)!;
  flipped.fill(0xff, mid.start, Math.min(raw.length, mid.start + 16));

  // Truncated: cut the raw protobuf in the middle of a length-delimited field's payload.
  const lenField = fields.find((f) => f.wireType === 2 && f.end - f.payloadStart >= 4 && f.end > raw.length / 2)!;
  const cut = raw.subarray(0, lenField.payloadStart + Math.floor((lenField.end - lenField.payloadStart) / 2));

  // A JPEG: SOI, APP0 "JFIF", a quantisation table marker and some bytes.
  const jpeg = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x48, 0x00, 0x48, 0x00, 0x00]),
    Buffer.from([0xff, 0xdb, 0x00, 0x43, 0x00]),
    Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff)),
    Buffer.from([0xff, 0xd9]),
  ]);

  // Text: what `go tool pprof -top` prints, a likely thing to save and import by mistake.
  const text = Buffer.from(
    'File: profgen\nType: cpu\nTime: 2025-01-02 03:04:05 UTC\nDuration: 1.20s, Total samples = 1.10s (91.67%)\n' +
      'Showing nodes accounting for 1.10s, 100% of 1.10s total\n      flat  flat%   sum%        cum   cum%\n' +
      '     0.60s 54.55% 54.55%      0.60s 54.55%  main.burn\n'.repeat(20),
  );

  return [
    { name: 'empty.pb.gz', bytes: Buffer.alloc(0), says: /empty/i, code: 'bad_input' },
    { name: 'half.pb.gz', bytes: gz.subarray(0, Math.floor(gz.length / 2)), says: /truncated/i, code: 'bad_input' },
    { name: 'flipped.pb', bytes: flipped, says: /corrupt/i, code: 'bad_input' },
    { name: 'cut.pb', bytes: Buffer.from(cut), says: /corrupt|truncated/i, code: 'bad_input' },
    { name: 'photo.jpg', bytes: jpeg, says: /JPEG/, code: 'bad_input' },
    { name: 'top.txt', bytes: text, says: /text/i, code: 'bad_input' },
  ];
}

/** A 2 GiB file that takes no disk space; removed by the returned function. */
function sparseFile(path: string, size = 2 * GiB): () => void {
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
  expect(statSync(path).size).toBe(size);
  return () => rmSync(path, { force: true });
}

/** A text profile (the legacy debug=1 heap format) — starts with "h", a protobuf-looking byte. */
const LEGACY_HEAP_TEXT = Buffer.from(
  'heap profile: 3: 4096 [10: 40960] @ heap/1048576\n1: 2048 [5: 20480] @ 0x4a1b2c 0x4a1d3e 0x43f0a1\n' +
    '#\t0x4a1b2b\tmain.alloc+0x2b\t/src/main.go:12\n'.repeat(10),
);

function expectCleanFailure(r: { code: number; stdout: string; stderr: string }, name: string, says: RegExp): void {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stdout).toBe('');
  const err = r.stderr.trim();
  expect(err.split('\n'), r.stderr).toHaveLength(1); // one line: no stack trace
  expect(err.startsWith(`gpw: ${name}: `), r.stderr).toBe(true);
  expect(err).toMatch(says);
  expect(err).not.toMatch(/internal error/i);
  expect(err).not.toMatch(/\bat .*\.(js|ts):\d+/);
}

async function rejection(p: Promise<unknown>): Promise<GpwError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (err === null) throw new Error('expected the import to be refused, but it succeeded');
  expect(err).toBeInstanceOf(GpwError);
  return err as GpwError;
}

// ---------- the CLI ----------

describe('gpw import refuses bad files and leaves the library unchanged', () => {
  let tmp: { dir: string; cleanup: () => void };
  let library: string;
  let cases: BadCase[];
  let before: Awaited<ReturnType<typeof librarySnapshot>>;
  const file = (name: string): string => join(tmp.dir, name);

  beforeAll(async () => {
    tmp = tempDir('gpw-bad-cli-');
    library = join(tmp.dir, 'library.sqlite');
    cases = badCases();
    for (const c of cases) writeFileSync(file(c.name), c.bytes!);
    writeFileSync(file('heap-debug1.txt'), LEGACY_HEAP_TEXT);
    const good = await gpw(library, 'import', goProfile('cpu'), '--label', 'env=good', '--run', 'baseline', '--json');
    expect(good.code, good.stderr).toBe(0);
    before = await librarySnapshot(library);
    expect(before.db.counts).toEqual({ artifacts: 1, blobs: 1, artifact_labels: 1, runs: 1 });
    expect(before.list).toHaveLength(1);
  });

  afterAll(() => tmp?.cleanup());

  it.each(['empty.pb.gz', 'half.pb.gz', 'flipped.pb', 'cut.pb', 'photo.jpg', 'top.txt'])('%s', async (name) => {
    const c = cases.find((x) => x.name === name)!;
    const r = await gpw(library, 'import', file(name), '--json');
    expectCleanFailure(r, name, c.says);
    expect(await librarySnapshot(library)).toEqual(before);
  });

  it('a 2 GiB (sparse) file: too large, said in GiB, without reading it', async () => {
    const path = file('huge.pb.gz');
    const remove = sparseFile(path);
    try {
      const t0 = Date.now();
      const r = await gpw(library, 'import', path, '--json');
      expectCleanFailure(r, 'huge.pb.gz', /2(\.0)? GiB/);
      expect(r.stderr).toMatch(/512(\.0)? MiB/);
      expect(Date.now() - t0).toBeLessThan(45_000); // a CLI start and a stat: seconds, more on a loaded machine
      expect(await librarySnapshot(library)).toEqual(before);
    } finally {
      remove();
    }
  });

  it('a missing file: named, not found', async () => {
    const r = await gpw(library, 'import', file('no-such.pb.gz'), '--json');
    expectCleanFailure(r, file('no-such.pb.gz'), /no such file/);
    expect(await librarySnapshot(library)).toEqual(before);
  });

  it('a text file that starts with a protobuf-looking byte: refused cleanly', async () => {
    const r = await gpw(library, 'import', file('heap-debug1.txt'), '--json');
    expectCleanFailure(r, 'heap-debug1.txt', /./);
    expect(await librarySnapshot(library)).toEqual(before);
  });

  // 'h' (0x68) is also the protobuf tag of field 13: text must be recognised before the tag check.
  it('a text heap profile (debug=1) is called a text file', async () => {
    const r = await gpw(library, 'import', file('heap-debug1.txt'), '--json');
    expect(r.stderr).toMatch(/text/i);
  });

  it('a good and a bad file in one call add nothing (one transaction), in either order', async () => {
    const good = goProfile('heap');
    for (const name of ['empty.pb.gz', 'half.pb.gz', 'flipped.pb', 'photo.jpg', 'top.txt']) {
      for (const args of [[good, file(name)], [file(name), good]]) {
        const r = await gpw(library, 'import', ...args, '--json');
        expectCleanFailure(r, name, cases.find((c) => c.name === name)!.says);
        expect(await librarySnapshot(library), args.join(' ')).toEqual(before);
      }
    }
    // Two good files and a bad one last: the two good ones are not added either.
    const r = await gpw(library, 'import', good, goProfile('allocs'), file('cut.pb'), '--json');
    expectCleanFailure(r, 'cut.pb', /corrupt|truncated/i);
    expect(await librarySnapshot(library)).toEqual(before);
  });

  it('a good file with a 2 GiB one in one call adds nothing', async () => {
    const path = file('huge2.pb.gz');
    const remove = sparseFile(path);
    try {
      const r = await gpw(library, 'import', goProfile('heap'), path, '--json');
      expectCleanFailure(r, 'huge2.pb.gz', /GiB/);
      expect(await librarySnapshot(library)).toEqual(before);
    } finally {
      remove();
    }
  });
});

// ---------- the Engine, in-process ----------

describe('Engine.importFile refuses bad bytes with a GpwError and leaves the library unchanged', () => {
  let tmp: { dir: string; cleanup: () => void };
  let library: string;
  let engine: Engine;
  let cases: BadCase[];
  let before: { list: unknown[]; db: DbSnapshot };
  const snapshot = async (): Promise<{ list: unknown[]; db: DbSnapshot }> => ({ list: await engine.listArtifacts({}), db: dbSnapshot(library) });

  beforeAll(async () => {
    tmp = tempDir('gpw-bad-engine-');
    library = join(tmp.dir, 'library.sqlite');
    engine = new Engine({ libraryPath: library, workerPath: repoPath('out/main/profile-worker.js') });
    cases = badCases();
    await engine.importFile({ name: 'cpu.pb.gz', bytes: readFileSync(goProfile('cpu')), labels: { env: 'good' }, run: 'baseline' });
    before = await snapshot();
    expect(before.db.counts).toEqual({ artifacts: 1, blobs: 1, artifact_labels: 1, runs: 1 });
    // The CLI sees the same library.
    expect(await cliList(library)).toEqual(before.list);
  });

  afterAll(async () => {
    await engine?.close();
    tmp?.cleanup();
  });

  it.each(['empty.pb.gz', 'half.pb.gz', 'flipped.pb', 'cut.pb', 'photo.jpg', 'top.txt'])('%s', async (name) => {
    const c = cases.find((x) => x.name === name)!;
    const err = await rejection(engine.importFile({ name, bytes: c.bytes! }));
    expect(err.code).toBe(c.code);
    expect(err.message.startsWith(`${name}: `), err.message).toBe(true);
    expect(err.message).toMatch(c.says);
    expect(err.message).not.toMatch(/internal error/i);
    expect(await snapshot()).toEqual(before);
  });

  it('the same files through importPaths (the CLI route)', async () => {
    for (const c of cases) {
      const path = join(tmp.dir, c.name);
      writeFileSync(path, c.bytes!);
      const err = await rejection(engine.importPaths([path]));
      expect(err.code, c.name).toBe(c.code);
      expect(err.message.startsWith(`${c.name}: `), err.message).toBe(true);
      expect(err.message).toMatch(c.says);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a 2 GiB (sparse) file: too_large, said in GiB', async () => {
    const path = join(tmp.dir, 'huge.pb.gz');
    const remove = sparseFile(path);
    try {
      if (process.platform !== 'win32') expect(statSync(path).blocks * 512).toBeLessThan(1 << 20); // really sparse
      const err = await rejection(engine.importPaths([path]));
      expect(err.code).toBe('too_large');
      expect(err.message).toMatch(/^huge\.pb\.gz: .*2(\.0)? GiB.*512(\.0)? MiB/);
      expect(await snapshot()).toEqual(before);
    } finally {
      remove();
    }
  });

  it('a good and a bad file in one importPaths call add nothing', async () => {
    const bad = join(tmp.dir, 'photo.jpg');
    writeFileSync(bad, cases.find((c) => c.name === 'photo.jpg')!.bytes!);
    for (const paths of [[goProfile('heap'), bad], [bad, goProfile('heap')], [goProfile('heap'), goProfile('allocs'), bad]]) {
      const err = await rejection(engine.importPaths(paths));
      expect(err.message).toMatch(/^photo\.jpg: .*JPEG/);
      expect(await snapshot()).toEqual(before);
    }
  });

  it('big files, whose blobs are stored while the worker reads them, add nothing either', async () => {
    // A real profile with an unknown top-level field (15) of 6 MiB of random bytes: a good profile over 4 MiB gzipped.
    const pad = 6 * 2 ** 20;
    const data = Buffer.concat([gunzipSync(readFileSync(goProfile('heap'))), Buffer.from([(15 << 3) | 2, 0x80, 0x80, 0x80, 0x03]), randomBytes(pad)]);
    const good = join(tmp.dir, 'big.pb.gz');
    const cut = join(tmp.dir, 'big-cut.pb.gz');
    writeFileSync(good, gzipSync(data));
    writeFileSync(cut, readFileSync(good).subarray(0, 5 * 2 ** 20));
    expect(statSync(cut).size).toBeGreaterThanOrEqual(4 * 2 ** 20);
    const bad = join(tmp.dir, 'photo.jpg');
    writeFileSync(bad, cases.find((c) => c.name === 'photo.jpg')!.bytes!);
    for (const [paths, says] of [[[cut], /^big-cut\.pb\.gz: .*truncated/i], [[good, bad], /^photo\.jpg: .*JPEG/], [[good, cut], /^big-cut\.pb\.gz: /]] as const) {
      const err = await rejection(engine.importPaths([...paths]));
      expect(err.message).toMatch(says);
      expect(await snapshot(), paths.join(' ')).toEqual(before);
    }
    // And alone it imports, its blob the file's bytes.
    const r = await engine.importPaths([good]);
    expect(blobRow(library, r.artifacts[0].sha256).size).toBe(statSync(good).size);
    await engine.deleteArtifact({ id: r.artifacts[0].id });
    expect(await snapshot()).toEqual(before);
  });

  it('the engine still works after all that', async () => {
    const r = await engine.importFile({ name: 'heap.pb.gz', bytes: readFileSync(goProfile('heap')) });
    expect(r.artifacts).toHaveLength(1);
    expect(dbSnapshot(library).counts.artifacts).toBe(2);
    await engine.deleteArtifact({ id: r.artifacts[0].id });
    expect(await snapshot()).toEqual(before);
  });
});

// ---------- blobs: stored once, returned byte-identical ----------

describe('content-addressed blobs', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeAll(() => {
    tmp = tempDir('gpw-blobs-');
  });
  afterAll(() => tmp?.cleanup());

  it('CLI: the same bytes imported twice make one blob, returned byte-identical', async () => {
    const library = join(tmp.dir, 'cli.sqlite');
    const path = goProfile('cpu');
    const bytes = readFileSync(path);
    const sha = sha256(bytes);

    const first = await gpw(library, 'import', path, '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(dbSnapshot(library).counts).toMatchObject({ artifacts: 1, blobs: 1 });
    const second = await gpw(library, 'import', path, '--json');
    expect(second.code, second.stderr).toBe(0);
    const both = await gpw(library, 'import', path, path, '--json'); // twice in one call too
    expect(both.code, both.stderr).toBe(0);

    const snap = dbSnapshot(library);
    expect(snap.counts).toMatchObject({ artifacts: 4, blobs: 1 });
    expect(snap.blobs.map((b) => b.sha256)).toEqual([sha]);
    expect(snap.blobs[0].size).toBe(bytes.length);
    expect(new Set(snap.artifacts.map((a) => a.blob_sha256))).toEqual(new Set([sha]));
    const list = (await cliList(library)) as { sha256: string; size: number }[];
    expect(list).toHaveLength(4);
    for (const a of list) expect(a).toMatchObject({ sha256: sha, size: bytes.length });

    const row = blobRow(library, sha);
    expect(storedBytes(row).equals(bytes)).toBe(true);
  });

  it('Engine: the same bytes under two names make one blob; blobs.get returns them byte-identical (stored as-is and deflated)', async () => {
    const library = join(tmp.dir, 'engine.sqlite');
    const engine = new Engine({ libraryPath: library, workerPath: repoPath('out/main/profile-worker.js') });
    try {
      const gz = readFileSync(goProfile('heap'));
      const raw = gunzipSync(gz); // compresses well: stored deflated

      const a = await engine.importFile({ name: 'heap.pb.gz', bytes: gz });
      expect(dbSnapshot(library).counts.blobs).toBe(1);
      const b = await engine.importFile({ name: 'heap-again.pb.gz', bytes: Buffer.from(gz) });
      expect(dbSnapshot(library).counts).toMatchObject({ artifacts: 2, blobs: 1 });
      expect(a.artifacts[0].sha256).toBe(sha256(gz));
      expect(b.artifacts[0].sha256).toBe(a.artifacts[0].sha256);
      expect(b.artifacts[0].id).not.toBe(a.artifacts[0].id);

      const r1 = await engine.importFile({ name: 'heap.pb', bytes: raw });
      const r2 = await engine.importFile({ name: 'heap-copy.pb', bytes: new Uint8Array(raw) });
      expect(r2.artifacts[0].sha256).toBe(r1.artifacts[0].sha256);
      const snap = dbSnapshot(library);
      expect(snap.counts).toMatchObject({ artifacts: 4, blobs: 2 });
      expect(snap.blobs.map((x) => x.sha256)).toEqual([sha256(gz), sha256(raw)].sort());

      for (const original of [gz, raw]) {
        const sha = sha256(original);
        const got = engine.library.blobs.get(sha)!;
        expect(got).not.toBeNull();
        expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(original)).toBe(true);
        expect(sha256(got)).toBe(sha);
        const row = blobRow(library, sha);
        expect(row.size).toBe(original.length);
        expect(storedBytes(row).equals(original)).toBe(true);
      }
      expect(blobRow(library, sha256(raw)).compression).toBe('deflate');
      expect(blobRow(library, sha256(gz)).compression).toBe('none');

      // Deleting one of two artifacts sharing a blob keeps the blob; deleting the last removes it.
      await engine.deleteArtifact({ id: a.artifacts[0].id });
      expect(dbSnapshot(library).counts).toMatchObject({ artifacts: 3, blobs: 2 });
      await engine.deleteArtifact({ id: b.artifacts[0].id });
      expect(dbSnapshot(library).counts).toMatchObject({ artifacts: 2, blobs: 1 });
    } finally {
      await engine.close();
    }
  });
});
