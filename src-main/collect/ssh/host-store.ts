// Hosts added in the app (table ssh_hosts, migrations/0003_ssh_hosts.sql).

import type Database from 'better-sqlite3';

export interface StoredHost {
  name: string;
  hostName: string;
  user: string | null;
  port: number;
  proxyJump: string[];
  createdAt: number;
}

interface Row {
  name: string;
  host_name: string;
  user: string | null;
  port: number;
  proxy_jump: string | null;
  created_at: number;
}

const fromRow = (r: Row): StoredHost => ({
  name: r.name,
  hostName: r.host_name,
  user: r.user,
  port: r.port,
  proxyJump: r.proxy_jump ? r.proxy_jump.split(',') : [],
  createdAt: r.created_at,
});

export class HostStore {
  constructor(private readonly db: Database.Database) {}

  list(): StoredHost[] {
    return (this.db.prepare('SELECT * FROM ssh_hosts ORDER BY name').all() as Row[]).map(fromRow);
  }

  get(name: string): StoredHost | null {
    const r = this.db.prepare('SELECT * FROM ssh_hosts WHERE name = ?').get(name) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  /** Adds or replaces a host. */
  put(h: Omit<StoredHost, 'createdAt'>): StoredHost {
    const createdAt = Date.now();
    this.db
      .prepare('INSERT OR REPLACE INTO ssh_hosts (name, host_name, user, port, proxy_jump, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(h.name, h.hostName, h.user, h.port, h.proxyJump.length ? h.proxyJump.join(',') : null, createdAt);
    return { ...h, createdAt };
  }

  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM ssh_hosts WHERE name = ?').run(name).changes > 0;
  }
}
