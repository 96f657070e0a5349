"""Sitemap and feed crawls find the documents their lists name, dated by the list only when
the page itself has no date."""

from __future__ import annotations

import json

import pytest

from marketspeak.pipelines.sources import load_sources
from marketspeak.spiders.launch import run_crawl
from marketspeak.spiders.listings import read_feed, read_sitemap


def crawl(site, tmp_path, **source):
    source = {"kind": "council", "delay": 0, "concurrency": 8, **source}
    out = run_crawl([source], tmp_path)
    rows = [json.loads(line) for f in out.item_files for line in f.read_text().splitlines()]
    return [r for r in rows if r["item"] == "document"], [r for r in rows if r["item"] == "fetch"]


def test_a_sitemap_index_leads_to_every_listed_document(sample_site, tmp_path):
    base = sample_site.base_url
    docs, fetches = crawl(
        sample_site,
        tmp_path,
        name="northshire",
        platform="sitemap",
        start_urls=[base + sample_site.manifest["sitemap"]],
        documents=[r"/news/\d{4}/"],
    )
    expected = {
        base + d["path"]: d["published"]
        for d in sample_site.manifest["documents"]
        if d["source"] == "northshire"
    }
    assert {d["url"]: d["published"] for d in docs} == expected
    assert {d["date_source"] for d in docs} == {"html-meta"}  # the page's own date wins
    assert not [f for f in fetches if "/page/" in f["url"]]  # listings were never needed


def test_a_feed_dates_pages_that_have_no_date_of_their_own(sample_site, tmp_path):
    base = sample_site.base_url
    docs, _ = crawl(
        sample_site,
        tmp_path,
        name="care-regulator",
        platform="feed",
        kind="regulator",
        start_urls=[base + sample_site.manifest["feed"]],
    )
    by_path = {d["url"].removeprefix(base): d for d in docs}
    feed_dates = sample_site.manifest["feed_dates"]
    assert set(by_path) == set(feed_dates)
    for doc in sample_site.manifest["documents"]:
        if doc["source"] != "care-regulator":
            continue
        found = by_path[doc["path"]]
        if doc["published"]:
            assert (found["published"], found["date_source"]) == (doc["published"], "json-ld")
        else:
            assert (found["published"], found["date_source"]) == (feed_dates[doc["path"]], "feed")


def test_atom_entries_and_gzipped_sitemaps_are_read():
    import gzip

    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" '
        b'href="/a.html"/><updated>2019-04-02T10:00:00Z</updated></entry></feed>'
    )
    assert [(e.url, str(e.date)) for e in read_feed(atom)] == [("/a.html", "2019-04-02")]
    sitemap = gzip.compress(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://x/b</loc></url></urlset>"
    )
    assert [(e.url, e.date, e.is_sitemap) for e in read_sitemap(sitemap)] == [
        ("http://x/b", None, False)
    ]


@pytest.mark.parametrize("body", [b"", b"not xml at all", b"<rss><channel><item>", b"\x1f\x8bjunk"])
def test_broken_lists_yield_nothing_instead_of_failing(body):
    assert list(read_feed(body)) == [] and list(read_sitemap(body)) == []


def test_an_unknown_platform_is_a_config_error(tmp_path):
    from marketspeak.corpus.yamlfile import ConfigError

    path = tmp_path / "s.yaml"
    path.write_text(
        "sources:\n  - name: a\n    kind: council\n    platform: wiki\n"
        "    start_urls: [http://127.0.0.1/]\n"
    )
    with pytest.raises(ConfigError, match=r"s\.yaml:4: source 'a': platform: 'wiki'"):
        load_sources(path)


def test_a_govuk_source_needs_organisations(tmp_path):
    from marketspeak.corpus.yamlfile import ConfigError

    path = tmp_path / "s.yaml"
    path.write_text(
        "sources:\n  - name: a\n    kind: regulator\n    platform: govuk\n"
        "    start_urls: [https://www.gov.uk/api/search.json]\n"
    )
    with pytest.raises(ConfigError, match="platform govuk needs 'organisations'"):
        load_sources(path)
