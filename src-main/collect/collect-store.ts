// Saved targets, their sealed headers, schedules and the capture history, in the library's
// SQLite file (migrations/0002_collection.sql).

import type Database from 'better-sqlite3';
import type { CaptureHistoryEntry, CaptureSchedule, CaptureSpec, Target, TargetTls } from '../api/collect-types.js';
import { newId } from '../library/library.js';
import { writeTransaction } from '../library/write-transaction.js';
import type { SealedSecrets } from './secret-store.js';

/** History rows kept; older ones are pruned as new ones arrive. */
export const MAX_HISTORY = 5000;

export type TargetRecord = Omit<Target, 'headerStorage'>;
export type NewTarget = Omit<TargetRecord, 'id' | 'createdAt'>;
export type NewHistoryEntry = Omit<CaptureHistoryEntry, 'id'> & { runId: string | null };

interface TargetRow {
  id: string;
  name: string;
  base_url: string;
  labels_json: string;
  header_names_json: string;
  tls_json: string;
  timeout_seconds: number;
  max_body_bytes: number;
  created_at: number;
}

interface ScheduleRow {
  id: string;
  target_id: string;
  target_name: string;
  specs_json: string;
  every_seconds: number;
  enabled: number;
  via: string | null;
  run_name: string | null;
  labels_json: string | null;
  created_at: number;
  last_run_at: number | null;
}

interface HistoryRow {
  id: string;
  target_id: string | null;
  target_name: string;
  schedule_id: string | null;
  run_name: string;
  base_url: string;
  via: string | null;
  specs_json: string;
  started_at: number;
  finished_at: number;
  status: CaptureHistoryEntry['status'];
  artifacts_json: string;
  failures_json: string;
  cmdline_json: string | null;
}

export class CollectStore implements SealedSecrets {
  /** Statements compiled once: schedules and polling run these many times. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  // ---- targets ----

  listTargets(): TargetRecord[] {
    return (this.stmt('SELECT * FROM capture_targets ORDER BY name').all() as TargetRow[]).map(toTarget);
  }

  getTarget(id: string): TargetRecord | null {
    const row = this.stmt('SELECT * FROM capture_targets WHERE id = ?').get(id) as TargetRow | undefined;
    return row ? toTarget(row) : null;
  }

  targetByName(name: string): TargetRecord | null {
    const row = this.stmt('SELECT * FROM capture_targets WHERE name = ?').get(name) as TargetRow | undefined;
    return row ? toTarget(row) : null;
  }

  /** Inserts (no id) or replaces a target's settings; returns its id. */
  saveTarget(t: NewTarget, id?: string): string {
    const row = {
      name: t.name,
      base_url: t.baseUrl,
      labels_json: JSON.stringify(t.labels),
      header_names_json: JSON.stringify(t.headerNames),
      tls_json: JSON.stringify(t.tls),
      timeout_seconds: t.timeoutSeconds,
      max_body_bytes: t.maxBodyBytes,
    };
    if (id) {
      this.stmt(`UPDATE capture_targets SET name = @name, base_url = @base_url, labels_json = @labels_json,
        header_names_json = @header_names_json, tls_json = @tls_json, timeout_seconds = @timeout_seconds,
        max_body_bytes = @max_body_bytes WHERE id = @id`).run({ ...row, id });
      return id;
    }
    const newTargetId = newId();
    this.stmt(`INSERT INTO capture_targets (id, name, base_url, labels_json, header_names_json, tls_json, timeout_seconds, max_body_bytes, created_at)
      VALUES (@id, @name, @base_url, @labels_json, @header_names_json, @tls_json, @timeout_seconds, @max_body_bytes, @created_at)`)
      .run({ ...row, id: newTargetId, created_at: Date.now() });
    return newTargetId;
  }

  deleteTarget(id: string): boolean {
    return this.stmt('DELETE FROM capture_targets WHERE id = ?').run(id).changes > 0;
  }

  // ---- sealed headers (SealedSecrets) ----

  putSealed(targetId: string, sealed: Buffer): void {
    this.stmt('INSERT OR REPLACE INTO capture_target_secrets (target_id, sealed) VALUES (?, ?)').run(targetId, sealed);
  }

  getSealed(targetId: string): Buffer | null {
    const row = this.stmt('SELECT sealed FROM capture_target_secrets WHERE target_id = ?').get(targetId) as { sealed: Buffer } | undefined;
    return row?.sealed ?? null;
  }

  deleteSealed(targetId: string): void {
    this.stmt('DELETE FROM capture_target_secrets WHERE target_id = ?').run(targetId);
  }

  // ---- schedules ----

  listSchedules(): CaptureSchedule[] {
    const rows = this.stmt(`SELECT s.*, t.name AS target_name FROM capture_schedules s
      JOIN capture_targets t ON t.id = s.target_id ORDER BY t.name, s.created_at`).all() as ScheduleRow[];
    return rows.map(toSchedule);
  }

  getSchedule(id: string): CaptureSchedule | null {
    const row = this.stmt(`SELECT s.*, t.name AS target_name FROM capture_schedules s
      JOIN capture_targets t ON t.id = s.target_id WHERE s.id = ?`).get(id) as ScheduleRow | undefined;
    return row ? toSchedule(row) : null;
  }

