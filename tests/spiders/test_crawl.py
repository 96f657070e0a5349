"""The crawl of the sample site: what was fetched, what was stored, what was refused."""

from __future__ import annotations

import json

import yaml

from marketspeak.pipelines.demo_site.generate import sources_yaml
from marketspeak.spiders.launch import run_crawl


def documents_in_manifest(manifest: dict) -> list[dict]:
    return manifest["documents"]


def test_every_generated_document_is_stored_exactly_once(crawled, read_db):
    expected = {crawled.site.base_url + d["path"] for d in documents_in_manifest(crawled.manifest)}
    found = {row[0] for row in read_db.execute("SELECT url FROM document_urls").fetchall()}
    print_view = crawled.site.base_url + crawled.manifest["duplicates"]["print_view"]
    assert found == expected | {print_view}
    assert read_db.execute("SELECT count(*) FROM documents").fetchone()[0] == len(expected) == 227


def test_print_view_with_the_same_text_is_one_document_with_two_urls(crawled, read_db):
    base = crawled.site.base_url
    print_url = base + crawled.manifest["duplicates"]["print_view"]
    original = base + crawled.manifest["documents"][0]["path"]
    rows = dict(
        read_db.execute(
            "SELECT url, doc_id FROM document_urls WHERE url IN (?, ?)", [print_url, original]
        ).fetchall()
    )
    assert set(rows) == {print_url, original}
    assert rows[print_url] == rows[original]


def test_tracking_parameters_are_stripped_before_fetching(crawled):
    assert not [p for p in crawled.site.paths_requested() if "utm_" in p]


def test_robots_txt_disallowed_page_is_never_requested(crawled):
    requested = crawled.site.paths_requested()
    assert "/robots.txt" in requested
    assert crawled.manifest["disallowed"] not in requested


def test_listing_and_home_pages_are_followed_but_not_stored(crawled, read_db):
    requested = crawled.site.paths_requested()
    assert "/northshire/news/page/2/" in requested
    stored = [
        r[0]
        for r in read_db.execute(
            "SELECT url FROM documents WHERE url LIKE '%/page/%' OR url LIKE '%/news/' "
            "OR url LIKE '%/reports/'"
        ).fetchall()
    ]
    assert stored == []


def test_dates_and_their_provenance_match_what_was_published(crawled, read_db):
    base = crawled.site.base_url
    stored = {
        url: (published, source)
        for url, published, source in read_db.execute(
            "SELECT u.url, CAST(d.published AS VARCHAR), d.date_source "
            "FROM document_urls u JOIN documents d USING (doc_id)"
        ).fetchall()
    }
    for doc in documents_in_manifest(crawled.manifest):
        assert stored[base + doc["path"]] == (doc["published"], doc["date_source"]), doc["path"]


def test_undated_pages_are_kept_and_left_undated(crawled, read_db):
    undated = read_db.execute("SELECT count(*) FROM documents WHERE published IS NULL").fetchone()[
        0
    ]
    assert undated == sum(1 for d in crawled.manifest["documents"] if d["published"] is None) == 2


def test_latin1_pages_are_decoded_with_their_declared_charset(crawled, read_db):
    texts = [
        r[0]
        for r in read_db.execute(
            "SELECT text FROM documents WHERE source = 'southvale' AND content_type = 'html'"
        ).fetchall()
    ]
    assert texts and all("pounds sterling (\u00a3)" in t for t in texts)
    assert not any("\u00c2" in t for t in texts)  # the mark of latin-1 read as UTF-8


def test_pdf_text_and_metadata_date_are_extracted(crawled, read_db):
    pdfs = read_db.execute(
        "SELECT title, CAST(published AS VARCHAR), date_source, n_words FROM documents "
        "WHERE content_type = 'pdf' ORDER BY published"
    ).fetchall()
    expected = [
        (d["title"], d["published"])
        for d in crawled.manifest["documents"]
        if d["content_type"] == "pdf"
    ]
    assert [(t, p) for t, p, _, _ in pdfs] == sorted(expected, key=lambda x: x[1])
    assert all(source == "pdf-metadata" and words > 50 for _, _, source, words in pdfs)


def test_pdf_without_text_layer_is_reported_not_stored(crawled, read_db):
    scanned = crawled.site.base_url + crawled.manifest["no_text_pdfs"][0]
    issues = read_db.execute("SELECT url, reason FROM crawl_issues").fetchall()
    assert (scanned, "pdf-no-text-layer") in issues
    assert (
        read_db.execute("SELECT count(*) FROM documents WHERE url = ?", [scanned]).fetchone()[0]
        == 0
    )


def test_default_follow_stays_on_the_source_host(sample_site, tmp_path):
    source = yaml.safe_load(sources_yaml(sample_site.manifest, sample_site.base_url))["sources"][0]
    del source["follow"]  # default: every link on the source's hosts
    source.update(delay=0, concurrency=4, max_pages=40)
    before = len(sample_site.requests)
    run_crawl([source], tmp_path)
    new = sample_site.requests[before:]
    assert new, "the crawl made no requests"
    assert {r.host for r in new} == {sample_site.base_url.split("//")[1]}
    # The page links to the same server under another host name; it was not followed.
    page = (sample_site.root / "northshire" / "index.html").read_text()
    assert "__OFFSITE__/elsewhere/" in page


def test_max_pages_bounds_a_crawl(sample_site, tmp_path):
    source = yaml.safe_load(sources_yaml(sample_site.manifest, sample_site.base_url))["sources"][1]
    source.update(delay=0, concurrency=1, max_pages=5)
    out = run_crawl([source], tmp_path)
    items = [json.loads(line) for line in out.item_files[0].read_text().splitlines()]
    assert all(item["source"] == "southvale" for item in items)
    fetched = {i["url"] for i in items if i["item"] == "fetch"}
    left = {i["url"] for i in items if i["item"] == "not-fetched"}
    assert 0 < len(fetched) <= 5
    # Every link found past the budget is recorded as such, none of them fetched.
    assert left and not left & fetched
    assert {i["reason"] for i in items if i["item"] == "not-fetched"} == {"max-pages"}


def test_the_crawler_names_itself_with_the_configured_contact_url(
    sample_site, tmp_path, monkeypatch
):
    from marketspeak.pipelines import steps

    monkeypatch.setenv("MARKETSPEAK_CONTACT_URL", "https://example.org/about-our-crawler")
    source = yaml.safe_load(sources_yaml(sample_site.manifest, sample_site.base_url))["sources"][0]
    source.update(delay=0, max_pages=2)
    before = len(sample_site.requests)
    steps.crawl([source], tmp_path / "ua.duckdb")
    agents = {r.agent for r in sample_site.requests[before:]}
    assert agents == {
        "marketspeak/0.1 (public-sector language research; +https://example.org/about-our-crawler)"
    }
