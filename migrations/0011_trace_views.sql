-- Decode once for execution traces (issue 15): what opening a library trace needs (the
-- timeline's wire form as one binary frame, api/wire.ts), kept so that opening it in this
-- process or the next does not parse the trace again. Each row is a pure function of the
-- blob's bytes and the format version (`format`: a row of another version is made again), so
-- it never goes stale; rows go with their blob.

CREATE TABLE trace_views (
  sha256     TEXT NOT NULL,               -- the trace's blob
  view       TEXT NOT NULL,               -- 'timeline'
  format     INTEGER NOT NULL,            -- the layout of `data` (services/trace-views.ts)
  data       BLOB NOT NULL,               -- the frame, deflated (raw deflate)
  created_at INTEGER NOT NULL,            -- Unix milliseconds
  PRIMARY KEY (sha256, view)
);

CREATE TRIGGER trace_views_blob_gone AFTER DELETE ON blobs
BEGIN
  DELETE FROM trace_views WHERE sha256 = OLD.sha256;
END;
