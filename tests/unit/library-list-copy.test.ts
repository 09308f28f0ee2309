// The library list kept in memory (migration 0010): every list equals what SQLite holds at that
// moment — after labels, renames, moves, deletes, and writes by another connection — in the same
// order and with the same filters as the list read row by row from SQLite.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { Library, type ArtifactQuery, type NewArtifact } from '../../src-main/library/library';
import { sha256Hex } from '../../src-main/library/blobs';
import { TextIndex } from '../../src-main/library/text-index';
import { tempDir } from '../helpers/paths';

let tmp: ReturnType<typeof tempDir>;
let path: string;
let lib: Library;

function item(i: number): NewArtifact {
  const bytes = new TextEncoder().encode(`artifact ${i % 3}`);
  return {
    kind: i % 4 === 0 ? 'trace' : 'profile', subtype: i % 4 === 0 ? null : ['cpu', 'heap', 'allocs'][i % 3], bytes, sha256: sha256Hex(bytes),
    file: `f-${i}.pb.gz`, source: `http://svc-${i % 5}:6060/debug/pprof`, capturedAt: i % 7 === 0 ? null : Date.UTC(2026, 0, 1) + (i % 11) * 60_000,
    durationNs: null, goVersion: null, labels: { env: i % 2 ? 'prod' : 'staging', ...(i % 3 ? { build: `B${i % 4}` } : {}) }, summary: { headline: `n ${i}` },
  };
}

/** The list as SQLite gives it row by row: a read-only connection of its own, opened now. */
function fromSqlite(query: ArtifactQuery): unknown {
  const ro = new Library(path, { readonly: true });
  try {
    // A read-only library sees list_generation too; make it take the row-by-row path.
    (ro as unknown as { hasGeneration: boolean }).hasGeneration = false;
    return ro.list(query);
  } finally {
    ro.close();
  }
}

const QUERIES: ArtifactQuery[] = [
  {}, { sort: 'oldest' }, { sort: 'imported-newest' }, { sort: 'imported-oldest' }, { kind: 'profile', subtype: 'heap' }, { kind: 'trace' },
  { label: 'env=prod' }, { label: 'build' }, { text: 'SVC-3' }, { text: 'b2' }, { text: 'run-b' }, { text: '%' }, { label: 'env=staging', sort: 'oldest', limit: 5 },
];

function expectSame(): void {
  for (const q of QUERIES) expect(lib.list(q), JSON.stringify(q)).toEqual(fromSqlite(q));
}

beforeEach(() => {
  tmp = tempDir();
  path = `${tmp.dir}/lib.sqlite`;
  lib = new Library(path);
  lib.addArtifacts(Array.from({ length: 30 }, (_, i) => item(i)), 'run-a');
  lib.addArtifacts(Array.from({ length: 30 }, (_, i) => item(i + 30)), 'run-b');
  lib.addArtifacts(Array.from({ length: 5 }, (_, i) => item(i + 60)), null);
});
afterEach(() => {
  lib.close();
  tmp.cleanup();
});

it('lists the same rows in the same order as SQLite row by row, for every filter and sort', () => {
  expectSame();
  expect(lib.list({ text: 'svc-3' }).length).toBeGreaterThan(0);
  expect(lib.list({ text: '%' })).toEqual([]);
});

it('follows labels, run renames, moves and deletes made through the library', () => {
  const [a, b] = lib.list({ sort: 'oldest' });
  expectSame();
  lib.setLabel(a.id, 'team', 'core');
  expect(lib.list({ label: 'team=core' }).map((x) => x.id)).toEqual([a.id]);
  lib.removeLabel(a.id, 'env');
  expect(lib.list({}).find((x) => x.id === a.id)!.labels).toEqual({ ...(a.labels.build ? { build: a.labels.build } : {}), team: 'core' });
  const runB = lib.runs.list({}).find((r) => r.name === 'run-b')!;
  lib.runs.rename(runB.id, 'run-renamed');
  expect(lib.list({ text: 'run-renamed' }).length).toBe(30);
  lib.runs.moveArtifacts([b.id], 'run-renamed');
  expect(lib.list({}).find((x) => x.id === b.id)!.run).toBe('run-renamed');
  lib.delete(a.id);
  expect(lib.list({}).some((x) => x.id === a.id)).toBe(false);
  expectSame();
});

