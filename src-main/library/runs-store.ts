// Runs as first-class library objects (migration 0006): a named group of artifacts taken
// together, with labels, a note and its time span; and the per-artifact function figures that
// run comparisons and trends read instead of decoding blobs.

import type Database from 'better-sqlite3';
import type { FunctionStats } from '../analysis/runs/function-stats.js';
import type { RunInfo, RunQuery } from '../api/runs-types.js';
import { newId } from './ids.js';

interface RunRow {
  id: string;
  name: string;
  created_at: number;
  note: string | null;
  started_at: number | null;
  ended_at: number | null;
}

/** The key a run's counts use: a profile's subtype (cpu, heap, …), else the artifact kind. */
export function countKey(kind: string, subtype: string | null): string {
  return kind === 'profile' ? (subtype ?? 'profile') : kind;
}

export interface StoredFunctionFigures {
  total: number;
  /** function name → [flat, cum] */
  functions: Map<string, [number, number]>;
}

export class RunsStore {
  constructor(private readonly db: Database.Database) {}

  /** The id of the run with this name, made (with these labels) when it does not exist. */
  ensure(name: string, labels: Record<string, string> = {}): string {
    const existing = this.db.prepare('SELECT id FROM runs WHERE name = ?').get(name) as { id: string } | undefined;
    if (existing) return existing.id;
    const id = newId();
    this.db.prepare('INSERT INTO runs (id, name, created_at) VALUES (?, ?, ?)').run(id, name, Date.now());
    const set = this.db.prepare('INSERT OR REPLACE INTO run_labels (run_id, key, value) VALUES (?, ?, ?)');
    for (const [k, v] of Object.entries(labels)) set.run(id, k, v);
    return id;
  }

  /** A run by id or, failing that, by name. */
  find(idOrName: string): RunInfo | null {
    const row = this.db.prepare('SELECT id FROM runs WHERE id = ?').get(idOrName) as { id: string } | undefined
      ?? (this.db.prepare('SELECT id FROM runs WHERE name = ?').get(idOrName) as { id: string } | undefined);
    return row ? this.list({ ids: [row.id] })[0] ?? null : null;
  }

