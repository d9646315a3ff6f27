-- OpenMemory 1.1: the schema before multi-user support, in the schema named by OM_PG_SCHEMA.
CREATE TABLE IF NOT EXISTS {{tables.memories}} (
  id TEXT PRIMARY KEY,
  content TEXT NOT NULL,
  primary_sector TEXT NOT NULL,
  tags TEXT,
  meta TEXT,
  created_at BIGINT,
  updated_at BIGINT,
  last_seen_at BIGINT,
  salience DOUBLE PRECISION,
  decay_lambda DOUBLE PRECISION,
  version INTEGER DEFAULT 1,
  mean_dim INTEGER,
  mean_vec BYTEA
);

CREATE TABLE IF NOT EXISTS {{tables.vectors}} (
  id TEXT NOT NULL,
  sector TEXT NOT NULL,
  v BYTEA,
  dim INTEGER,
  PRIMARY KEY (id, sector)
);

-- Full-text search: a tsvector column with a GIN index stands in for SQLite's FTS5 table.
CREATE TABLE IF NOT EXISTS {{tables.memories_fts}} (
  id TEXT PRIMARY KEY,
  content TEXT NOT NULL,
  content_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED
);
CREATE INDEX IF NOT EXISTS openmemory_memories_fts_idx ON {{tables.memories_fts}} USING GIN (content_tsv);

CREATE TABLE IF NOT EXISTS {{tables.waypoints}} (
  src_id TEXT,
  dst_id TEXT NOT NULL,
  weight DOUBLE PRECISION NOT NULL,
  created_at BIGINT,
  updated_at BIGINT,
  CONSTRAINT openmemory_waypoints_pkey PRIMARY KEY (src_id)
);

CREATE TABLE IF NOT EXISTS {{tables.embed_logs}} (
  id TEXT PRIMARY KEY,
  model TEXT,
  status TEXT,
  ts BIGINT,
  err TEXT
);

CREATE INDEX IF NOT EXISTS openmemory_memories_sector_idx ON {{tables.memories}}(primary_sector);
CREATE INDEX IF NOT EXISTS openmemory_waypoints_src_idx ON {{tables.waypoints}}(src_id);
CREATE INDEX IF NOT EXISTS openmemory_waypoints_dst_idx ON {{tables.waypoints}}(dst_id);
