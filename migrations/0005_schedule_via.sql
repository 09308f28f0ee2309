-- A schedule may capture through an SSH host's port forward (a pprof endpoint on that host's
-- loopback): the host's name, or NULL for a direct connection. Each tick needs the host connected.
ALTER TABLE capture_schedules ADD COLUMN via TEXT;
