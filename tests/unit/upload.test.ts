// Uploads in pieces (api/upload-contract.ts, services/upload-service.ts) through the contract's
// dispatch, as gpw serve and the app call them: a perf script sent in pieces is imported as a
// stream and stored as the file (its SHA-256, its folded stacks as gpw import's); pieces out of
// order, past the announced size or a finish before the last piece are refused with a message
// naming the file and nothing is stored; a bad file fails its job naming the file; a cancel
// deletes the pieces; without a native dialog importChosenFiles says so, and with one (the
// Electron main process's, given to the engine as a function) the chosen paths are imported
// from where they are; libraryInfo's importDialog says which of the two the engine has.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/api/contract';
import type { LibraryInfo } from '../../src-main/api/types';
import type { UploadStatus } from '../../src-main/api/upload-types';
import { Engine } from '../../src-main/engine';
import { FIXTURES, repoPath, tempDir } from '../helpers/paths';

const PERF = join(FIXTURES, 'perf/flamegraph-tests/perf-vertx-stacks-01.txt');
const PIECE = 100_000;

let tmp: ReturnType<typeof tempDir>;
let engine: Engine;
let chosen: string[] | null = null;

async function call<T>(method: string, args: unknown): Promise<T> {
  const r = await dispatch(engine, method, args);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function settled(s: UploadStatus): Promise<UploadStatus> {
  for (let i = 0; i < 6000 && (s.state === 'importing' || s.state === 'receiving'); i++) {
    await new Promise((r) => setTimeout(r, 20));
    s = await call<UploadStatus>('uploadStatus', { uploadId: s.uploadId });
  }
  return s;
}

// The engine's temporary files go to a folder of this test's own (TMPDIR), so that the pieces'
// folders counted are this test's, whatever other tests run meanwhile.
const uploadDirs = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith('gpw-upload-'));
let savedTmp: string | undefined;

