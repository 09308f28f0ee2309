// The app's library checkpoints its write-ahead log when idle (library/idle-checkpoint.ts), not
// inside a big blob's commit: right after the commit the blob is in the log (readable by every
// connection), not yet in the file; once the library has been idle three seconds it is in the file.
// A library opened as the CLI opens it checkpoints inside the commit, as SQLite does by default.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Library } from '../../src-main/library/library';
import { IdleCheckpoint } from '../../src-main/library/idle-checkpoint';
import { sha256Hex } from '../../src-main/library/blobs';
import { tempDir } from '../helpers/paths';

const tmp = tempDir('gpw-idle-checkpoint-');
afterAll(() => tmp.cleanup());

const BLOB = 8 * 2 ** 20;
const fileSize = (path: string): number => statSync(path).size;
const waitFor = async (done: () => boolean, ms: number): Promise<void> => {
  for (const until = Date.now() + ms; !done() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
};

describe('checkpoints put off until the library is idle', () => {
  it('a big blob stays in the log until the library is idle, readable meanwhile; the CLI’s library checkpoints in the commit', async () => {
    const bytes = randomBytes(BLOB);
    const sha256 = sha256Hex(bytes);
    const app = new Library(join(tmp.dir, 'app.sqlite'), { idleCheckpoint: true });
    const cli = new Library(join(tmp.dir, 'cli.sqlite'));
    try {
      expect(app.putBlobAhead(bytes, sha256)).toBe(true);
      expect(cli.putBlobAhead(bytes, sha256)).toBe(true);
      expect(fileSize(join(tmp.dir, 'cli.sqlite'))).toBeGreaterThan(BLOB);
      expect(fileSize(join(tmp.dir, 'app.sqlite'))).toBeLessThan(BLOB);
      expect(fileSize(join(tmp.dir, 'app.sqlite-wal'))).toBeGreaterThan(BLOB);
      // Another connection (another gpw process) reads it from the log.
      const other = new Library(join(tmp.dir, 'app.sqlite'), { readonly: true });
      try {
        expect(Buffer.compare(other.blobs.get(sha256)!, bytes)).toBe(0);
      } finally {
        other.close();
      }
      await waitFor(() => app.checkpoint!.checkpoints > 0, 15_000);
      expect(app.checkpoint!.checkpoints).toBe(1);
      expect(fileSize(join(tmp.dir, 'app.sqlite'))).toBeGreaterThan(BLOB);
      expect(Buffer.compare(app.blobs.get(sha256)!, bytes)).toBe(0);
      // Nothing written since: nothing owed.
      await new Promise((r) => setTimeout(r, 1500));
      expect(app.checkpoint!.checkpoints).toBe(1);
    } finally {
      app.close();
      cli.close();
    }
  }, 30_000);

  it('a connection that keeps writing checkpoints at the latest maxOwedMs after its first write', async () => {
    const db = new Database(join(tmp.dir, 'busy.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x BLOB)');
    const idle = new IdleCheckpoint(db, { tickMs: 50, idleMs: 400, maxOwedMs: 600 });
    try {
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      // A write every 100 ms for 1.5 s: never idle for 400 ms.
      const t0 = Date.now();
      for (let i = 0; i < 15; i++) {
        insert.run(randomBytes(64 * 1024));
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(idle.checkpoints).toBeGreaterThanOrEqual(1);
      // One per 600 ms of writing at most (a loaded machine stretches the loop).
      expect(idle.checkpoints).toBeLessThanOrEqual(Math.ceil((Date.now() - t0) / 600));
    } finally {
      idle.stop();
      db.close();
    }
  }, 30_000);
});
