-- Runs and history (issue 10): runs get labels, a note; artifacts may be of the new kinds
-- bench (go test -bench output), escapes (compiler escape analysis) and goroutines
-- (goroutine?debug=1/2 dumps); per-artifact, per-function figures kept at import so
-- comparisons and trends never decode blobs again.
--
-- SQLite cannot change a CHECK constraint in place: the artifacts table is rebuilt. Its labels
-- are copied aside first, since dropping the table would cascade into them.

CREATE TABLE _artifacts_copy AS SELECT * FROM artifacts;
CREATE TABLE _labels_copy AS SELECT * FROM artifact_labels;
DROP TABLE artifact_labels;
DROP TABLE artifacts;

CREATE TABLE artifacts (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('profile', 'trace', 'perf', 'gclog', 'metrics', 'bench', 'escapes', 'goroutines')),
  subtype       TEXT,
  blob_sha256   TEXT NOT NULL REFERENCES blobs(sha256),
  file_name     TEXT,
  source        TEXT NOT NULL,
  imported_at   INTEGER NOT NULL,
  captured_at   INTEGER,
  duration_ns   INTEGER,
  go_version    TEXT,
  run_id        TEXT REFERENCES runs(id) ON DELETE SET NULL,
  summary_json  TEXT NOT NULL
);
INSERT INTO artifacts (id, kind, subtype, blob_sha256, file_name, source, imported_at, captured_at, duration_ns, go_version, run_id, summary_json)
  SELECT id, kind, subtype, blob_sha256, file_name, source, imported_at, captured_at, duration_ns, go_version, run_id, summary_json FROM _artifacts_copy;
CREATE INDEX artifacts_by_time ON artifacts (coalesce(captured_at, imported_at));
CREATE INDEX artifacts_by_import ON artifacts (imported_at);
CREATE INDEX artifacts_by_blob ON artifacts (blob_sha256);
CREATE INDEX artifacts_by_run ON artifacts (run_id);
CREATE INDEX artifacts_by_kind ON artifacts (kind, subtype);

CREATE TABLE artifact_labels (
  artifact_id  TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  key          TEXT NOT NULL,
  value        TEXT NOT NULL,
  PRIMARY KEY (artifact_id, key)
);
INSERT INTO artifact_labels SELECT artifact_id, key, value FROM _labels_copy;
CREATE INDEX artifact_labels_by_key ON artifact_labels (key, value);
DROP TABLE _labels_copy;
DROP TABLE _artifacts_copy;

ALTER TABLE runs ADD COLUMN note TEXT;

CREATE TABLE run_labels (
  run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key     TEXT NOT NULL,
  value   TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX run_labels_by_key ON run_labels (key, value);

-- Per artifact and sample type, flat and cum of its functions (pprof's function granularity,
-- the profile's own drop/keep frames applied): the functions whose |cum| is at least 0.1 % of
-- the total, which is every function a comparison or trend row can show. Written at import;
-- artifacts imported before this migration are filled in by the engine on first use
-- (artifact_stats_done says which are done, and with which version of the rule).
CREATE TABLE artifact_functions (
  artifact_id  TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  sample_type  TEXT NOT NULL,     -- "type/unit", as summary.sampleTypes
  name         TEXT NOT NULL,
  flat         REAL NOT NULL,
  cum          REAL NOT NULL,
  PRIMARY KEY (artifact_id, sample_type, name)
) WITHOUT ROWID;
CREATE INDEX artifact_functions_by_name ON artifact_functions (name);

CREATE TABLE artifact_stats_done (
  artifact_id  TEXT PRIMARY KEY REFERENCES artifacts(id) ON DELETE CASCADE,
  version      INTEGER NOT NULL,
  total_json   TEXT NOT NULL      -- {"type/unit": total} of the profile, for shares
);
