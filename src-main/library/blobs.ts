// Content-addressed blob storage: SHA-256 of the original bytes, deflated when that helps,
// returned byte-identical. Files imported as a stream (big perf script and folded text) are
// deflated while they are read and stored in pieces (blob_parts): never one buffer of the file.
// Big files stored as they are (a gzipped profile) are kept in pieces too.

import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';

/**
 * A file deflated as a stream: the deflated bytes wait in a temporary file (so memory does not
 * grow with the file), in pieces of about PART_BYTES that BlobStore.putParts stores. dispose()
 * removes the temporary file, stored or not.
 */
export interface DeflatedParts {
  size: number;
  /** Hex SHA-256 of the file's bytes, taken as they were read. */
  sha256: string;
  /** The temporary file and the length of each piece in it, in order. */
  file: string;
  parts: number[];
  dispose(): void;
}

const PART_BYTES = 256 << 10;
/** deflateFile reads the file in chunks of this size. */
const READ_BYTES = 1 << 20;
/** Bytes stored as they are (gzip files) go in pieces of this size. */
const STORED_PIECE_BYTES = 1 << 20;

/**
 * Deflates a file as it is read and hashes it in the same pass. One chunk at a time: read, hash
 * (on the calling thread), deflate (on a zlib thread), and only then the next chunk, so that the
 * hash and the deflate never run at once: with the profile worker folding the same file
 * meanwhile, this pass takes one core and leaves the fold the other (on two cores, hashing and
 * deflating side by side slowed the fold by half). Level 1: on text of gigabytes the higher
 * levels cost several times the time for a few per cent.
 */
export async function deflateFile(path: string, signal?: AbortSignal): Promise<DeflatedParts> {
  const dir = mkdtempSync(join(tmpdir(), 'gpw-blob-'));
  const file = join(dir, 'deflated');
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });
  const fd = openSync(file, 'w');
  const parts: number[] = [];
  let size = 0;
  const hash = createHash('sha256');
  const deflate = createDeflateRaw({ level: 1, chunkSize: 64 << 10 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    if (pendingBytes === 0) return;
    writeSync(fd, pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes));
    parts.push(pendingBytes);
    pending = [];
    pendingBytes = 0;
  };
  deflate.on('data', (chunk: Buffer) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= PART_BYTES) flush();
  });
  const ended = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  ended.catch(() => undefined);
  let input: FileHandle | undefined;
  try {
    input = await open(path, 'r');
    // A chunk is handed to zlib and not touched again until zlib has consumed it (the write's
    // callback), so one buffer serves every chunk.
    const chunk = Buffer.allocUnsafe(READ_BYTES);
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await input.read(chunk, 0, READ_BYTES, size);
      if (bytesRead === 0) break;
      const read = chunk.subarray(0, bytesRead);
      size += bytesRead;
      hash.update(read);
      await new Promise<void>((resolve, reject) => deflate.write(read, (err) => (err ? reject(err) : resolve())));
    }
    deflate.end();
    await ended;
    flush();
  } catch (err) {
    deflate.destroy();
    closeSync(fd);
    dispose();
    throw err;
  } finally {
    await input?.close();
  }
  closeSync(fd);
  return { size, sha256: hash.digest('hex'), file, parts, dispose };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** gzip, zstd, xz, bzip2 and zip signatures. */
function isCompressed(b: Uint8Array): boolean {
  return (
    (b[0] === 0x1f && b[1] === 0x8b) ||
    (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) ||
    (b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58) ||
    (b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) ||
    (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04)
  );
}

export class BlobStore {
  private readonly has: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly select: Database.Statement;
  private readonly unreferenced: Database.Statement;
  private readonly allUnreferenced: Database.Statement;

