// SQLite's checkpoint (the write-ahead log copied into the library file) put off until the
// library is idle, for the app and gpw serve. With its default, SQLite checkpoints inside the
// commit that takes the log past 1,000 pages: a big import's blob (18 MiB for the bench's
// profile) is written twice on the engine's thread, ~60 ms for the commit and ~80 ms for the
// checkpoint, while the profile worker and its helper decode the file on the same two cores.
// Here the connection checkpoints itself (PASSIVE: never waiting for readers) once this
// connection has written nothing for `idleMs` (3 s: the views a user opens after an import write
// their cache, so the checkpoint's ~80 ms on the engine's thread comes after the user's
// back-to-back steps, not inside one a second later), or `maxOwedMs` (a minute) after its first
// write since the last checkpoint if it keeps writing. Readers read the log meanwhile as they always do; a crash
// loses nothing (the log is the committed data); other processes' connections checkpoint their
// own writes as before; closing the last connection checkpoints what is left.

import type Database from 'better-sqlite3';

export interface IdleCheckpointOptions {
  /** How often the connection's writes are looked at (ms). */
  tickMs?: number;
  /** Checkpoint once nothing was written for this long (ms). */
  idleMs?: number;
  /** And at the latest this long after the first write it owes (ms). */
  maxOwedMs?: number;
}

export class IdleCheckpoint {
  private readonly timer: NodeJS.Timeout;
  private readonly changes: Database.Statement;
  private seen: number;
  private lastWriteAt = 0;
  /** When the first write since the last checkpoint was seen (null: none owed). */
  private owedSince: number | null = null;
  private readonly idleMs: number;
  private readonly maxOwedMs: number;
  /** Checkpoints made (for tests). */
  checkpoints = 0;

  constructor(
    private readonly db: Database.Database,
    options: IdleCheckpointOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 3000;
    this.maxOwedMs = options.maxOwedMs ?? 60_000;
    this.changes = db.prepare('SELECT total_changes() AS n').pluck();
    this.seen = this.changes.get() as number;
    db.pragma('wal_autocheckpoint = 0');
    this.timer = setInterval(() => this.tick(), options.tickMs ?? 250);
    this.timer.unref();
  }

  private tick(): void {
    if (!this.db.open) return this.stop();
    const now = Date.now();
    const n = this.changes.get() as number;
    if (n !== this.seen) {
      this.seen = n;
      this.lastWriteAt = now;
      this.owedSince ??= now;
    }
    if (this.owedSince === null) return;
    if (now - this.lastWriteAt < this.idleMs && now - this.owedSince < this.maxOwedMs) return;
    this.owedSince = null;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
      this.checkpoints++;
    } catch {
      // Busy or closing: the next write owes it again, and closing checkpoints anyway.
    }
  }

  /** Stops looking (the connection's close checkpoints what is left). */
  stop(): void {
    clearInterval(this.timer);
  }
}
