-- Version 4: crawl_runs counts the URLs a crawl did not fetch because of a limit, by
-- reason (not_fetched), and says whether a limit cut the crawl short (truncated).
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS not_fetched MAP(VARCHAR, INTEGER);
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS truncated BOOLEAN;

-- Earlier runs counted robots.txt refusals, redirects off the source's hosts and oversized
-- bodies as failures. They are limits of the crawl, not faults of the site: move them from
-- failures and pages_failed to not_fetched, so every row counts them the same way. The
-- depth and page limits of those runs left no record: truncated stays NULL (unknown)
-- unless a body was too large.
UPDATE crawl_runs SET
    not_fetched = map_from_entries(list_filter(
        map_entries(coalesce(failures, MAP {})),
        lambda e: e.key IN ('robots-disallowed', 'offsite', 'too-large'))),
    pages_failed = pages_failed - coalesce(list_sum(list_transform(list_filter(
        map_entries(coalesce(failures, MAP {})),
        lambda e: e.key IN ('robots-disallowed', 'offsite', 'too-large')),
        lambda e: e.value)), 0),
    failures = CASE WHEN len(list_filter(
        map_entries(coalesce(failures, MAP {})),
        lambda e: e.key NOT IN ('robots-disallowed', 'offsite', 'too-large'))) = 0 THEN NULL
        ELSE map_from_entries(list_filter(
            map_entries(failures),
            lambda e: e.key NOT IN ('robots-disallowed', 'offsite', 'too-large'))) END,
    truncated = CASE WHEN coalesce(failures['too-large'], 0) > 0 THEN true END
WHERE not_fetched IS NULL;
