-- Collection from /debug/pprof endpoints: saved targets, their sealed request headers,
-- capture schedules, and the history of every capture run (what was taken, what failed).

CREATE TABLE capture_targets (
  id                 TEXT PRIMARY KEY,
  name               TEXT NOT NULL UNIQUE,
  base_url           TEXT NOT NULL,             -- http(s)://host:port[/prefix], no credentials
  labels_json        TEXT NOT NULL,             -- labels given to every artifact captured from it
  header_names_json  TEXT NOT NULL,             -- names only: values are sealed below or kept in memory
  tls_json           TEXT NOT NULL,             -- {caPem?, insecureSkipVerify?}
  timeout_seconds    INTEGER NOT NULL,
  max_body_bytes     INTEGER NOT NULL,
  created_at         INTEGER NOT NULL
);

-- Request headers sealed with the OS keychain (Electron safeStorage); never plain text.
CREATE TABLE capture_target_secrets (
  target_id  TEXT PRIMARY KEY REFERENCES capture_targets(id) ON DELETE CASCADE,
  sealed     BLOB NOT NULL
);

CREATE TABLE capture_schedules (
  id             TEXT PRIMARY KEY,
  target_id      TEXT NOT NULL REFERENCES capture_targets(id) ON DELETE CASCADE,
  specs_json     TEXT NOT NULL,                 -- [{kind, seconds?, gc?}]
  every_seconds  INTEGER NOT NULL CHECK (every_seconds >= 5),
  enabled        INTEGER NOT NULL DEFAULT 1,
  created_at     INTEGER NOT NULL,
  last_run_at    INTEGER
);

CREATE TABLE capture_history (
  id              TEXT PRIMARY KEY,
  target_id       TEXT REFERENCES capture_targets(id) ON DELETE SET NULL,
  target_name     TEXT NOT NULL,
  schedule_id     TEXT,
  run_id          TEXT REFERENCES runs(id) ON DELETE SET NULL,
  run_name        TEXT NOT NULL,
  base_url        TEXT NOT NULL,
  specs_json      TEXT NOT NULL,                -- the capture settings of the run
  started_at      INTEGER NOT NULL,
  finished_at     INTEGER NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('done', 'partial', 'failed', 'cancelled')),
  artifacts_json  TEXT NOT NULL,                -- [{id, kind, subtype, source}]
  failures_json   TEXT NOT NULL,                -- [{kind, source, message}]
  cmdline_json    TEXT                          -- the target's command line, when captured
);
CREATE INDEX capture_history_by_time ON capture_history (started_at);