  saveSchedule(
    s: { targetId: string; specs: CaptureSpec[]; everySeconds: number; enabled: boolean; via: string | null; run: string | null; labels: Record<string, string> },
    id?: string,
  ): string {
    const row = {
      target_id: s.targetId, specs_json: JSON.stringify(s.specs), every_seconds: s.everySeconds, enabled: s.enabled ? 1 : 0, via: s.via,
      run_name: s.run, labels_json: JSON.stringify(s.labels),
    };
    if (id) {
      this.stmt(`UPDATE capture_schedules SET target_id = @target_id, specs_json = @specs_json, every_seconds = @every_seconds,
        enabled = @enabled, via = @via, run_name = @run_name, labels_json = @labels_json WHERE id = @id`).run({ ...row, id });
      return id;
    }
    const scheduleId = newId();
    this.stmt(`INSERT INTO capture_schedules (id, target_id, specs_json, every_seconds, enabled, via, run_name, labels_json, created_at)
      VALUES (@id, @target_id, @specs_json, @every_seconds, @enabled, @via, @run_name, @labels_json, @created_at)`).run({ ...row, id: scheduleId, created_at: Date.now() });
    return scheduleId;
  }

  markScheduleRun(id: string, at: number): void {
    this.stmt('UPDATE capture_schedules SET last_run_at = ? WHERE id = ?').run(at, id);
  }

  deleteSchedule(id: string): boolean {
    return this.stmt('DELETE FROM capture_schedules WHERE id = ?').run(id).changes > 0;
  }

  // ---- history ----

  addHistory(e: NewHistoryEntry): string {
    const id = newId();
    writeTransaction(this.db, () => {
      this.stmt(`INSERT INTO capture_history (id, target_id, target_name, schedule_id, run_id, run_name, base_url, via, specs_json,
        started_at, finished_at, status, artifacts_json, failures_json, cmdline_json)
        VALUES (@id, @target_id, @target_name, @schedule_id, @run_id, @run_name, @base_url, @via, @specs_json,
        @started_at, @finished_at, @status, @artifacts_json, @failures_json, @cmdline_json)`).run({
        id,
        target_id: e.targetId,
        target_name: e.targetName,
        schedule_id: e.scheduleId,
        run_id: e.runId,
        run_name: e.run,
        base_url: e.baseUrl,
        via: e.via,
        specs_json: JSON.stringify(e.specs),
        started_at: e.startedAt,
        finished_at: e.finishedAt,
        status: e.status,
        artifacts_json: JSON.stringify(e.artifacts),
        failures_json: JSON.stringify(e.failures),
        cmdline_json: e.cmdline ? JSON.stringify(e.cmdline) : null,
      });
      this.stmt(`DELETE FROM capture_history WHERE id IN
        (SELECT id FROM capture_history ORDER BY started_at DESC, id DESC LIMIT -1 OFFSET ?)`).run(MAX_HISTORY);
    });
    return id;
  }

  history(query: { targetId?: string; scheduleId?: string; limit?: number } = {}): CaptureHistoryEntry[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.targetId) { where.push('target_id = ?'); params.push(query.targetId); }
    if (query.scheduleId) { where.push('schedule_id = ?'); params.push(query.scheduleId); }
    params.push(query.limit ?? 100);
    const rows = this.stmt(`SELECT * FROM capture_history ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY started_at DESC, id DESC LIMIT ?`).all(...params) as HistoryRow[];
    return rows.map(toHistory);
  }

  /** The run's id for a history entry, looked up by name (runs are unique by name). */
  runIdOf(name: string): string | null {
    const row = this.stmt('SELECT id FROM runs WHERE name = ?').get(name) as { id: string } | undefined;
    return row?.id ?? null;
  }
}

function toTarget(r: TargetRow): TargetRecord {
  return {
    id: r.id,
    name: r.name,
    baseUrl: r.base_url,
    labels: JSON.parse(r.labels_json) as Record<string, string>,
    headerNames: JSON.parse(r.header_names_json) as string[],
    tls: JSON.parse(r.tls_json) as TargetTls,
    timeoutSeconds: r.timeout_seconds,
    maxBodyBytes: r.max_body_bytes,
    createdAt: r.created_at,
  };
}

/** The columns schedules and history entries share: the target (by id and name) and what was asked for. */
function targetAndSpecs<Id extends string | null>(r: { target_id: Id; target_name: string; specs_json: string }): { targetId: Id; targetName: string; specs: CaptureSpec[] } {
  return { targetId: r.target_id, targetName: r.target_name, specs: JSON.parse(r.specs_json) as CaptureSpec[] };
}

function toSchedule(r: ScheduleRow): CaptureSchedule {
  return {
    id: r.id,
    ...targetAndSpecs(r),
    everySeconds: r.every_seconds,
    enabled: r.enabled === 1,
    via: r.via,
    run: r.run_name,
    labels: r.labels_json ? (JSON.parse(r.labels_json) as Record<string, string>) : {},
    createdAt: r.created_at,
    lastRunAt: r.last_run_at,
  };
}

function toHistory(r: HistoryRow): CaptureHistoryEntry {
  return {
    id: r.id,
    ...targetAndSpecs(r),
    scheduleId: r.schedule_id,
    run: r.run_name,
    baseUrl: r.base_url,
    via: r.via,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    artifacts: JSON.parse(r.artifacts_json) as CaptureHistoryEntry['artifacts'],
    failures: JSON.parse(r.failures_json) as CaptureHistoryEntry['failures'],
    cmdline: r.cmdline_json ? (JSON.parse(r.cmdline_json) as string[]) : null,
  };
}
