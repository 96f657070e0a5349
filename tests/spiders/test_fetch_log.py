"""Every request a crawl makes is recorded, with what came back; each run is summarised."""

from __future__ import annotations


def test_every_request_the_server_saw_is_in_the_fetch_log(crawled, read_db):
    base = crawled.site.base_url
    seen = sorted(base + r.path for r in crawled.requests if r.path != "/robots.txt")
    logged = sorted(
        r[0]
        for r in read_db.execute("SELECT url FROM fetch_log WHERE status IS NOT NULL").fetchall()
    )
    assert logged == seen


def test_a_broken_link_is_recorded_as_a_404(crawled, read_db):
    url = crawled.site.base_url + crawled.manifest["missing"][0]
    assert read_db.execute(
        "SELECT status, error FROM fetch_log WHERE url = ?", [url]
    ).fetchall() == [(404, "http-404")]


def test_a_robots_disallowed_link_is_recorded_without_a_request(crawled, read_db):
    url = crawled.site.base_url + crawled.manifest["disallowed"]
    assert read_db.execute(
        "SELECT status, error FROM fetch_log WHERE url = ?", [url]
    ).fetchall() == [(None, "robots-disallowed")]


def test_a_corrupt_pdf_is_fetched_and_reported_unreadable(crawled, read_db):
    url = crawled.site.base_url + crawled.manifest["corrupt_pdfs"][0]
    assert read_db.execute(
        "SELECT status, error FROM fetch_log WHERE url = ?", [url]
    ).fetchall() == [(200, "")]
    [(reason,)] = read_db.execute("SELECT reason FROM crawl_issues WHERE url = ?", [url]).fetchall()
    assert reason == "pdf-unreadable"


def test_crawl_runs_sum_up_each_source(crawled, read_db):
    runs = {
        row[0]: row[1:]
        for row in read_db.execute(
            "SELECT source, pages_fetched, pages_failed, failures, new_documents, "
            "duplicate_documents, issues, not_fetched, truncated FROM crawl_runs"
        ).fetchall()
    }
    assert set(runs) == {"northshire", "southvale", "care-regulator"}
    docs = {s: sum(1 for d in crawled.manifest["documents"] if d["source"] == s) for s in runs}
    for source, (fetched, failed, _, new, _duplicates, _issues, left, _) in runs.items():
        logged = read_db.execute(
            "SELECT count(*) FILTER (WHERE error = ''), count(*) FILTER (WHERE error <> '') "
            "FROM fetch_log WHERE source = ?",
            [source],
        ).fetchone()
        # Each logged request is fetched, failed, or left because of a limit (robots.txt).
        limits_logged = sum(n for reason, n in left.items() if reason == "robots-disallowed")
        assert (fetched, failed + limits_logged) == logged
        assert new == docs[source]
    assert runs["northshire"][4] == 1  # the print view
    assert runs["southvale"][2] == {"http-404": 1}
    assert runs["southvale"][6] == {"robots-disallowed": 1}
    assert runs["southvale"][5] == 2  # the scanned PDF and the corrupt one
    # Its link to another host is not one its `follow` patterns ask for: nothing was left.
    assert runs["northshire"][6] == {}
    assert not any(run[7] for run in runs.values())


def test_the_only_failures_are_the_planted_ones(read_db):
    failures = read_db.execute(
        "SELECT source, error, count(*) FROM fetch_log WHERE error <> '' GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert failures == [("southvale", "http-404", 1), ("southvale", "robots-disallowed", 1)]
