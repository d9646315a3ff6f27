-- OpenMemory 1.1: the schema before multi-user support.
CREATE TABLE IF NOT EXISTS {{tables.memories}} (
  id TEXT PRIMARY KEY,
  content TEXT NOT NULL,
  primary_sector TEXT NOT NULL,
  tags TEXT,
  meta TEXT,
  created_at INTEGER,
  updated_at INTEGER,
  last_seen_at INTEGER,
  salience REAL,
  decay_lambda REAL,
  version INTEGER DEFAULT 1,
  mean_dim INTEGER,
  mean_vec BLOB
);

CREATE TABLE IF NOT EXISTS {{tables.vectors}} (
  id TEXT NOT NULL,
  sector TEXT NOT NULL,
  v BLOB,
  dim INTEGER,
  PRIMARY KEY (id, sector)
);

CREATE VIRTUAL TABLE IF NOT EXISTS {{tables.memories_fts}} USING fts5(id UNINDEXED, content);

CREATE TABLE IF NOT EXISTS {{tables.waypoints}} (
  src_id TEXT PRIMARY KEY,
  dst_id TEXT NOT NULL,
  weight REAL NOT NULL,
  created_at INTEGER,
  updated_at INTEGER
);

CREATE TABLE IF NOT EXISTS {{tables.embed_logs}} (
  id TEXT PRIMARY KEY,
  model TEXT,
  status TEXT,
  ts INTEGER,
  err TEXT
);

CREATE INDEX IF NOT EXISTS idx_memories_sector ON {{tables.memories}}(primary_sector);
CREATE INDEX IF NOT EXISTS idx_waypoints_src ON {{tables.waypoints}}(src_id);
CREATE INDEX IF NOT EXISTS idx_waypoints_dst ON {{tables.waypoints}}(dst_id);
