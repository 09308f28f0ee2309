// What opening a library trace needs, kept by the trace's SHA-256 (migration 0011: trace_views):
// binary frames (api/wire.ts) of answers that are pure functions of the trace's bytes, so
// opening the trace again, in this process or the next, does not parse it. A row of another
// format version is not returned (it is made again); a deleted blob takes its rows with it.
// Frames are stored deflated (level 1): a 2 M-event trace's timeline is 36 MB as a frame, 6 MB
// deflated (about twice its trace's own deflated blob), inflated in about 0.1 s. A row is its
// frame's length (u32, little-endian) then the deflated frame, so the frame is inflated into one
// buffer of its size (zlib's chunks joined would hold it twice for a moment).

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';

export class TraceViewStore {
  private readonly select: Database.Statement;
  private readonly insert: Database.Statement;

  constructor(db: Database.Database) {
    this.select = db.prepare('SELECT data FROM trace_views WHERE sha256 = ? AND view = ? AND format = ?');
    this.insert = db.prepare(
      'INSERT OR REPLACE INTO trace_views (sha256, view, format, data, created_at) SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM blobs WHERE sha256 = ?)',
    );
  }

  get(sha256: string, view: string, format: number): Uint8Array | undefined {
    const row = this.select.get(sha256, view, format) as { data: Uint8Array } | undefined;
    if (!row || row.data.byteLength < 4) return undefined;
    const size = new DataView(row.data.buffer, row.data.byteOffset, 4).getUint32(0, true);
    // Room for the whole frame and a little more: zlib would start a second chunk when the first is exactly full.
    const frame = inflateRawSync(row.data.subarray(4), { chunkSize: size + 64 });
    return frame.byteLength === size ? frame : undefined;
  }

  /** Keeps a frame; ignored when the blob is not (or no longer) in the library. */
  put(sha256: string, view: string, format: number, data: Uint8Array): void {
    if (data.byteLength > 0xffffffff) return; // not kept: made again when asked
    const deflated = deflateRawSync(data, { level: 1 });
    const row = new Uint8Array(4 + deflated.byteLength);
    new DataView(row.buffer).setUint32(0, data.byteLength, true);
    row.set(deflated, 4);
    this.insert.run(sha256, view, format, row, Date.now(), sha256);
  }
}
