"""A second crawl of an unchanged site downloads no document again; a changed page is new."""

from __future__ import annotations

import shutil

import duckdb

from marketspeak.pipelines import steps
from marketspeak.pipelines.demo import demo_sources


def crawl_once(site, db, **settings):
    sources = [{**s, **settings} for s in demo_sources(site.manifest, site.base_url)]
    before = len(site.requests)
    files = steps.crawl(sources, db)
    steps.ingest(db, files, sources)
    return site.requests[before:]


def test_recrawl_of_an_unchanged_site_costs_only_304s(crawled, tmp_path):
    db = tmp_path / "again.duckdb"
    shutil.copy(crawled.db, db)
    requests = crawl_once(crawled.site, db)
    base = crawled.site.base_url
    documents = {base + d["path"] for d in crawled.manifest["documents"]}
    documents.add(base + crawled.manifest["duplicates"]["print_view"])
    by_url = {base + r.path: r.status for r in requests}
    assert {by_url[u] for u in documents} == {304}
    # Listing pages are fetched in full, so the links they hold are never lost.
    assert by_url[base + "/northshire/news/page/2/"] == 200
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 227
    runs = con.execute(
        "SELECT sum(pages_not_modified), sum(new_documents) FROM crawl_runs "
        "WHERE run_id = (SELECT max(run_id) FROM crawl_runs)"
    ).fetchone()
    assert runs == (len(documents), 0)


def test_an_edited_page_is_downloaded_and_stored_as_new_text(crawled, tmp_path):
    db = tmp_path / "edited.duckdb"
    shutil.copy(crawled.db, db)
    site_root = crawled.site.root
    doc = crawled.manifest["documents"][5]
    page = site_root / doc["path"].lstrip("/")
    original = page.read_bytes()
    try:
        page.write_bytes(original.replace(b"</article>", b"<p>A late correction.</p></article>"))
        requests = crawl_once(crawled.site, db)
    finally:
        page.write_bytes(original)
    statuses = {r.path: r.status for r in requests}
    assert statuses[doc["path"]] == 200
    assert sum(1 for s in statuses.values() if s == 200) < 60  # listings and the edited page
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 228
    [(text,)] = con.execute(
        "SELECT d.text FROM document_urls u JOIN documents d USING (doc_id) WHERE u.url = ?",
        [crawled.site.base_url + doc["path"]],
    ).fetchall()
    assert text.endswith("A late correction.")
    # The earlier text is kept as history but no longer counted.
    assert con.execute("SELECT count(*) FROM current_documents").fetchone()[0] == 227
    con.close()
    steps.tokenise(db, show_progress=False)
    con = duckdb.connect(str(db), read_only=True)
    # The sample site's one near-duplicate (a PDF repeating a page) counts through the page.
    duplicates = con.execute("SELECT count(*) FROM duplicate_members").fetchone()[0]
    assert duplicates == 1
    assert con.execute("SELECT sum(n_documents) FROM trend('year')").fetchone()[0] == 226


def test_documents_checked_within_revisit_after_are_not_asked_about(crawled, tmp_path):
    db = tmp_path / "fresh.duckdb"
    shutil.copy(crawled.db, db)
    con = duckdb.connect(str(db))
    stored = dict(con.execute("SELECT url, last_seen FROM document_urls").fetchall())
    # One document was last checked two hours ago: older than the hour allowed below.
    stale = sorted(stored)[0]
    con.execute(
        "UPDATE document_urls SET last_seen = last_seen - INTERVAL 2 HOUR WHERE url = ?", [stale]
    )
    con.close()

    requests = crawl_once(crawled.site, db, revisit_after=3600)

    by_url = {crawled.site.base_url + r.path: r.status for r in requests}
    assert by_url[stale] == 304
    assert not (set(stored) - {stale}) & set(by_url)
    assert by_url[crawled.site.base_url + "/northshire/news/page/2/"] == 200  # listings still read
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute(
        "SELECT sum(pages_not_due), sum(pages_not_modified), sum(new_documents) FROM crawl_runs "
        "WHERE run_id = (SELECT max(run_id) FROM crawl_runs)"
    ).fetchone()
    assert runs == (len(stored) - 1, 1, 0)
    assert con.execute("SELECT count(*) FROM current_documents").fetchone()[0] == 227
    # Not asking is not a check: the skipped URLs keep the time they were last seen.
    after = dict(con.execute("SELECT url, last_seen FROM document_urls").fetchall())
    assert {u: t for u, t in after.items() if u != stale} == {
        u: t for u, t in stored.items() if u != stale
    }
    assert after[stale] > stored[stale]


def test_a_new_document_is_found_while_the_others_are_not_due(crawled, tmp_path):
    db = tmp_path / "grown.duckdb"
    shutil.copy(crawled.db, db)
    doc = crawled.manifest["documents"][5]
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM document_urls WHERE url = ?", [crawled.site.base_url + doc["path"]])
    con.close()

    requests = crawl_once(crawled.site, db, revisit_after=3600)

    assert {r.path: r.status for r in requests}[doc["path"]] == 200
    con = duckdb.connect(str(db), read_only=True)
    assert (
        con.execute("SELECT count(*) FROM document_urls").fetchone()[0]
        == len(crawled.manifest["documents"]) + 1
    )