describe('uploads in pieces', () => {
  beforeAll(() => {
    tmp = tempDir('gpw-upload-test-');
    savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = join(tmp.dir, 'tmp');
    mkdirSync(process.env.TMPDIR);
    engine = new Engine({ libraryPath: join(tmp.dir, 'lib.sqlite'), workerPath: repoPath('out/main/profile-worker.js'), chooseImportFiles: async () => chosen });
  });
  afterAll(async () => {
    await engine.close();
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    tmp.cleanup();
  });

  it('imports a perf script sent in pieces as the file itself', async () => {
    const bytes = readFileSync(PERF);
    let s = await call<UploadStatus>('uploadStart', { name: 'vertx.perf.txt', size: bytes.length, labels: { env: 'test' }, run: 'uploads' });
    expect(s.state).toBe('receiving');
    for (let off = 0; off < bytes.length; off += PIECE) {
      s = await call<UploadStatus>('uploadChunk', { uploadId: s.uploadId, offset: off, bytes: bytes.subarray(off, off + PIECE) });
      expect(s.received).toBe(Math.min(bytes.length, off + PIECE));
    }
    s = await settled(await call<UploadStatus>('uploadFinish', { uploadId: s.uploadId }));
    expect(s.error).toBeUndefined();
    expect(s.state).toBe('done');
    expect(s.imported).toBe(bytes.length);
    expect(s.artifacts).toHaveLength(1);
    const a = s.artifacts[0];
    expect(a.kind).toBe('perf');
    expect(a.file).toBe('vertx.perf.txt');
    expect(a.labels).toMatchObject({ env: 'test' });
    expect(a.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    // The same folded stacks as the file itself gives.
    const fromUpload = await engine.exportView({ id: a.id, format: 'collapsed' });
    const fromFile = await engine.exportTargets(PERF, { format: 'collapsed' });
    expect(Buffer.from(fromUpload.bytes).toString()).toBe(Buffer.from(fromFile.bytes).toString());
    expect(uploadDirs().length).toBe(0);
  });

  it('refuses pieces out of order, past the size, and an early finish, naming the file', async () => {
    const before = (await engine.listArtifacts({})).length;
    const s = await call<UploadStatus>('uploadStart', { name: 'dir/part.perf.txt', size: 10, labels: undefined });
    expect(s.name).toBe('part.perf.txt');
    await expect(call('uploadChunk', { uploadId: s.uploadId, offset: 3, bytes: new Uint8Array(3) })).rejects.toThrow(/part\.perf\.txt: piece at byte 3, expected byte 0/);
    await call('uploadChunk', { uploadId: s.uploadId, offset: 0, bytes: new Uint8Array(4) });
    await expect(call('uploadChunk', { uploadId: s.uploadId, offset: 4, bytes: new Uint8Array(7) })).rejects.toThrow(/past the announced size of 10 bytes/);
    await expect(call('uploadFinish', { uploadId: s.uploadId })).rejects.toThrow(/part\.perf\.txt: 4 of 10 bytes received/);
    const cancelled = await call<UploadStatus>('uploadCancel', { uploadId: s.uploadId });
    expect(cancelled.state).toBe('cancelled');
    expect(uploadDirs().length).toBe(0);
    await expect(call('uploadChunk', { uploadId: s.uploadId, offset: 4, bytes: new Uint8Array(1) })).rejects.toThrow(/the upload is cancelled/);
    await expect(call('uploadStatus', { uploadId: 'nosuchupload' })).rejects.toThrow(/not_found/);
    // Schema bounds: a piece over 8 MiB, a size over 64 GiB.
    await expect(call('uploadChunk', { uploadId: s.uploadId, offset: 0, bytes: new Uint8Array((8 << 20) + 1) })).rejects.toThrow(/too_large/);
    await expect(call('uploadStart', { name: 'x', size: 2 ** 37 })).rejects.toThrow(/invalid_argument/);
    expect((await engine.listArtifacts({})).length).toBe(before);
  });

  it('fails the job of a file that is not a known format, naming it, and stores nothing', async () => {
    const before = (await engine.listArtifacts({})).length;
    const bytes = new Uint8Array(5000).fill(0x01);
    let s = await call<UploadStatus>('uploadStart', { name: 'junk.bin', size: bytes.length });
    s = await call<UploadStatus>('uploadChunk', { uploadId: s.uploadId, offset: 0, bytes });
    s = await settled(await call<UploadStatus>('uploadFinish', { uploadId: s.uploadId }));
    expect(s.state).toBe('failed');
    expect(s.error).toMatch(/^junk\.bin: /);
    expect((await engine.listArtifacts({})).length).toBe(before);
    expect(uploadDirs().length).toBe(0);
  });

  it('imports the native dialog’s files from their paths; none when cancelled', async () => {
    // The page asks for the dialog (Import files…) because the engine says it has one.
    expect(await call<LibraryInfo>('libraryInfo', {})).toMatchObject({ importDialog: true });
    chosen = null;
    expect(await call('importChosenFiles', {})).toEqual({ dialog: true, uploads: [] });
    chosen = [join(FIXTURES, 'perf/speedscope-simple.linux-perf.txt')];
    const r = await call<{ dialog: boolean; uploads: UploadStatus[] }>('importChosenFiles', { run: 'chosen' });
    expect(r.dialog).toBe(true);
    expect(r.uploads).toHaveLength(1);
    const s = await settled(r.uploads[0]);
    expect(s.state).toBe('done');
    expect(s.artifacts[0].file).toBe('speedscope-simple.linux-perf.txt');
    expect(s.artifacts[0].source).toBe(chosen[0]);
  });

  it('says there is no native dialog where there is none (gpw serve)', async () => {
    const other = new Engine({ libraryPath: ':memory:', workerPath: repoPath('out/main/profile-worker.js') });
    try {
      const r = await dispatch(other, 'importChosenFiles', {});
      expect(r).toEqual({ ok: true, value: { dialog: false, uploads: [] } });
      // So the page opens its file picker instead.
      expect(await dispatch(other, 'libraryInfo', {})).toMatchObject({ ok: true, value: { importDialog: false } });
    } finally {
      await other.close();
    }
  });
});
