// The library: one SQLite database (WAL, foreign keys) holding blobs, artifacts, runs and labels.

import Database from 'better-sqlite3';
import type { Artifact, ArtifactKind, ArtifactSort, ArtifactSummary } from '../api/types.js';
import { BlobStore, type DeflatedParts } from './blobs.js';
import { IdleCheckpoint } from './idle-checkpoint.js';
import { migrate } from './migrate.js';
import { writeTransaction } from './write-transaction.js';
import { RunsStore } from './runs-store.js';
import type { FunctionStats } from '../analysis/runs/function-stats.js';
import { newId } from './ids.js';
import { TextIndex } from './text-index.js';
import { checkLibraryFile, libraryFileError, makeLibraryFolder } from './library-file.js';

const LIST_COMMA = Buffer.from(',');

export { newId };

export interface NewArtifact {
  kind: ArtifactKind;
  subtype: string | null;
  /** The bytes, or a file deflated as it was read (blobs.ts deflateFile). */
  bytes: Uint8Array | DeflatedParts;
  sha256: string;
  file: string | null;
  source: string;
  capturedAt: number | null;
  durationNs: number | null;
  goVersion: string | null;
  labels: Record<string, string>;
  summary: ArtifactSummary;
  /** Profiles: per-function figures for run comparisons and trends (analysis/runs/function-stats.ts). */
  functionStats?: FunctionStats;
}

export interface ArtifactQuery {
  kind?: string;
  subtype?: string;
  /** "key" (has the label) or "key=value". */
  label?: string;
  /** Matched case-insensitively against file name, source, run, subtype and label values. */
  text?: string;
  /** By capture time (else import time): newest or oldest first; or by import time alone. */
  sort?: ArtifactSort;
  limit?: number;
  /** Only the artifacts of these runs (ids). */
  runIds?: string[];
}

interface ArtifactRow {
  id: string;
  kind: ArtifactKind;
  subtype: string | null;
  blob_sha256: string;
  size: number;
  file_name: string | null;
  source: string;
  imported_at: number;
  captured_at: number | null;
  duration_ns: number | null;
  go_version: string | null;
  run_name: string | null;
  summary_json: string;
}

export interface OpenOptions {
  /** Path of a better-sqlite3 native addon built for this runtime (Electron's ABI). */
  nativeBinding?: string;
  readonly?: boolean;
  /**
   * Keep the list's text index and the ids of the last list's other filters ready while idle:
   * read once the library is open and again after a page when the library changed (the app and
   * gpw serve, so the first text typed does not wait for them).
   */
  warmList?: boolean;
  /**
   * Checkpoint the write-ahead log when the library is idle instead of inside a big write's
   * commit (the app and gpw serve: idle-checkpoint.ts), so a big import's blob is not copied
   * into the file while its profile is decoded.
   */
  idleCheckpoint?: boolean;
}

export class Library {
  readonly db: Database.Database;
  readonly blobs: BlobStore;
  /** Runs (names, labels, notes) and the per-artifact function figures. */
  readonly runs: RunsStore;
  /** Blobs no artifact refers to were dropped (putBlobAhead's first write). */
  private unreferencedDropped = false;
  /** The checkpoints put off until idle (OpenOptions.idleCheckpoint). */
  readonly checkpoint?: IdleCheckpoint;

  constructor(readonly path: string, options: OpenOptions = {}) {
    if (path !== ':memory:') {
      // A path SQLite cannot use is refused here, in words naming it, before anything is written.
      if (!options.readonly) makeLibraryFolder(path);
      checkLibraryFile(path);
    }
    this.db = openDatabase(path, options);
    this.blobs = new BlobStore(this.db);
    this.runs = new RunsStore(this.db);
    this.hasGeneration = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'list_generation'").get() !== undefined;
    this.warmList = options.warmList === true && this.hasGeneration;
    this.warmSoon({});
    if (options.idleCheckpoint && !options.readonly && path !== ':memory:') this.checkpoint = new IdleCheckpoint(this.db);
  }

