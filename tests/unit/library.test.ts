// The SQLite library: migrations applied once and recorded, content-addressed blobs returned
// byte-identical, imports all-or-nothing, labels, filters and deletion.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library, type NewArtifact } from '../../src-main/library/library';
import { MIGRATIONS } from '../../src-main/library/migrate';
import { sha256Hex } from '../../src-main/library/blobs';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { summarizeProfile } from '../../src-main/analysis/profile-summary';
import { profileSummaryOf } from '../../src-main/api/types';
import { goProfile, tempDir } from '../helpers/paths';

let tmp: ReturnType<typeof tempDir>;
let path: string;
let lib: Library;

function artifactOf(file: string, bytes = readFileSync(file) as Uint8Array, labels: Record<string, string> = {}): NewArtifact {
  const summary = summarizeProfile(decodePprof(bytes));
  return {
    kind: 'profile', subtype: summary.profileType, bytes, sha256: sha256Hex(bytes), file: file.split('/').pop()!, source: file,
    capturedAt: summary.capturedAt, durationNs: summary.durationNs || null, goVersion: null, labels, summary,
  };
}

beforeEach(() => {
  tmp = tempDir();
  path = `${tmp.dir}/lib.sqlite`;
  lib = new Library(path);
});
afterEach(() => {
  lib.close();
  tmp.cleanup();
});