  constructor(db: Database.Database) {
    this.has = db.prepare('SELECT 1 FROM blobs WHERE sha256 = ?');
    this.insert = db.prepare('INSERT INTO blobs (sha256, size, compression, data) VALUES (?, ?, ?, ?)');
    this.select = db.prepare('SELECT size, compression, data FROM blobs WHERE sha256 = ?');
    this.unreferenced = db.prepare('DELETE FROM blobs WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM artifacts WHERE blob_sha256 = ?)');
    this.allUnreferenced = db.prepare('DELETE FROM blobs WHERE NOT EXISTS (SELECT 1 FROM artifacts WHERE blob_sha256 = blobs.sha256)');
    this.insertPart = db.prepare('INSERT INTO blob_parts (sha256, seq, data) VALUES (?, ?, ?)');
    this.selectParts = db.prepare('SELECT data FROM blob_parts WHERE sha256 = ? ORDER BY seq');
  }

  private readonly insertPart: Database.Statement;
  private readonly selectParts: Database.Statement;

  /** Stores a file deflated by deflateFile unless already present. Call inside a transaction. */
  putParts(deflated: DeflatedParts, sha256: string): string {
    if (this.has.get(sha256)) return sha256;
    const fd = openSync(deflated.file, 'r');
    try {
      let position = 0;
      deflated.parts.forEach((length, i) => {
        const part = Buffer.allocUnsafe(length);
        for (let got = 0; got < length; ) {
          const n = readSync(fd, part, got, length - got, position + got);
          if (n === 0) throw new Error(`the deflated copy of blob ${sha256} is shorter than written`);
          got += n;
        }
        position += length;
        if (i === 0) this.insert.run(sha256, deflated.size, 'deflate', part);
        else this.insertPart.run(sha256, i, part);
      });
      if (deflated.parts.length === 0) this.insert.run(sha256, deflated.size, 'deflate', Buffer.alloc(0));
    } finally {
      closeSync(fd);
    }
    return sha256;
  }

  /** Stores bytes unless already present; true when they were stored now. Call inside a transaction. */
  put(bytes: Uint8Array, sha256 = sha256Hex(bytes)): boolean {
    if (this.has.get(sha256)) return false;
    // Already-compressed inputs (gzip: .pb.gz) do not shrink again: keep them as they are.
    const deflated = isCompressed(bytes) ? null : deflateRawSync(bytes, { level: 6 });
    if (deflated && deflated.length < bytes.length * 0.95) this.insert.run(sha256, bytes.length, 'deflate', deflated);
    else {
      // Kept as they are, in pieces: SQLite copies each value it is given, and one piece of a
      // big profile at a time is that much less memory than the whole file again.
      const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.insert.run(sha256, bytes.length, 'none', raw.subarray(0, STORED_PIECE_BYTES));
      for (let at = STORED_PIECE_BYTES, seq = 1; at < raw.length; at += STORED_PIECE_BYTES, seq++) this.insertPart.run(sha256, seq, raw.subarray(at, at + STORED_PIECE_BYTES));
    }
    return true;
  }

  get(sha256: string): Uint8Array | null {
    const row = this.select.get(sha256) as { size: number; compression: string; data: Buffer } | undefined;
    if (!row) return null;
    const stored = row.size > row.data.length || row.compression === 'deflate' ? this.withParts(sha256, row.data) : row.data;
    const bytes = row.compression === 'deflate' ? inflateRawSync(stored) : stored;
    if (bytes.length !== row.size) throw new Error(`blob ${sha256} is damaged: ${bytes.length} bytes, expected ${row.size}`);
    return bytes;
  }

  /** A blob's stored bytes (deflated or not): its first piece, and the rest when it was stored in pieces. */
  private withParts(sha256: string, first: Buffer): Buffer {
    const rest = (this.selectParts.all(sha256) as { data: Buffer }[]).map((r) => r.data);
    return rest.length === 0 ? first : Buffer.concat([first, ...rest]);
  }

  /** Deletes the blob if no artifact refers to it any more. */
  release(sha256: string): void {
    this.unreferenced.run(sha256, sha256);
  }

  /** Deletes every blob no artifact refers to (their pieces and cached views go with them); how many. Call inside a transaction. */
  dropUnreferenced(): number {
    return this.allUnreferenced.run().changes;
  }
}