  close(): void {
    clearTimeout(this.warmTimer);
    this.checkpoint?.stop();
    this.db.close();
  }

  /** Adds artifacts (and their blobs, and the run) in one transaction: all or nothing. */
  addArtifacts(items: NewArtifact[], runName: string | null): Artifact[] {
    const insertArtifact = this.db.prepare(`INSERT INTO artifacts
      (id, kind, subtype, blob_sha256, file_name, source, imported_at, captured_at, duration_ns, go_version, run_id, summary_json)
      VALUES (@id, @kind, @subtype, @sha, @file, @source, @importedAt, @capturedAt, @durationNs, @goVersion, @runId, @summary)`);
    const setLabel = this.db.prepare('INSERT OR REPLACE INTO artifact_labels (artifact_id, key, value) VALUES (?, ?, ?)');
    const ids = this.writeListed((added) => added, () => {
      const runId = runName ? this.runs.ensure(runName, commonLabels(items.map((i) => i.labels))) : null;
      const now = Date.now();
      return items.map((item) => {
        const id = newId();
        if (item.bytes instanceof Uint8Array) this.blobs.put(item.bytes, item.sha256);
        else this.blobs.putParts(item.bytes, item.sha256);
        insertArtifact.run({
          id, kind: item.kind, subtype: item.subtype, sha: item.sha256, file: item.file, source: item.source,
          importedAt: now, capturedAt: item.capturedAt, durationNs: item.durationNs, goVersion: item.goVersion,
          runId, summary: JSON.stringify(item.summary),
        });
        for (const [k, v] of Object.entries(item.labels)) setLabel.run(id, k, v);
        if (item.functionStats) this.runs.writeFunctionStats(id, item.functionStats);
        return id;
      });
    });
    return ids.map((id) => this.get(id)!);
  }

  /**
   * Stores a big input's blob in a transaction of its own, before its artifact: an import writes
   * it while the profile worker still reads the file (Engine.importInputs), so that the import's
   * own transaction, once the file is read, is small. True when this call stored it; an import
   * that then fails drops what it stored (dropBlobsAhead), and the library is as it was. An import
   * killed between the two leaves a blob no artifact shows: the first such write of each opened
   * library drops every blob no artifact refers to. An import in flight elsewhere whose blob that
   * drops loses nothing: `addArtifacts` stores every blob it finds missing.
   */
  putBlobAhead(bytes: Uint8Array, sha256: string): boolean {
    return writeTransaction(this.db, () => {
      if (!this.unreferencedDropped) this.blobs.dropUnreferenced();
      this.unreferencedDropped = true;
      return this.blobs.put(bytes, sha256);
    });
  }

  /** Deletes blobs putBlobAhead stored for a failed import, each unless an artifact refers to it meanwhile (another import of the same bytes). */
  dropBlobsAhead(sha256s: string[]): void {
    if (sha256s.length > 0) writeTransaction(this.db, () => sha256s.forEach((sha256) => this.blobs.release(sha256)));
  }

  private static readonly SELECT = `SELECT a.*, b.size AS size, r.name AS run_name FROM artifacts a
    JOIN blobs b ON b.sha256 = a.blob_sha256 LEFT JOIN runs r ON r.id = a.run_id`;

  get(id: string): Artifact | null {
    const row = this.db.prepare(`${Library.SELECT} WHERE a.id = ?`).get(id) as ArtifactRow | undefined;
    return row ? this.toArtifact(row, this.labelsOf([id]).get(id) ?? {}) : null;
  }

  list(query: ArtifactQuery = {}): Artifact[] {
    if (!this.hasGeneration) {
      const { where, params } = Library.filter(query);
      const rows = this.db.prepare(`${Library.SELECT} ${where}`).all(...params) as ArtifactRow[];
      const labels = this.labelsOf(rows.map((r) => r.id));
      return rows.map((r) => this.toArtifact(r, labels.get(r.id) ?? {}));
    }
    // SQLite picks and orders the ids; the artifacts come from the copy in memory. Both are
    // read in one transaction, so they are of the same moment even while another process writes.
    return this.db.transaction(() => {
      const all = this.everyArtifact();
      return this.idsOf(query).map((id) => all.get(id)!);
    })();
  }