it('follows writes by another process (another connection)', () => {
  const before = lib.list({});
  const other = new Database(path);
  try {
    other.prepare("UPDATE artifacts SET file_name = 'renamed.pb.gz' WHERE id = ?").run(before[0].id);
    other.prepare("INSERT INTO artifact_labels (artifact_id, key, value) VALUES (?, 'from', 'elsewhere')").run(before[1].id);
  } finally {
    other.close();
  }
  const after = lib.list({});
  expect(after[0].file).toBe('renamed.pb.gz');
  expect(after[1].labels.from).toBe('elsewhere');
  expectSame();
});

it('gives pages of a list with its total, and the artifacts it shares cannot be changed by a caller', () => {
  const all = lib.list({ label: 'env=prod' });
  const page = lib.listPage({ label: 'env=prod' }, 10, 7);
  expect(page).toEqual({ total: all.length, offset: 10, artifacts: all.slice(10, 17) });
  // A library with no copy in memory yet reads the page and the count from SQLite alone: the same.
  const fresh = new Library(path);
  try {
    for (const q of QUERIES) {
      const { limit: _, ...filters } = q;
      const every = lib.list(filters);
      for (const offset of [0, 7, every.length - 1, every.length + 3].filter((o) => o >= 0)) {
        expect(fresh.listPage(filters, offset, 9), JSON.stringify([q, offset])).toEqual({ total: every.length, offset, artifacts: every.slice(offset, offset + 9) });
      }
    }
  } finally {
    fresh.close();
  }
  expect(() => { (all[0].labels as Record<string, string>).env = 'x'; }).toThrow();
  expect(lib.list({ label: 'env=prod' })[0].labels.env).toBe('prod');
});

it('matches text in memory as SQLite LIKE matches it: ASCII case folded alone, wildcards literal, labels and runs, fresh after writes', () => {
  const odd = ['Épreuve-ÄB.pb.gz', 'back\\slash.pb.gz', 'under_score.pb.gz', 'unit\x1fsep.pb.gz', 'ÉCOLE.pb.gz'].map((file, i) => ({ ...item(100 + i), file, labels: { TeamName: i % 2 ? 'Core' : 'Edge' } }));
  lib.addArtifacts(odd, 'Run-Ünïcode');
  // The index in memory answers (read now; without it SQLite's LIKE would, and this would compare SQLite with itself).
  lib.warmTextIndex();
  const reads = vi.spyOn(TextIndex, 'read');
  const needles = ['é', 'É', 'épreuve', 'ÉPREUVE', 'äb', 'ÄB', 'école', 'École', '\\', '\\s', '_', 'r_s', 'teamname', 'CORE', 'ünï', 'RUN-Ü', 'run-ü', '\x1f', 'unit\x1fsep', 'ep-äb', 'pb.gz', 'zzz'];
  for (const text of needles) expect(lib.list({ text }), JSON.stringify(text)).toEqual(fromSqlite({ text }));
  expect(lib.list({ text: 'É' }).map((a) => a.file).sort()).toEqual(['ÉCOLE.pb.gz', 'Épreuve-ÄB.pb.gz']);
  expect(lib.list({ text: 'teamname' })).toHaveLength(5);
  // A label written after a text query is found by the next one.
  const [a] = lib.list({ text: 'ÉCOLE' });
  lib.setLabel(a.id, 'owner', 'Zed');
  expect(lib.listPage({ text: 'ZED' }, 0, 10).artifacts.map((x) => x.id)).toEqual([a.id]);
  lib.removeLabel(a.id, 'owner');
  expect(lib.listPage({ text: 'zed' }, 0, 10).total).toBe(0);
  expectSame();
  // Every answer above came from the index, kept current through the writes without reading it again.
  expect(reads).not.toHaveBeenCalled();
  reads.mockRestore();
});

/** Text queries over what item() and the tests write, in both cases and in runs, labels, files and sources. */
const NEEDLES = ['svc-3', 'SVC-1', 'b2', 'B3', 'run-a', 'RUN-B', 'run-c', 'prod', 'staging', 'f-1', 'f-6', 'team', 'core', 'zed', 'pb.gz', 'new-', 'nothing-like-this'];

function expectSameTexts(): void {
  for (const text of NEEDLES) {
    expect(lib.list({ text }), text).toEqual(fromSqlite({ text }));
    expect(lib.listPage({ text, sort: 'oldest' }, 2, 5), text).toEqual(fresh((l) => l.listPage({ text, sort: 'oldest' }, 2, 5)));
  }
}

/** An answer from a library opened now (no index: SQLite's LIKE). */
function fresh<T>(f: (l: Library) => T): T {
  const other = new Library(path);
  try {
    return f(other);
  } finally {
    other.close();
  }
}

