-- OpenMemory 1.2.0: per-user isolation. Existing rows keep user_id = NULL, the system/default user.
-- ADD COLUMN IF NOT EXISTS makes the column adds safe on a partly migrated database.
ALTER TABLE {{tables.memories}} ADD COLUMN IF NOT EXISTS user_id TEXT;
CREATE INDEX IF NOT EXISTS idx_memories_user ON {{tables.memories}}(user_id);

ALTER TABLE {{tables.vectors}} ADD COLUMN IF NOT EXISTS user_id TEXT;
CREATE INDEX IF NOT EXISTS idx_vectors_user ON {{tables.vectors}}(user_id);

-- SQLite cannot change a primary key in place: recreate waypoints keyed by (src_id, user_id).
ALTER TABLE {{tables.waypoints}} ADD COLUMN IF NOT EXISTS user_id TEXT;
CREATE TABLE waypoints_new (
  src_id TEXT,
  dst_id TEXT NOT NULL,
  user_id TEXT,
  weight REAL NOT NULL,
  created_at INTEGER,
  updated_at INTEGER,
  PRIMARY KEY (src_id, user_id)
);
INSERT INTO waypoints_new (src_id, dst_id, user_id, weight, created_at, updated_at)
  SELECT src_id, dst_id, user_id, weight, created_at, updated_at FROM {{tables.waypoints}};
DROP TABLE {{tables.waypoints}};
ALTER TABLE waypoints_new RENAME TO {{tables.waypoints}};

-- SQLite treats NULLs in a key as distinct; this index makes (src_id, NULL) unique too.
CREATE UNIQUE INDEX IF NOT EXISTS idx_waypoints_src_user ON {{tables.waypoints}}(src_id, coalesce(user_id, x'00'));
CREATE INDEX IF NOT EXISTS idx_waypoints_src ON {{tables.waypoints}}(src_id);
CREATE INDEX IF NOT EXISTS idx_waypoints_dst ON {{tables.waypoints}}(dst_id);
CREATE INDEX IF NOT EXISTS idx_waypoints_user ON {{tables.waypoints}}(user_id);

CREATE TABLE IF NOT EXISTS {{tables.users}} (
  user_id TEXT PRIMARY KEY,
  summary TEXT,
  reflection_count INTEGER DEFAULT 0,
  created_at INTEGER,
  updated_at INTEGER
);

-- Maintenance operation logging (decay, reflect, consolidate).
CREATE TABLE IF NOT EXISTS {{tables.stats}} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  count INTEGER DEFAULT 1,
  ts INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_stats_ts ON {{tables.stats}}(ts);
CREATE INDEX IF NOT EXISTS idx_stats_type ON {{tables.stats}}(type);
