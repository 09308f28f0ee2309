-- Answers computed from a profile's bytes (a top table, ...), kept so that opening a library
-- profile again, in this process or the next, does not decode and summarise it again. Each
-- row is a pure function of the blob's bytes and the request, so it never goes stale; rows go
-- with their blob.

CREATE TABLE view_cache (
  sha256      TEXT NOT NULL,              -- the blob the answer was computed from (its first source)
  request     TEXT NOT NULL,              -- the request, as canonical JSON (other sources by hash)
  result_json TEXT NOT NULL,
  created_at  INTEGER NOT NULL,           -- Unix milliseconds
  PRIMARY KEY (sha256, request)
) WITHOUT ROWID;

CREATE TRIGGER view_cache_blob_gone AFTER DELETE ON blobs
BEGIN
  DELETE FROM view_cache WHERE sha256 = OLD.sha256;
END;