it('keeps the text index current through its own writes (no reading again), and answers without it when another process wrote', () => {
  lib.warmTextIndex();
  const reads = vi.spyOn(TextIndex, 'read');
  const filters = vi.spyOn(TextIndex.prototype, 'filter');
  try {
    const [a, b, c] = lib.list({ sort: 'oldest' });
    lib.addArtifacts([{ ...item(200), file: 'new-one.pb.gz' }, { ...item(201), file: 'new-two.pb.gz', labels: { team: 'Core' } }], 'run-c');
    lib.addArtifacts([{ ...item(202), file: 'new-three.pb.gz' }], 'run-a');
    lib.setLabel(a.id, 'team', 'zed');
    lib.setLabel(b.id, 'env', 'Prod-Two');
    lib.removeLabel(c.id, 'env');
    lib.delete(lib.list({ text: 'new-two' })[0].id);
    filters.mockClear();
    expectSameTexts();
    expect(reads).not.toHaveBeenCalled();
    // The index answered each of them (current after the writes, not left to SQLite's LIKE).
    expect(filters).toHaveBeenCalledTimes(2 * NEEDLES.length);

    // A write inside an outer transaction that rolls back: the index is not moved to it.
    expect(() =>
      lib.db.transaction(() => {
        lib.setLabel(c.id, 'rolled', 'back-zed');
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(lib.list({ text: 'back-zed' })).toEqual([]);
    expectSameTexts();

    // Another process's write: the next text query does not read the index (SQLite's LIKE answers), and is right.
    const other = new Database(path);
    try {
      other.prepare("INSERT INTO artifact_labels (artifact_id, key, value) VALUES (?, 'from', 'zed-elsewhere')").run(c.id);
    } finally {
      other.close();
    }
    filters.mockClear();
    expect(lib.list({ text: 'zed-elsewhere' }).map((x) => x.id)).toEqual([c.id]);
    expectSameTexts();
    expect(reads).not.toHaveBeenCalled();
    expect(filters).not.toHaveBeenCalled();
    // Read again when warmed (the app: after a page, while idle), and current from then on.
    lib.warmTextIndex();
    expect(reads).toHaveBeenCalledTimes(1);
    lib.setLabel(a.id, 'team', 'after-warm');
    filters.mockClear();
    expectSameTexts();
    expect(lib.list({ text: 'after-warm' }).map((x) => x.id)).toEqual([a.id]);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(filters).toHaveBeenCalledTimes(2 * NEEDLES.length + 1);
  } finally {
    reads.mockRestore();
    filters.mockRestore();
  }
});

it('with warmList reads the text index once open, before any list is asked for', async () => {
  const reads = vi.spyOn(TextIndex, 'read');
  const warm = new Library(path, { warmList: true });
  try {
    expect(reads).not.toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reads).toHaveBeenCalledTimes(1);
    // The first text query uses it (no read, no LIKE of its own), and the page after it reads nothing again.
    const filters = vi.spyOn(TextIndex.prototype, 'filter');
    expect(warm.listPage({ text: 'svc-3' }, 0, 10)).toEqual(fresh((l) => l.listPage({ text: 'svc-3' }, 0, 10)));
    expect(filters).toHaveBeenCalledTimes(1);
    filters.mockRestore();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reads).toHaveBeenCalledTimes(1);
  } finally {
    warm.close();
    reads.mockRestore();
  }
});

it('with warmList makes the list’s copy in memory once open, and again after a page once the library changed', async () => {
  const warm = new Library(path, { warmList: true });
  const copy = (): { generation: number; byId: Map<string, unknown> } | null => (warm as unknown as { listCopy: { generation: number; byId: Map<string, unknown> } | null }).listCopy ?? null;
  try {
    const n = (fromSqlite({}) as unknown[]).length;
    expect(copy()).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(copy()?.byId.size).toBe(n);
    const made = copy();
    // A list asked for now reads that copy (the same objects), and equals SQLite's.
    expect(warm.list({ kind: 'profile', subtype: 'heap' })).toEqual(fromSqlite({ kind: 'profile', subtype: 'heap' }));
    expect(copy()).toBe(made);
    // Another connection writes: the next page is read from SQLite, and the copy made again after it.
    const other = new Library(path);
    other.addArtifacts([item(60)], 'run-c');
    other.close();
    expect(warm.listPage({}, 0, 5).total).toBe(n + 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(copy()).not.toBe(made);
    expect(copy()?.byId.size).toBe(n + 1);
    expect(warm.list({})).toEqual(fromSqlite({}));
  } finally {
    warm.close();
  }
});
