// writeTransaction: BEGIN IMMEDIATE, savepoints inside a transaction, and a message (not an
// internal error) when another connection keeps the write lock past the wait.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { GpwError } from '../../src-main/api/errors';
import { writeTransaction } from '../../src-main/library/write-transaction';
import { tempDir } from '../helpers/paths';

const tmp = tempDir('gpw-wtx-');
afterAll(() => tmp.cleanup());

it('writes in an immediate transaction, nests as a savepoint, and gives up on a held lock with a message', () => {
  const path = join(tmp.dir, 'lib.db');
  const a = new Database(path);
  a.pragma('journal_mode = WAL');
  a.exec('CREATE TABLE t (v INTEGER)');
  const b = new Database(path);
  b.pragma('busy_timeout = 50');

  writeTransaction(a, () => {
    a.prepare('INSERT INTO t VALUES (1)').run();
    // Nested: a savepoint of the same transaction.
    writeTransaction(a, () => a.prepare('INSERT INTO t VALUES (2)').run());
  });
  expect(b.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 });

  // Another connection holds the write lock: b waits (busy timeout, then retries) and gives up.
  a.exec('BEGIN IMMEDIATE');
  const t0 = Date.now();
  let err: unknown;
  try {
    writeTransaction(b, () => b.prepare('INSERT INTO t VALUES (3)').run(), 400);
  } catch (e) {
    err = e;
  }
  expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
  expect(err).toBeInstanceOf(GpwError);
  expect((err as GpwError).code).toBe('unavailable');
  expect((err as GpwError).message).toMatch(/stayed locked by another gpw process for 0.4 s \(\d+ tries\)/);
  expect(b.inTransaction).toBe(false);
  a.exec('COMMIT');
  // Once free, the same write goes through.
  writeTransaction(b, () => b.prepare('INSERT INTO t VALUES (3)').run(), 400);
  expect(a.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 3 });
  a.close();
  b.close();
});