  /** One page of list(query): `limit` artifacts from `offset`, and how many the query has in all. */
  listPage(query: ArtifactQuery, offset: number, limit: number): { total: number; offset: number; artifacts: Artifact[] } {
    if (!this.hasGeneration) {
      const all = this.list({ ...query, limit: undefined });
      return { total: all.length, offset, artifacts: all.slice(offset, offset + limit) };
    }
    // Once the page is sent, while the user reads it, the text index and this list's other
    // filters' ids are read (again, if the library changed).
    this.warmSoon(query);
    return this.db.transaction(() => {
      const ids = this.idsOf({ ...query, limit: undefined });
      const page = ids.slice(offset, offset + limit);
      if (this.listCopy?.generation === this.generation()) {
        const all = this.listCopy.byId;
        return { total: ids.length, offset, artifacts: page.map((id) => all.get(id)!) };
      }
      // No copy in memory (yet): the page's rows alone from SQLite, not the 10,000 artifacts
      // made for one page (the app's first page at start).
      const json = JSON.stringify(page);
      const rows = new Map((this.db.prepare(`${Library.SELECT} WHERE a.id IN (SELECT value FROM json_each(?))`).all(json) as ArtifactRow[]).map((r) => [r.id, r]));
      const labels = this.labelsOf(page);
      return { total: ids.length, offset, artifacts: page.map((id) => this.toArtifact(rows.get(id)!, labels.get(id) ?? {})) };
    })();
  }

  /** The ids list(query) has, in its order (call inside a transaction: the text index is of its moment). */
  private idsOf(query: ArtifactQuery): string[] {
    const index = query.text && this.hasGeneration && TextIndex.answers(query.text) ? this.texts : null;
    if (index && query.text && index.generation === this.generation()) {
      // SQLite orders and filters the rest (kept while the library and that query hold: typing
      // into the filter asks it again and again); the text is matched in memory (text-index.ts).
      // Without a current index (not read yet, or another process wrote) SQLite's LIKE answers
      // below: 13 ms at 10,000 artifacts, a third of reading the index (warmSoon reads it).
      const ids = index.filter(this.restIdsOf(query, index.generation), query.text);
      return query.limit ? ids.slice(0, Math.max(1, Math.floor(query.limit))) : ids;
    }
    const { where, params } = Library.filter(query);
    return this.db.prepare(`SELECT a.id FROM artifacts a LEFT JOIN runs r ON r.id = a.run_id ${where}`).pluck().all(...params) as string[];
  }

  /** Each artifact's searchable texts, true while list_generation holds. */
  private texts: TextIndex | null = null;
  /** The ids of the last text query's other filters, in order, for that list_generation. */
  private restIds: { generation: number; key: string; ids: string[] } | null = null;

  private textIndex(): TextIndex {
    const generation = this.generation();
    if (this.texts?.generation !== generation) this.texts = TextIndex.read(this.db, generation);
    return this.texts;
  }

  /** The ids of `query`'s filters other than its text, in order (kept for one list_generation and one such query). */
  private restIdsOf(query: ArtifactQuery, generation: number): string[] {
    // No sort is the default sort: the page at open and the app's first list share their ids.
    const rest = { ...query, text: undefined, limit: undefined, sort: query.sort ?? 'newest' };
    const key = JSON.stringify(rest);
    if (this.restIds?.generation !== generation || this.restIds.key !== key) this.restIds = { generation, key, ids: this.idsOf(rest) };
    return this.restIds.ids;
  }

  /**
   * Reads the text filter's index, and the ids of `query`'s other filters, now if the library
   * changed since (the app calls it while idle, with the filters of the list it shows).
   */
  warmTextIndex(query: ArtifactQuery = {}): void {
    if (!this.hasGeneration || !this.db.open) return;
    this.db.transaction(() => this.restIdsOf(query, this.textIndex().generation))();
  }

