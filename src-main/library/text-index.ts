// The library list's text filter answered in memory: each artifact's searchable texts (file
// name, source, run name, subtype, label keys and values) as one string, folded as SQLite's LIKE
// folds case, read once per list_generation. A text query then costs one pass over 10,000 short
// strings instead of a LIKE over every row and every label (most of a filter's time at 10,000
// artifacts); the engine reads the index while the app is idle.

import type Database from 'better-sqlite3';

/** Between two texts of an artifact; a needle holding it is left to SQLite (a match must not span two texts). */
const SEP = '\x1f';

/** What SQLite's LIKE and lower() fold (ASCII letters alone, without ICU): A–Z to a–z, nothing else. */
export function foldLikeCase(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

export class TextIndex {
  private constructor(
    readonly generation: number,
    /** Per artifact id, its searchable texts folded, joined by SEP (nulls left out). */
    private readonly texts: Map<string, string>,
  ) {}

  /** SQLite's lower() folds what LIKE folds; concat_ws leaves out nulls as LIKE never matches them. */
  static read(db: Database.Database, generation: number): TextIndex {
    const rows = db
      .prepare(`SELECT a.id, lower(concat_ws(char(31), a.file_name, a.source, r.name, a.subtype,
          (SELECT group_concat(l.key || char(31) || l.value, char(31)) FROM artifact_labels l WHERE l.artifact_id = a.id)))
        FROM artifacts a LEFT JOIN runs r ON r.id = a.run_id`)
      .raw()
      .all() as [string, string][];
    return new TextIndex(generation, new Map(rows));
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
