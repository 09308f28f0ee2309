// The library list kept in memory (migration 0010): every list equals what SQLite holds at that
// moment — after labels, renames, moves, deletes, and writes by another connection — in the same
// order and with the same filters as the list read row by row from SQLite.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Library, type ArtifactQuery, type NewArtifact } from '../../src-main/library/library';
import { sha256Hex } from '../../src-main/library/blobs';
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
  const needles = ['é', 'É', 'épreuve', 'ÉPREUVE', 'äb', 'ÄB', 'école', 'École', '\\', '\\s', '_', 'r_s', 'teamname', 'CORE', 'ünï', 'RUN-Ü', 'run-ü', '\x1f', 'unit\x1fsep', 'ep-äb', 'pb.gz', 'zzz'];
  for (const text of needles) expect(lib.list({ text }), JSON.stringify(text)).toEqual(fromSqlite({ text }));
  expect(lib.list({ text: 'É' }).map((a) => a.file).sort()).toEqual(['ÉCOLE.pb.gz', 'Épreuve-ÄB.pb.gz']);
  expect(lib.list({ text: 'teamname' })).toHaveLength(5);
  // A label written after a text query is found by the next one.
  const [a] = lib.list({ text: 'ÉCOLE' });
  lib.setLabel(a.id, 'owner', 'Zed');
  expect(lib.listPage({ text: 'ZED' }, 0, 10).artifacts.map((x) => x.id)).toEqual([a.id]);
  lib.warmTextIndex();
  lib.removeLabel(a.id, 'owner');
  expect(lib.listPage({ text: 'zed' }, 0, 10).total).toBe(0);
  expectSame();
});
