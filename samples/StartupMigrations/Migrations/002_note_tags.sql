ALTER TABLE {{tables.notes}} ADD COLUMN IF NOT EXISTS tags TEXT;
CREATE TABLE IF NOT EXISTS {{tables.note_links}} (
  from_id TEXT NOT NULL,
  to_id TEXT NOT NULL,
  PRIMARY KEY (from_id, to_id)
);
