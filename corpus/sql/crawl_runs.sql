-- One crawl_runs row per source of an ingest (corpus/ingest.py, ingest_files), from the
-- registered `incoming` items and the `staged` documents.
-- Per source, before the documents are inserted: how many of its texts are new. $1 is the
-- run id; $2 the fetch error codes that are limits, not failures (corpus.items.LIMIT_ERRORS),
-- counted in not_fetched with the not-fetched items; $3 the reasons that truncate a crawl.
-- A not-fetched URL that the crawl fetched after all (a nearer page linked it) is not counted.
INSERT INTO crawl_runs (run_id, source, started_at, finished_at, pages_fetched,
    pages_not_modified, pages_failed, failures, new_documents, duplicate_documents, issues,
    pages_not_due, not_fetched, truncated)
WITH fetches AS (
    SELECT source, count(*) FILTER (WHERE coalesce(error, '') = '' AND status <> 304) AS ok,
           count(*) FILTER (WHERE status = 304) AS not_modified,
           count(*) FILTER (WHERE coalesce(error, '') <> '' AND NOT list_contains($2, error))
               AS failed,
           min(CAST(fetched_at AS TIMESTAMP)) AS started,
           max(CAST(fetched_at AS TIMESTAMP)) AS finished
    FROM incoming WHERE item = 'fetch' GROUP BY source
), failures AS (
    SELECT source, map_from_entries(list({'k': error, 'v': n} ORDER BY error)) AS failures
    FROM (SELECT source, error, count(*)::INTEGER AS n FROM incoming
          WHERE item = 'fetch' AND coalesce(error, '') <> '' AND NOT list_contains($2, error)
          GROUP BY ALL)
    GROUP BY source
), left_urls AS (
    SELECT source, error AS reason, url FROM incoming
    WHERE item = 'fetch' AND list_contains($2, error)
    UNION
    SELECT source, reason, url FROM incoming i
    WHERE item = 'not-fetched' AND NOT EXISTS (
        SELECT 1 FROM incoming f WHERE f.item = 'fetch' AND f.source = i.source AND f.url = i.url)
), not_fetched AS (
    SELECT source, map_from_entries(list({'k': reason, 'v': n} ORDER BY reason)) AS not_fetched,
           bool_or(list_contains($3, reason)) AS truncated
    FROM (SELECT source, reason, count(*)::INTEGER AS n FROM left_urls GROUP BY ALL)
    GROUP BY source
), docs AS (
    SELECT source,
           count(*) FILTER (WHERE item = 'document') AS found,
           count(*) FILTER (WHERE item = 'issue') AS issues,
           count(*) FILTER (WHERE item = 'not-due') AS not_due
    FROM incoming GROUP BY source
), new_texts AS (
    SELECT source, count(*) AS n FROM staged
    WHERE content_sha256 NOT IN (SELECT content_sha256 FROM documents) GROUP BY source
)
SELECT $1, s.source, f.started, f.finished, coalesce(f.ok, 0), coalesce(f.not_modified, 0),
       coalesce(f.failed, 0),
       fl.failures, coalesce(n.n, 0), coalesce(d.found, 0) - coalesce(n.n, 0),
       coalesce(d.issues, 0), coalesce(d.not_due, 0),
       coalesce(nf.not_fetched, MAP {}), coalesce(nf.truncated, false)
FROM (SELECT DISTINCT source FROM incoming) s
LEFT JOIN fetches f USING (source)
LEFT JOIN failures fl USING (source)
LEFT JOIN not_fetched nf USING (source)
LEFT JOIN docs d USING (source)
LEFT JOIN new_texts n USING (source)
