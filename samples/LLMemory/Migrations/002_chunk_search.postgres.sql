-- Full-text search over chunks.
ALTER TABLE {{tables.document_chunks}}
  ADD COLUMN IF NOT EXISTS search TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', content)) STORED;
CREATE INDEX IF NOT EXISTS idx_document_chunks_search ON {{tables.document_chunks}} USING GIN (search);
