-- Version 5: a document URL that answered 404 Not Found or 410 Gone after its last good
-- answer is gone, and no longer counts as serving its text (current_documents). Files of
-- version 4 learn which of their URLs are gone from the fetches already recorded.
ALTER TABLE document_urls ADD COLUMN IF NOT EXISTS gone_at TIMESTAMP;
ALTER TABLE document_urls ADD COLUMN IF NOT EXISTS gone_status INTEGER;
UPDATE document_urls SET gone_at = gone.at, gone_status = gone.status
FROM (SELECT url, max(fetched_at) AS at, arg_max(status, fetched_at) AS status
      FROM fetch_log WHERE status IN (404, 410) GROUP BY url) AS gone
WHERE document_urls.url = gone.url AND gone.at > document_urls.last_seen;
