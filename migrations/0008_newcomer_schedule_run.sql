-- A schedule may name its runs and label what it captures: each tick's run is "NAME <time>"
-- (the target's name when NULL) and its artifacts get these labels, as a capture started by hand.
ALTER TABLE capture_schedules ADD COLUMN run_name TEXT;
ALTER TABLE capture_schedules ADD COLUMN labels_json TEXT;
