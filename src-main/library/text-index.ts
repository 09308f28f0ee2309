// The library list's text filter answered in memory: each artifact's searchable texts (file
// name, source, run name, subtype, label keys and values) as one string, folded as SQLite's LIKE
// folds case, true for one list_generation. A text query then costs one pass over 10,000 short
// strings instead of a LIKE over every row and every label. The library reads the index while
// the app is idle (at open, and after a page when the library changed) and keeps it current
// through its own writes (update: the written artifacts' texts alone); a query that finds it
// stale (another process wrote) is answered by SQLite's LIKE and does not wait for it.

import type Database from 'better-sqlite3';

/** Between two texts of an artifact; a needle holding it is left to SQLite (a match must not span two texts). */
const SEP = '\x1f';

/** What SQLite's LIKE and lower() fold (ASCII letters alone, without ICU): A–Z to a–z, nothing else. */
export function foldLikeCase(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

/** SQLite's lower() folds what LIKE folds; concat_ws leaves out nulls as LIKE never matches them. */
const TEXTS_SQL = `SELECT a.id, lower(concat_ws(char(31), a.file_name, a.source, r.name, a.subtype,
    (SELECT group_concat(l.key || char(31) || l.value, char(31)) FROM artifact_labels l WHERE l.artifact_id = a.id)))
  FROM artifacts a LEFT JOIN runs r ON r.id = a.run_id`;

export class TextIndex {
  private constructor(
    /** The list_generation the texts are true for. */
    private at: number,
    /** Per artifact id, its searchable texts folded, joined by SEP (nulls left out). */
    private readonly texts: Map<string, string>,
  ) {}

  get generation(): number {
    return this.at;
  }

  static read(db: Database.Database, generation: number): TextIndex {
    return new TextIndex(generation, new Map(db.prepare(TEXTS_SQL).raw().all() as [string, string][]));
  }

  /** The texts of these artifacts as the index holds them (an id without a row is absent). */
  static textsOf(db: Database.Database, ids: string[]): Map<string, string> {
    if (ids.length === 0) return new Map();
    return new Map(db.prepare(`${TEXTS_SQL} WHERE a.id IN (SELECT value FROM json_each(?))`).raw().all(JSON.stringify(ids)) as [string, string][]);
  }

  /**
   * A write that moved list_generation to `generation` and touched only `ids`, whose texts are
   * now `texts` (textsOf, read in the write's transaction): those entries replaced, the absent removed.
   */
  update(ids: string[], texts: Map<string, string>, generation: number): void {
    for (const id of ids) {
      const t = texts.get(id);
      if (t === undefined) this.texts.delete(id);
      else this.texts.set(id, t);
    }
    this.at = generation;
  }

  /** Whether filter() answers `text` (else SQLite's LIKE does). */
  static answers(text: string): boolean {
    return !text.includes(SEP);
  }

  /** The ids (in their order) whose texts hold `text` as `LIKE '%text%'` (wildcards literal) matches. */
  filter(ids: string[], text: string): string[] {
    const needle = foldLikeCase(text);
    return ids.filter((id) => this.texts.get(id)?.includes(needle) ?? false);
  }
}
