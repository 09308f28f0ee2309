// Answers computed from library blobs (migration 0007: view_cache), by the blob's SHA-256 and
// a canonical request string. Rows are pure functions of the bytes, so they never go stale;
// a deleted blob takes its rows with it (a trigger).

import type Database from 'better-sqlite3';

export class ViewCache {
  private readonly select: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly blobExists: Database.Statement;

  constructor(db: Database.Database) {
    this.select = db.prepare('SELECT result_json FROM view_cache WHERE sha256 = ? AND request = ?');
    this.insert = db.prepare('INSERT OR REPLACE INTO view_cache (sha256, request, result_json, created_at) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM blobs WHERE sha256 = ?)');
    this.blobExists = db.prepare('SELECT 1 FROM blobs WHERE sha256 = ?');
  }

  get<T>(sha256: string, request: string): T | undefined {
    const row = this.select.get(sha256, request) as { result_json: string } | undefined;
    return row ? (JSON.parse(row.result_json) as T) : undefined;
  }

  /** Keeps an answer; ignored when the blob is not (or no longer) in the library. */
  put(sha256: string, request: string, result: unknown): void {
    this.insert.run(sha256, request, JSON.stringify(result), Date.now(), sha256);
  }

  has(sha256: string): boolean {
    return this.blobExists.get(sha256) !== undefined;
  }
}
