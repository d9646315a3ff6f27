-- OpenMemory 1.3.0: project-level isolation. One file serves both providers.
ALTER TABLE {{tables.memories}} ADD COLUMN IF NOT EXISTS project_id TEXT;
CREATE INDEX IF NOT EXISTS openmemory_memories_project_idx ON {{tables.memories}}(project_id);

ALTER TABLE {{tables.vectors}} ADD COLUMN IF NOT EXISTS project_id TEXT;
CREATE INDEX IF NOT EXISTS openmemory_vectors_project_idx ON {{tables.vectors}}(project_id);

ALTER TABLE {{tables.waypoints}} ADD COLUMN IF NOT EXISTS project_id TEXT;
CREATE INDEX IF NOT EXISTS openmemory_waypoints_project_idx ON {{tables.waypoints}}(project_id);
