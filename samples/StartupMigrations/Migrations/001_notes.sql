-- The notes schema, for SQLite and PostgreSQL alike.
CREATE TABLE IF NOT EXISTS {{tables.notes}} (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_owner_idx ON {{tables.notes}} (owner_id);
