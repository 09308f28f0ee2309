// Content-addressed blob storage: SHA-256 of the original bytes, deflated when that helps,
// returned byte-identical. Files imported as a stream (big perf script and folded text) are
// deflated while they are read and stored in pieces (blob_parts): never one buffer of the file.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createDeflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';

/** A file deflated as a stream, in pieces of about PART_BYTES: what BlobStore.putParts stores. */
export interface DeflatedParts {
  size: number;
  parts: Buffer[];
}

const PART_BYTES = 1 << 20;

/**
 * Deflates a file as it is read (zlib works on its own threads meanwhile). Level 1: on text of
 * gigabytes the higher levels cost several times the time for a few per cent.
 */
export async function deflateFile(path: string, signal?: AbortSignal): Promise<DeflatedParts> {
  const parts: Buffer[] = [];
  let size = 0;
  const input = createReadStream(path, { highWaterMark: 1 << 20, signal });
  input.on('data', (chunk) => (size += chunk.length));
  const deflate = createDeflateRaw({ level: 1, chunkSize: PART_BYTES });
  input.pipe(deflate);
  input.on('error', (err) => deflate.destroy(err));
  for await (const chunk of deflate) parts.push(chunk as Buffer);
  return { size, parts };
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

  constructor(db: Database.Database) {
    this.has = db.prepare('SELECT 1 FROM blobs WHERE sha256 = ?');
    this.insert = db.prepare('INSERT INTO blobs (sha256, size, compression, data) VALUES (?, ?, ?, ?)');
    this.select = db.prepare('SELECT size, compression, data FROM blobs WHERE sha256 = ?');
    this.unreferenced = db.prepare('DELETE FROM blobs WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM artifacts WHERE blob_sha256 = ?)');
    this.insertPart = db.prepare('INSERT INTO blob_parts (sha256, seq, data) VALUES (?, ?, ?)');
    this.selectParts = db.prepare('SELECT data FROM blob_parts WHERE sha256 = ? ORDER BY seq');
  }

  private readonly insertPart: Database.Statement;
  private readonly selectParts: Database.Statement;

  /** Stores a file deflated by deflateFile unless already present. Call inside a transaction. */
  putParts(deflated: DeflatedParts, sha256: string): string {
    if (this.has.get(sha256)) return sha256;
    const [first, ...rest] = deflated.parts;
    this.insert.run(sha256, deflated.size, 'deflate', first ?? Buffer.alloc(0));
    rest.forEach((part, i) => this.insertPart.run(sha256, i + 1, part));
    return sha256;
  }

  /** Stores bytes unless already present; returns their address. Call inside a transaction. */
  put(bytes: Uint8Array, sha256 = sha256Hex(bytes)): string {
    if (this.has.get(sha256)) return sha256;
    // Already-compressed inputs (gzip: .pb.gz) do not shrink again: keep them as they are.
    const deflated = isCompressed(bytes) ? null : deflateRawSync(bytes, { level: 6 });
    if (deflated && deflated.length < bytes.length * 0.95) this.insert.run(sha256, bytes.length, 'deflate', deflated);
    else this.insert.run(sha256, bytes.length, 'none', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return sha256;
  }

  get(sha256: string): Uint8Array | null {
    const row = this.select.get(sha256) as { size: number; compression: string; data: Buffer } | undefined;
    if (!row) return null;
    const bytes = row.compression === 'deflate' ? inflateRawSync(this.withParts(sha256, row.data)) : row.data;
    if (bytes.length !== row.size) throw new Error(`blob ${sha256} is damaged: ${bytes.length} bytes, expected ${row.size}`);
    return bytes;
  }

  /** A blob's deflate stream: its first piece, and the rest when it was stored in pieces. */
  private withParts(sha256: string, first: Buffer): Buffer {
    const rest = (this.selectParts.all(sha256) as { data: Buffer }[]).map((r) => r.data);
    return rest.length === 0 ? first : Buffer.concat([first, ...rest]);
  }

  /** Deletes the blob if no artifact refers to it any more. */
  release(sha256: string): void {
    this.unreferenced.run(sha256, sha256);
  }
}