  /**
   * With warmList: warmTextIndex(query) on a timer of its own, after what runs now (a page being
   * sent), then on another the list's copy in memory (everyArtifact), which a profile's view
   * reads for the profiles it can be compared with: made at that view's first request, it took
   * ~140 ms of 10,000 artifacts there.
   */
  private warmSoon(query: ArtifactQuery): void {
    if (!this.warmList) return;
    clearTimeout(this.warmTimer);
    this.warmTimer = setTimeout(() => {
      this.warmTextIndex(query);
      this.warmTimer = setTimeout(() => this.warmCopy(), 0).unref();
    }, 0).unref();
  }

  /** The list's copy in memory made, unless it is current (warmSoon). */
  private warmCopy(): void {
    if (!this.hasGeneration || !this.db.open) return;
    this.db.transaction(() => this.everyArtifact())();
  }

  private readonly warmList: boolean;
  private warmTimer: NodeJS.Timeout | undefined;

  /**
   * A write transaction over listed artifacts (`touched`: the ids it wrote, from its result).
   * When the text index was current as the write began, it is brought to the write's
   * list_generation with those artifacts' texts alone, not read again: the write lock shuts
   * every other writer out meanwhile, so nothing else moved list_generation. Inside another
   * transaction (which may yet roll back) the index is left to be read again.
   */
  private writeListed<T>(touched: (result: T) => string[], fn: () => T): T {
    const nested = this.db.inTransaction;
    const pending: { apply?: () => void } = {};
    const result = writeTransaction(this.db, () => {
      pending.apply = undefined;
      const before = this.texts && this.hasGeneration && !nested ? this.generation() : null;
      const out = fn();
      if (before !== null && this.texts?.generation === before) {
        const ids = touched(out);
        const texts = TextIndex.textsOf(this.db, ids);
        const after = this.generation();
        // Applied once the transaction has committed.
        pending.apply = () => {
          if (this.texts?.generation === before) this.texts.update(ids, texts, after);
        };
      }
      return out;
    });
    pending.apply?.();
    return result;
  }

  private generation(): number {
    return this.db.prepare('SELECT n FROM list_generation').pluck().get() as number;
  }

  /** Whether the library has list_generation (migration 0010; a read-only library may predate it). */
  private readonly hasGeneration: boolean;
  /** Every artifact as list() returns it (frozen: shared by every list), by id, and the list_generation it is true for. */
  private listCopy: { generation: number; byId: Map<string, Artifact> } | null = null;

  private everyArtifact(): Map<string, Artifact> {
    const generation = this.generation();
    if (this.listCopy?.generation === generation) return this.listCopy.byId;
    // The primary key's order: by artifact, then key (as labelsOf gives them).
    const labels = groupLabels(this.db.prepare('SELECT artifact_id, key, value FROM artifact_labels ORDER BY artifact_id, key').raw().all() as LabelRow[]);
    const byId = new Map<string, Artifact>();
    for (const row of this.db.prepare(Library.SELECT).all() as ArtifactRow[]) byId.set(row.id, deepFreeze(this.toArtifact(row, labels.get(row.id) ?? {})));
    this.listCopy = { generation, byId };
    return byId;
  }

