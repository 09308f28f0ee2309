-- SSH hosts added in the app. Hosts from ~/.ssh/config are read from there each time, not copied.
-- No secrets here: passphrases and passwords are asked per connection and kept only in memory;
-- accepted host keys go to gpw's known_hosts file next to the library.

CREATE TABLE ssh_hosts (
  name        TEXT PRIMARY KEY,           -- what gpw calls the host (unique, also across ~/.ssh/config aliases)
  host_name   TEXT NOT NULL,              -- DNS name or address to connect to
  user        TEXT,                       -- login user; NULL: the local user name, as ssh does
  port        INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  proxy_jump  TEXT,                       -- ProxyJump: comma-separated [user@]host[:port] or aliases
  created_at  INTEGER NOT NULL            -- Unix milliseconds
);
