-- The gpw library: content-addressed blobs, artifacts (one capture each), runs that group
-- artifacts captured together, and key=value labels on artifacts.

CREATE TABLE blobs (
  sha256       TEXT PRIMARY KEY,          -- SHA-256 of the original bytes, lower-case hex
  size         INTEGER NOT NULL,          -- length of the original bytes
  compression  TEXT NOT NULL CHECK (compression IN ('none', 'deflate')),
  data         BLOB NOT NULL
);

CREATE TABLE runs (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL            -- Unix milliseconds
);

CREATE TABLE artifacts (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('profile', 'trace', 'perf', 'gclog', 'metrics')),
  subtype       TEXT,                       -- profile: cpu, heap, allocs, block, mutex, goroutine, ...
  blob_sha256   TEXT NOT NULL REFERENCES blobs(sha256),
  file_name     TEXT,
  source        TEXT NOT NULL,              -- file path, URL, or host + command
  imported_at   INTEGER NOT NULL,           -- Unix milliseconds
  captured_at   INTEGER,                    -- Unix milliseconds, when the capture says
  duration_ns   INTEGER,
  go_version    TEXT,
  run_id        TEXT REFERENCES runs(id) ON DELETE SET NULL,
  summary_json  TEXT NOT NULL               -- computed at import: totals per sample type, ...
);
CREATE INDEX artifacts_by_time ON artifacts (coalesce(captured_at, imported_at));
CREATE INDEX artifacts_by_blob ON artifacts (blob_sha256);
CREATE INDEX artifacts_by_run ON artifacts (run_id);

CREATE TABLE artifact_labels (
  artifact_id  TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  key          TEXT NOT NULL,
  value        TEXT NOT NULL,
  PRIMARY KEY (artifact_id, key)
);
CREATE INDEX artifact_labels_by_key ON artifact_labels (key, value);
