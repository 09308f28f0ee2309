-- Blobs of streamed imports (perf script and folded text of up to gigabytes) are deflated as a
-- stream while the file is read, and kept in pieces rather than as one value: blobs.data holds
-- the first piece, blob_parts the rest in order; together they are one raw-deflate stream.
CREATE TABLE blob_parts (
  sha256  TEXT NOT NULL REFERENCES blobs(sha256) ON DELETE CASCADE,
  seq     INTEGER NOT NULL,
  data    BLOB NOT NULL,
  PRIMARY KEY (sha256, seq)
) WITHOUT ROWID;