  /**
   * The artifacts of list(query) as the JSON of an Artifact[] (the same values), written by
   * SQLite row by row and joined with each stored summary as it is: no summary is parsed and
   * stringified again, no objects are made (gpw list --json over 10,000 artifacts). UTF-8
   * bytes, between `open` and `close` when given (one copy of it all).
   */
  listJson(query: ArtifactQuery = {}, open = '', close = ''): Buffer {
    const { where, params } = Library.filter(query);
    // Each row's JSON as UTF-8 bytes (a BLOB): no JavaScript string is made of it, decoded or
    // encoded again on the way to stdout (a third of gpw list --json's time at 10,000 rows).
    const stmt = this.db.prepare(`SELECT CAST(substr(head, 1, length(head) - 1) || ',"summary":' || summary || '}' AS BLOB) FROM (SELECT json_object('id', a.id, 'kind', a.kind, 'subtype', a.subtype, 'file', a.file_name, 'source', a.source,
        'sha256', a.blob_sha256, 'size', b.size, 'importedAt', a.imported_at, 'capturedAt', a.captured_at, 'durationNs', a.duration_ns,
        'goVersion', a.go_version, 'run', r.name,
        'labels', (SELECT json_group_object(key, value) FROM (SELECT key, value FROM artifact_labels l WHERE l.artifact_id = a.id ORDER BY key)),
        'sampleTypes', CASE json_type(a.summary_json, '$.sampleTypes') WHEN 'array' THEN json_extract(a.summary_json, '$.sampleTypes') ELSE json('[]') END)
        -- The summary as stored (JSON.stringify's text) goes in as it is, after the object's last member (an array: "]}").
        AS head, a.summary_json AS summary
      FROM artifacts a JOIN blobs b ON b.sha256 = a.blob_sha256 LEFT JOIN runs r ON r.id = a.run_id ${where})`);
    const rows = stmt.pluck().all(...params) as Buffer[];
    const parts: Buffer[] = [Buffer.from(`${open}[`)];
    rows.forEach((row, i) => (i === 0 ? parts.push(row) : parts.push(LIST_COMMA, row)));
    parts.push(Buffer.from(`]${close}`));
    return Buffer.concat(parts);
  }

