-- The SSH host a capture run reached its target through (its port forward), or NULL for a
-- direct connection: the history says where the bytes came from.
ALTER TABLE capture_history ADD COLUMN via TEXT;
