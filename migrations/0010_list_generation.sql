-- The library list at 10,000 artifacts (issue 15): the engine keeps every artifact as the list
-- returns it in memory and asks SQLite only for the ids a query selects, in order. It knows
-- the copy is still true while list_generation.n has not moved: every write to what a listed
-- artifact shows (its row, its labels, its run's name), by any process, moves it (triggers).
CREATE TABLE list_generation (n INTEGER NOT NULL);
INSERT INTO list_generation (n) VALUES (0);

CREATE TRIGGER list_generation_artifact_insert AFTER INSERT ON artifacts BEGIN UPDATE list_generation SET n = n + 1; END;
CREATE TRIGGER list_generation_artifact_update AFTER UPDATE ON artifacts BEGIN UPDATE list_generation SET n = n + 1; END;
CREATE TRIGGER list_generation_artifact_delete AFTER DELETE ON artifacts BEGIN UPDATE list_generation SET n = n + 1; END;
CREATE TRIGGER list_generation_label_insert AFTER INSERT ON artifact_labels BEGIN UPDATE list_generation SET n = n + 1; END;
CREATE TRIGGER list_generation_label_update AFTER UPDATE ON artifact_labels BEGIN UPDATE list_generation SET n = n + 1; END;
CREATE TRIGGER list_generation_label_delete AFTER DELETE ON artifact_labels BEGIN UPDATE list_generation SET n = n + 1; END;
CREATE TRIGGER list_generation_run_rename AFTER UPDATE OF name ON runs BEGIN UPDATE list_generation SET n = n + 1; END;

-- The list's default order (capture time, else import time; then import time and id) read
-- from an index, with no sort of the rows.
CREATE INDEX artifacts_by_list_order ON artifacts (coalesce(captured_at, imported_at), imported_at, id);
