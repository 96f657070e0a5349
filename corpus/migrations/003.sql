-- Version 3: crawl_runs counts the stored documents a crawl left unasked because the
-- source's revisit_after said they were checked recently enough.
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS pages_not_due INTEGER DEFAULT 0;
