// Applies migrations/NNNN_*.sql in order, each once, recording them in schema_migrations.

import type Database from 'better-sqlite3';
import { writeTransaction } from './write-transaction.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Bundled at build time so the engine needs no path to the migrations folder at run time.
const files = import.meta.glob('../../migrations/*.sql', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export const MIGRATIONS: Migration[] = Object.entries(files)
  .map(([path, sql]) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const m = /^(\d+)_/.exec(name);
    if (!m) throw new Error(`migration ${name} does not start with a number`);
    return { version: Number(m[1]), name, sql };
  })
  .sort((a, b) => a.version - b.version);

export function migrate(db: Database.Database, migrations: Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const m of migrations) {
    // IMMEDIATE takes the write lock first, so two processes opening a new library at once
    // (the app and `gpw import`) apply each migration once: the second sees it recorded.
    const applied = writeTransaction(db, () => {
      if (isApplied.get(m.version)) return false;
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
      return true;
    });
    if (applied) done.push(m.version);
  }
  return done;
}