describe('schema', () => {
  it('applies every migration once, records it, and uses WAL with foreign keys', () => {
    const applied = lib.db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(lib.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(lib.db.pragma('foreign_keys', { simple: true })).toBe(1);
    lib.close();
    lib = new Library(path); // reopening applies nothing again
    expect(lib.db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
  });
});

describe('blobs', () => {
  it('stores identical bytes once and returns them byte-identical, compressed or not', () => {
    const gz = readFileSync(goProfile('heap'));
    const raw = gunzipSync(gz);
    const [a] = lib.addArtifacts([artifactOf(goProfile('heap'))], null);
    const [b] = lib.addArtifacts([artifactOf(goProfile('heap'))], null);
    const [c] = lib.addArtifacts([artifactOf('heap.pb', raw)], null);
    expect(a.id).not.toBe(b.id);
    expect(a.sha256).toBe(b.sha256);
    expect(lib.db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 2 });
    expect(Buffer.compare(Buffer.from(lib.blobs.get(a.sha256)!), gz)).toBe(0);
    expect(Buffer.compare(Buffer.from(lib.blobs.get(c.sha256)!), raw)).toBe(0);
    const rows = lib.db.prepare('SELECT sha256, compression, length(data) AS stored, size FROM blobs').all() as { sha256: string; compression: string; stored: number; size: number }[];
    const rawRow = rows.find((r) => r.sha256 === c.sha256)!;
    expect(rawRow.compression).toBe('deflate');
    expect(rawRow.stored).toBeLessThan(rawRow.size);
    expect(rows.find((r) => r.sha256 === a.sha256)!.compression).toBe('none'); // gzip does not shrink again
  });

  it('keeps a gzip file of more than 1 MiB in pieces as it is, and returns it byte-identical; deleting it takes the pieces', () => {
    // Random bytes behind a gzip header: stored as they are (compressed data does not shrink).
    const big = Buffer.alloc(2.5 * 2 ** 20 + 7);
    for (let i = 0, x = 1; i < big.length; i++) big[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    big[0] = 0x1f;
    big[1] = 0x8b;
    const sha = sha256Hex(big);
    lib.db.transaction(() => lib.blobs.put(big, sha))();
    expect(lib.db.prepare('SELECT compression, length(data) AS stored, size FROM blobs WHERE sha256 = ?').get(sha)).toEqual({ compression: 'none', stored: 2 ** 20, size: big.length });
    expect(lib.db.prepare('SELECT count(*) AS n FROM blob_parts WHERE sha256 = ?').get(sha)).toEqual({ n: 2 });
    expect(Buffer.compare(Buffer.from(lib.blobs.get(sha)!), big)).toBe(0);
    lib.db.transaction(() => lib.blobs.release(sha))();
    expect(lib.blobs.get(sha)).toBeNull();
    expect(lib.db.prepare('SELECT count(*) AS n FROM blob_parts').get()).toEqual({ n: 0 });
  });

  it('a blob stored ahead by an import killed before its artifact is dropped by the next ahead-write; one in flight is stored again with its artifact', () => {
    const a = artifactOf(goProfile('heap'));
    const b = artifactOf(goProfile('cpu'));
    expect(lib.putBlobAhead(a.bytes as Uint8Array, a.sha256)).toBe(true);
    lib.close(); // killed: no artifact refers to a's blob
    lib = new Library(path);
    expect(lib.blobs.get(a.sha256)).not.toBeNull();
    expect(lib.putBlobAhead(b.bytes as Uint8Array, b.sha256)).toBe(true);
    expect(lib.blobs.get(a.sha256)).toBeNull();
    // b's import is still in flight: another process's first ahead-write drops its blob, and its artifact stores it again.
    const other = new Library(path);
    try {
      other.putBlobAhead(a.bytes as Uint8Array, a.sha256);
      expect(other.blobs.get(b.sha256)).toBeNull();
    } finally {
      other.close();
    }
    const [added] = lib.addArtifacts([b], null);
    expect(Buffer.compare(Buffer.from(lib.blobs.get(added.sha256)!), Buffer.from(b.bytes as Uint8Array))).toBe(0);
  });

  it('deletes a blob only when no artifact refers to it', () => {
    const [a] = lib.addArtifacts([artifactOf(goProfile('cpu'))], null);
    const [b] = lib.addArtifacts([artifactOf(goProfile('cpu'))], null);
    expect(lib.delete(a.id)).toBe(true);
    expect(lib.blobs.get(b.sha256)).not.toBeNull();
    expect(lib.delete(b.id)).toBe(true);
    expect(lib.blobs.get(b.sha256)).toBeNull();
    expect(lib.delete(b.id)).toBe(false);
  });
});

describe('artifacts', () => {
  it('keeps function figures exactly, integers (as JSON) and other numbers alike', () => {
    const [a] = lib.addArtifacts([artifactOf(goProfile('cpu'))], null);
    const names = Array.from({ length: 3000 }, (_, i) => `pkg.f${i}`);
    const ints = names.map((_, i) => i * 7919 + (i % 3 === 0 ? 2 ** 52 : 0));
    const odd = names.map((_, i) => (i % 2 ? 1e-300 * (i + 0.3) : ((i + 0.1) * 1e300) / 7));
    lib.runs.writeFunctionStats(a.id, {
      version: 1,
      types: [
        { sampleType: 'alloc_space/bytes', total: 1e9, names, flat: ints, cum: ints.map((v) => v + 1) },
        { sampleType: 'cpu/nanoseconds', total: 1.5, names, flat: odd, cum: odd },
      ],
    });
    const bytes = lib.runs.functionFigures([a.id], 'alloc_space/bytes').get(a.id)!;
    expect(bytes.total).toBe(1e9);
    expect(bytes.functions).toEqual(new Map(names.map((n, i) => [n, [ints[i], ints[i] + 1]])));
    expect(lib.runs.functionFigures([a.id], 'cpu/nanoseconds').get(a.id)!.functions).toEqual(new Map(names.map((n, i) => [n, [odd[i], odd[i]]])));
  });

  it('adds a batch in one transaction: a failing item leaves nothing behind', () => {
    const good = artifactOf(goProfile('cpu'));
    const bad = { ...artifactOf(goProfile('heap')), kind: 'nonsense' as never };
    expect(() => lib.addArtifacts([good, bad], 'r1')).toThrow();
    for (const table of ['artifacts', 'blobs', 'runs', 'artifact_labels']) {
      expect(lib.db.prepare(`SELECT count(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    }
  });

  it('keeps runs, labels and summaries, and filters by kind, label and text, sorted by time', () => {
    const added = lib.addArtifacts(
      [artifactOf(goProfile('cpu'), undefined, { env: 'prod', svc: 'api' }), artifactOf(goProfile('heap'), undefined, { env: 'dev' })],
      'load-test-1',
    );
    lib.addArtifacts([artifactOf(goProfile('block'))], null);
    expect(added.map((a) => a.run)).toEqual(['load-test-1', 'load-test-1']);
    expect(added[0].labels).toEqual({ env: 'prod', svc: 'api' });
    expect(profileSummaryOf(added[0])!.totals['cpu/nanoseconds']).toBeGreaterThan(0);

    expect(lib.list({ subtype: 'heap' }).map((a) => a.file)).toEqual(['heap.pb.gz']);
    expect(lib.list({ label: 'env=prod' }).map((a) => a.file)).toEqual(['cpu.pb.gz']);
    expect(lib.list({ label: 'env' }).length).toBe(2);
    expect(lib.list({ text: 'load-test' }).length).toBe(2);
    expect(lib.list({ text: 'BLOCK' }).map((a) => a.file)).toEqual(['block.pb.gz']);
    expect(lib.list({ text: '100%' })).toEqual([]); // LIKE wildcards are literal
    const newest = lib.list({ sort: 'newest' }).map((a) => a.capturedAt ?? a.importedAt);
    expect(newest).toEqual([...newest].sort((x, y) => y - x));
    expect(lib.list({ sort: 'oldest' }).map((a) => a.id)).toEqual(lib.list({ sort: 'newest' }).map((a) => a.id).reverse());

    expect(lib.setLabel(added[1].id, 'owner', 'gc-team')).toBe(true);
    expect(lib.get(added[1].id)!.labels).toEqual({ env: 'dev', owner: 'gc-team' });
    expect(lib.removeLabel(added[1].id, 'env')).toBe(true);
    expect(lib.get(added[1].id)!.labels).toEqual({ owner: 'gc-team' });
    expect(lib.setLabel('missing', 'a', 'b')).toBe(false);
  });

  it('is readable by a second connection while open (WAL)', () => {
    lib.addArtifacts([artifactOf(goProfile('mutex'))], null);
    const other = new Database(path, { readonly: true });
    expect(other.prepare('SELECT count(*) AS n FROM artifacts').get()).toEqual({ n: 1 });
    other.close();
  });
});

describe('migration 0006 (runs and history)', () => {
  it('rebuilds the artifacts table for the new kinds and keeps every artifact, run and label', () => {
    const old = `${tmp.dir}/old.sqlite`;
    const db = new Database(old);
    db.pragma('foreign_keys = ON');
    // The library as the last release left it: migrations 1–5 only.
    const before = MIGRATIONS.filter((m) => m.version < 6);
    for (const m of before) db.exec(m.sql);
    db.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    for (const m of before) db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
    db.prepare(`INSERT INTO blobs VALUES ('ab', 1, 'none', x'00')`).run();
    db.prepare(`INSERT INTO runs (id, name, created_at) VALUES ('r1', 'load 1', 5)`).run();
    db.prepare(`INSERT INTO artifacts (id, kind, subtype, blob_sha256, file_name, source, imported_at, captured_at, duration_ns, go_version, run_id, summary_json)
      VALUES ('a1', 'gclog', NULL, 'ab', 'gc.log', '/tmp/gc.log', 7, 6, NULL, 'go1.23', 'r1', '{"headline":"x"}')`).run();
    db.prepare(`INSERT INTO artifact_labels VALUES ('a1', 'env', 'prod'), ('a1', 'svc', 'api')`).run();
    expect(() => db.prepare(`INSERT INTO artifacts (id, kind, blob_sha256, source, imported_at, summary_json) VALUES ('b', 'bench', 'ab', 's', 1, '{}')`).run()).toThrow(/CHECK/);
    db.close();

    const migrated = new Library(old);
    try {
      const a = migrated.get('a1')!;
      expect(a).toMatchObject({ kind: 'gclog', run: 'load 1', labels: { env: 'prod', svc: 'api' }, capturedAt: 6, goVersion: 'go1.23' });
      migrated.db.prepare(`INSERT INTO artifacts (id, kind, blob_sha256, source, imported_at, summary_json) VALUES ('b', 'bench', 'ab', 's', 1, '{"headline":"b"}')`).run();
      expect(migrated.get('b')!.kind).toBe('bench');
      expect(migrated.db.pragma('foreign_key_check')).toEqual([]);
      expect(migrated.db.pragma('integrity_check', { simple: true })).toBe('ok');
      // Deleting an artifact still cascades into its labels.
      migrated.delete('a1');
      expect(migrated.db.prepare('SELECT count(*) AS n FROM artifact_labels').get()).toEqual({ n: 0 });
    } finally {
      migrated.close();
    }
  });
});