  list(query: RunQuery & { ids?: string[] } = {}): RunInfo[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.ids) {
      where.push('r.id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(query.ids));
    }
    for (const [k, v] of Object.entries(query.labels ?? {})) {
      // A run has a label when it was given the run or, failing that, when all its artifacts carry it.
      where.push(`(EXISTS (SELECT 1 FROM run_labels l WHERE l.run_id = r.id AND l.key = ? AND l.value = ?)
        OR (NOT EXISTS (SELECT 1 FROM run_labels l WHERE l.run_id = r.id AND l.key = ?)
            AND EXISTS (SELECT 1 FROM artifacts a WHERE a.run_id = r.id)
            AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.run_id = r.id AND NOT EXISTS
              (SELECT 1 FROM artifact_labels al WHERE al.artifact_id = a.id AND al.key = ? AND al.value = ?))))`);
      params.push(k, v, k, k, v);
    }
    if (query.text) {
      const like = `%${query.text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      where.push(`(r.name LIKE ? ESCAPE '\\' OR r.note LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM run_labels l WHERE l.run_id = r.id AND (l.value LIKE ? ESCAPE '\\' OR l.key LIKE ? ESCAPE '\\')))`);
      params.push(like, like, like, like);
    }
    const rows = this.db
      .prepare(
        `SELECT r.id, r.name, r.created_at, r.note,
           -- The span of the capture times; import times only for a run none of whose artifacts says when it was taken.
           (SELECT coalesce(min(a.captured_at), min(a.imported_at)) FROM artifacts a WHERE a.run_id = r.id) AS started_at,
           (SELECT coalesce(max(a.captured_at + coalesce(a.duration_ns, 0) / 1000000), max(a.imported_at)) FROM artifacts a WHERE a.run_id = r.id) AS ended_at
         FROM runs r ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
         ORDER BY coalesce(started_at, r.created_at) DESC, r.created_at DESC, r.id DESC
         ${query.limit ? 'LIMIT ' + Math.max(1, Math.floor(query.limit)) : ''}`,
      )
      .all(...params) as RunRow[];
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.id));
    const labels = new Map<string, Record<string, string>>();
    for (const l of this.db.prepare('SELECT run_id, key, value FROM run_labels WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY key').all(ids) as { run_id: string; key: string; value: string }[]) {
      const m = labels.get(l.run_id) ?? {};
      m[l.key] = l.value;
      labels.set(l.run_id, m);
    }
    const counts = new Map<string, Record<string, number>>();
    for (const c of this.db.prepare('SELECT run_id, kind, subtype, count(*) AS n FROM artifacts WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id, kind, subtype').all(ids) as { run_id: string; kind: string; subtype: string | null; n: number }[]) {
      const m = counts.get(c.run_id) ?? {};
      const key = countKey(c.kind, c.subtype);
      m[key] = (m[key] ?? 0) + c.n;
      counts.set(c.run_id, m);
    }
    return rows.map((r) => {
      const c = counts.get(r.id) ?? {};
      return {
        id: r.id,
        name: r.name,
        labels: labels.get(r.id) ?? {},
        note: r.note,
        createdAt: r.created_at,
        startedAt: r.started_at,
        endedAt: r.ended_at,
        counts: c,
        artifactCount: Object.values(c).reduce((s, n) => s + n, 0),
      };
    });
  }

  /** Renames a run; the new name must be free. */
  rename(id: string, name: string): boolean {
    const other = this.db.prepare('SELECT id FROM runs WHERE name = ?').get(name) as { id: string } | undefined;
    if (other && other.id !== id) throw new RunNameTaken(name);
    return this.db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(name, id).changes > 0;
  }

  setNote(id: string, note: string | null): void {
    this.db.prepare('UPDATE runs SET note = ? WHERE id = ?').run(note, id);
  }

  setLabel(id: string, key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO run_labels (run_id, key, value) VALUES (?, ?, ?)').run(id, key, value);
  }

  removeLabel(id: string, key: string): void {
    this.db.prepare('DELETE FROM run_labels WHERE run_id = ? AND key = ?').run(id, key);
  }

  /** Deletes a run; its artifacts stay in the library without a run (they can be deleted apart). */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }

  /** Puts artifacts into a run (made when new), or out of any run with null. Returns how many moved. */
  moveArtifacts(artifactIds: string[], runName: string | null): number {
    return this.db.transaction(() => {
      const runId = runName === null ? null : this.ensure(runName);
      const stmt = this.db.prepare('UPDATE artifacts SET run_id = ? WHERE id = ?');
      let n = 0;
      for (const a of artifactIds) n += stmt.run(runId, a).changes;
      return n;
    }).immediate();
  }

  /** Artifact ids of a run, oldest first. */
  artifactIds(runId: string): string[] {
    return (this.db.prepare('SELECT id FROM artifacts WHERE run_id = ? ORDER BY coalesce(captured_at, imported_at), imported_at, id').all(runId) as { id: string }[]).map((r) => r.id);
  }

  // ---- per-artifact function figures ----

  writeFunctionStats(artifactId: string, stats: FunctionStats): void {
    // A sample type's rows in one statement, as JSON (a profile has thousands of functions, and a
    // statement per row cost SQLite a statement journal each: about 10 µs a row). SQLite reads
    // integers in JSON exactly (every pprof figure is one), not every other double: those go a row at a time.
    const putJson = this.db.prepare(`INSERT OR REPLACE INTO artifact_functions (artifact_id, sample_type, name, flat, cum)
      SELECT ?, ?, value ->> 0, value ->> 1, value ->> 2 FROM json_each(?) ORDER BY key`);
    const put = this.db.prepare('INSERT OR REPLACE INTO artifact_functions (artifact_id, sample_type, name, flat, cum) VALUES (?, ?, ?, ?, ?)');
    this.db.prepare('DELETE FROM artifact_functions WHERE artifact_id = ?').run(artifactId);
    const totals: Record<string, number> = {};
    for (const t of stats.types) {
      totals[t.sampleType] = t.total;
      const exact = t.names.every((_, i) => Number.isSafeInteger(t.flat[i]) && Number.isSafeInteger(t.cum[i]));
      if (exact) putJson.run(artifactId, t.sampleType, JSON.stringify(t.names.map((name, i) => [name, t.flat[i], t.cum[i]])));
      else for (let i = 0; i < t.names.length; i++) put.run(artifactId, t.sampleType, t.names[i], t.flat[i], t.cum[i]);
    }
    this.db.prepare('INSERT OR REPLACE INTO artifact_stats_done (artifact_id, version, total_json) VALUES (?, ?, ?)').run(artifactId, stats.version, JSON.stringify(totals));
  }

  /** The ids among these whose function figures are missing or older than `version`. */
  missingFunctionStats(artifactIds: string[], version: number): string[] {
    const done = new Set(
      (this.db.prepare('SELECT artifact_id FROM artifact_stats_done WHERE version = ? AND artifact_id IN (SELECT value FROM json_each(?))').all(version, JSON.stringify(artifactIds)) as { artifact_id: string }[]).map((r) => r.artifact_id),
    );
    return artifactIds.filter((id) => !done.has(id));
  }

  /** Profile artifacts (kinds profile and perf) without function figures of this version, oldest first. */
  profilesMissingStats(version: number, limit: number): string[] {
    return (this.db
      .prepare(`SELECT id FROM artifacts WHERE kind IN ('profile', 'perf')
        AND NOT EXISTS (SELECT 1 FROM artifact_stats_done d WHERE d.artifact_id = artifacts.id AND d.version = ?)
        ORDER BY imported_at LIMIT ?`)
      .all(version, limit) as { id: string }[]).map((r) => r.id);
  }

  /** Stored figures of these artifacts for one sample type ("type/unit"), optionally only functions matching `nameFilter`. */
  functionFigures(artifactIds: string[], sampleType: string, nameFilter?: (name: string) => boolean): Map<string, StoredFunctionFigures> {
    const out = new Map<string, StoredFunctionFigures>();
    const json = JSON.stringify(artifactIds);
    for (const r of this.db.prepare('SELECT artifact_id, total_json FROM artifact_stats_done WHERE artifact_id IN (SELECT value FROM json_each(?))').all(json) as { artifact_id: string; total_json: string }[]) {
      const totals = JSON.parse(r.total_json) as Record<string, number>;
      if (totals[sampleType] !== undefined) out.set(r.artifact_id, { total: totals[sampleType], functions: new Map() });
    }
    const rows = this.db
      .prepare('SELECT artifact_id, name, flat, cum FROM artifact_functions WHERE sample_type = ? AND artifact_id IN (SELECT value FROM json_each(?))')
      .raw()
      .all(sampleType, json) as [string, string, number, number][];
    for (const [a, name, flat, cum] of rows) {
      if (nameFilter && !nameFilter(name)) continue;
      out.get(a)?.functions.set(name, [flat, cum]);
    }
    return out;
  }
}

export class RunNameTaken extends Error {
  constructor(readonly runName: string) {
    super(`a run named "${runName}" already exists`);
  }
}
