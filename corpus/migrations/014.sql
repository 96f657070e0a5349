-- Version 14: boilerplate_sources records a fingerprint of the documents each source's
-- boilerplate was computed over (which documents, not only how many), so that a source
-- whose documents changed but not in number is recomputed. Rows from before have none:
-- each such source is recomputed once, at the next boilerplate step, because the number
-- alone may already have missed a change (a merge that moved a document between sources).
-- A file from before version 9 has no boilerplate_sources yet: schema.sql creates it whole.
ALTER TABLE IF EXISTS boilerplate_sources ADD COLUMN IF NOT EXISTS fingerprint UBIGINT;
