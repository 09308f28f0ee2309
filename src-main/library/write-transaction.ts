// Write transactions that share one library between processes (the app, gpw serve, schedules,
// CLI imports). A transaction that reads before it writes (BEGIN DEFERRED) cannot wait for
// another writer: SQLite answers "database is locked" at once, since waiting could deadlock.
// BEGIN IMMEDIATE takes the write lock first, so the busy timeout applies; when even that runs
// out (another process writes a very large import), the whole transaction is tried again.

import type Database from 'better-sqlite3';
import { GpwError } from '../api/errors.js';

/** How long a write waits for other writers in all, over its tries. */
export const WRITE_WAIT_MS = 120_000;
const RETRY_PAUSE_MS = 50;

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_BUSY_RECOVERY';
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `fn` in a BEGIN IMMEDIATE transaction (a savepoint when already inside one), retrying
 * while another process holds the write lock, up to WRITE_WAIT_MS; then a GpwError saying so.
 */
export function writeTransaction<T>(db: Database.Database, fn: () => T, waitMs = WRITE_WAIT_MS): T {
  const tx = db.transaction(fn);
  if (db.inTransaction) return tx();
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return tx.immediate();
    } catch (err) {
      if (!isBusy(err) || db.inTransaction) throw err;
      if (Date.now() >= deadline) {
        throw new GpwError('unavailable', `the library ${db.name} stayed locked by another gpw process for ${(waitMs / 1000).toFixed(waitMs < 10_000 ? 1 : 0)} s (${attempt} tries); try again when it has finished`);
      }
      pause(Math.min(RETRY_PAUSE_MS * attempt, 1000));
    }
  }
}