  /** WHERE, ORDER BY and LIMIT of a list query (artifacts a, runs r), and its parameters. */
  private static filter(query: ArtifactQuery): { where: string; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.kind) { where.push('a.kind = ?'); params.push(query.kind); }
    if (query.subtype) { where.push('a.subtype = ?'); params.push(query.subtype); }
    if (query.runIds) { where.push('a.run_id IN (SELECT value FROM json_each(?))'); params.push(JSON.stringify(query.runIds)); }
    if (query.label) {
      const eq = query.label.indexOf('=');
      if (eq >= 0) {
        where.push('EXISTS (SELECT 1 FROM artifact_labels l WHERE l.artifact_id = a.id AND l.key = ? AND l.value = ?)');
        params.push(query.label.slice(0, eq), query.label.slice(eq + 1));
      } else {
        where.push('EXISTS (SELECT 1 FROM artifact_labels l WHERE l.artifact_id = a.id AND l.key = ?)');
        params.push(query.label);
      }
    }
    if (query.text) {
      const like = `%${query.text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      // The labels that match, found once (not a look-up per artifact: a third of the time at 10,000).
      where.push(`(a.file_name LIKE ? ESCAPE '\\' OR a.source LIKE ? ESCAPE '\\' OR r.name LIKE ? ESCAPE '\\' OR a.subtype LIKE ? ESCAPE '\\'
        OR a.id IN (SELECT l.artifact_id FROM artifact_labels l WHERE l.value LIKE ? ESCAPE '\\' OR l.key LIKE ? ESCAPE '\\'))`);
      params.push(like, like, like, like, like, like);
    }
    const order = query.sort === 'oldest' || query.sort === 'imported-oldest' ? 'ASC' : 'DESC';
    const byImport = query.sort === 'imported-newest' || query.sort === 'imported-oldest';
    // Artifacts imported together share a millisecond: rowid keeps the order they were added in.
    const orderBy = byImport ? `a.imported_at ${order}, a.rowid ${order}` : `coalesce(a.captured_at, a.imported_at) ${order}, a.imported_at ${order}, a.id ${order}`;
    const sql = `${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY ${orderBy}
      ${query.limit ? 'LIMIT ' + Math.max(1, Math.floor(query.limit)) : ''}`;
    return { where: sql, params };
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM artifacts').get() as { n: number }).n;
  }

  blobBytes(): number {
    return (this.db.prepare('SELECT (SELECT coalesce(sum(length(data)), 0) FROM blobs) + (SELECT coalesce(sum(length(data)), 0) FROM blob_parts) AS n').get() as { n: number }).n;
  }

  /** Deletes an artifact, and its blob when nothing else refers to it. */
  delete(id: string): boolean {
    return this.writeListed(() => [id], () => {
      const row = this.db.prepare('SELECT blob_sha256 FROM artifacts WHERE id = ?').get(id) as { blob_sha256: string } | undefined;
      if (!row) return false;
      this.db.prepare('DELETE FROM artifacts WHERE id = ?').run(id);
      this.blobs.release(row.blob_sha256);
      return true;
    });
  }

  setLabel(id: string, key: string, value: string): boolean {
    return this.writeListed(() => [id], () => {
      if (!this.db.prepare('SELECT 1 FROM artifacts WHERE id = ?').get(id)) return false;
      this.db.prepare('INSERT OR REPLACE INTO artifact_labels (artifact_id, key, value) VALUES (?, ?, ?)').run(id, key, value);
      return true;
    });
  }

  removeLabel(id: string, key: string): boolean {
    return this.writeListed(() => [id], () => this.db.prepare('DELETE FROM artifact_labels WHERE artifact_id = ? AND key = ?').run(id, key).changes > 0);
  }

  private labelsOf(ids: string[]): Map<string, Record<string, string>> {
    if (ids.length === 0) return new Map();
    const stmt = this.db.prepare('SELECT artifact_id, key, value FROM artifact_labels WHERE artifact_id IN (SELECT value FROM json_each(?)) ORDER BY key');
    return groupLabels(stmt.raw().all(JSON.stringify(ids)) as LabelRow[]);
  }

  private toArtifact(row: ArtifactRow, labels: Record<string, string>): Artifact {
    const summary = JSON.parse(row.summary_json) as ArtifactSummary;
    const sampleTypes = (summary as { sampleTypes?: unknown }).sampleTypes;
    return {
      id: row.id,
      kind: row.kind,
      subtype: row.subtype,
      file: row.file_name,
      source: row.source,
      sha256: row.blob_sha256,
      size: row.size,
      importedAt: row.imported_at,
      capturedAt: row.captured_at,
      durationNs: row.duration_ns,
      goVersion: row.go_version,
      run: row.run_name,
      labels,
      sampleTypes: Array.isArray(sampleTypes) ? (sampleTypes as string[]) : [],
      summary,
    };
  }
}

/** The library's database, set up (and migrated unless read-only); SQLite's errors on the way worded by library-file.ts. */
function openDatabase(path: string, options: OpenOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { nativeBinding: options.nativeBinding, readonly: options.readonly === true, fileMustExist: options.readonly === true });
    // A single write outside writeTransaction() (a label, a schedule's last run) waits this long
    // for another process's import to finish.
    db.pragma('busy_timeout = 15000');
    // better-sqlite3 builds SQLite with a 16 MiB page cache. The library is mostly blobs written
    // once and read once (then parsed into memory of their own), so caching their pages only
    // grows the engine's RSS as captures arrive; SQLite's own default (2 MiB) is enough for the
    // metadata tables.
    db.pragma('cache_size = -2048');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
    return db;
  } catch (err) {
    if (db?.open) db.close();
    throw libraryFileError(path, err) ?? err;
  }
}

/** The labels every one of these label sets has (a new run takes them as its own). */
function commonLabels(sets: Record<string, string>[]): Record<string, string> {
  if (sets.length === 0) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sets[0])) if (sets.every((s) => s[k] === v)) out[k] = v;
  return out;
}

/** An artifact_labels row: artifact id, key, value. */
type LabelRow = [string, string, string];

/** Labels by artifact id, each artifact's keys in the rows' order. */
function groupLabels(rows: LabelRow[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const [id, key, value] of rows) {
    let labels = out.get(id);
    if (!labels) out.set(id, (labels = {}));
    labels[key] = value;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
