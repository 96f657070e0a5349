"""Nothing is lost silently: a listing is followed to its last page however long it is, and
every URL a limit keeps from being fetched is counted in crawl_runs by reason, with a crawl
cut short by one reported as truncated."""

from __future__ import annotations

import duckdb
import pytest

from marketspeak.pipelines import steps
from marketspeak.spiders.source_spider import SourceSpider
from tests.spiders.fixture_http import FixtureHandler, running
from tests.spiders.paginated_site import (
    OFFSITE_LINKS,
    STYLES,
    paginated_source,
    serve_paginated,
)

PAGINATION_STYLES = sorted(set(STYLES) - {"see-also"})


def crawl_site(tmp_path, listings=60, per_page=3, style="next-text", robots="", **extra):
    """Crawl and ingest the generated site; return what the server saw and crawl_runs."""
    db = tmp_path / "limits.duckdb"
    with serve_paginated(listings, per_page, style, robots) as (base, plan, hits):
        source = paginated_source(base, **extra)
        files = steps.crawl([source], db)
        result = steps.ingest(db, files, [source])
    con = duckdb.connect(str(db), read_only=True)
    cursor = con.execute("SELECT * FROM crawl_runs")
    found = dict(zip([c[0] for c in cursor.description], cursor.fetchone(), strict=True))
    columns = (
        "pages_fetched",
        "pages_failed",
        "failures",
        "new_documents",
        "not_fetched",
        "truncated",
    )
    row = tuple(found.get(c) for c in columns)
    stored = {u for (u,) in con.execute("SELECT url FROM document_urls").fetchall()}
    con.close()
    fetched = {path for path in hits if path != "/robots.txt"}
    return {
        "db": db,
        "base": base,
        "plan": plan,
        "hits": hits,
        "fetched": fetched,
        "row": row,
        "stored": stored,
        "run_id": result["run_id"],
        "source": source,
    }


@pytest.mark.parametrize("style", PAGINATION_STYLES)
def test_a_sixty_page_listing_is_followed_to_its_last_page(tmp_path, style):
    crawl = crawl_site(tmp_path, style=style)
    plan, base = crawl["plan"], crawl["base"]
    assert crawl["stored"] == {base + path for path in plan.documents}
    assert len(crawl["stored"]) == 180
    _, failed, _, new, not_fetched, truncated = crawl["row"]
    assert (failed, new, truncated) == (0, 180, False)
    # The only links left are the first page's links to another host.
    assert not_fetched == {"offsite": OFFSITE_LINKS}


def test_a_chain_of_ordinary_links_stops_at_the_depth_limit_and_says_how_many_it_left(tmp_path):
    crawl = crawl_site(
        tmp_path, listings=30, style="see-also", scrapy_settings={"LINK_DEPTH_LIMIT": 5}
    )
    plan, fetched = crawl["plan"], crawl["fetched"]
    # Topic pages 1 to 6 are 0 to 5 hops from the start; the documents of the sixth are 6.
    assert set(plan.listings[:6]) <= fetched and not set(plan.listings[6:]) & fetched
    _, _, _, new, not_fetched, truncated = crawl["row"]
    left = plan.found_from(fetched) - fetched
    assert not_fetched == {"depth": len(left), "offsite": OFFSITE_LINKS} and len(left) == 4
    assert new == 15 and truncated is True


def test_a_crawl_cut_short_by_max_pages_is_reported_as_truncated_with_the_count(tmp_path):
    crawl = crawl_site(tmp_path, per_page=10, max_pages=40)
    plan, fetched = crawl["plan"], crawl["fetched"]
    assert len(fetched) == 40
    fetched_pages, _, _, new, not_fetched, truncated = crawl["row"]
    left = plan.found_from(fetched) - fetched
    assert len(left) > 1, "the budget ran out in the middle of a listing page"
    assert not_fetched == {"max-pages": len(left), "offsite": OFFSITE_LINKS}
    assert truncated is True and fetched_pages == 40
    assert new == len(set(plan.documents) & fetched)
    [line] = steps.source_summary(crawl["db"], crawl["run_id"], {"chained": "crawled"})
    assert f"truncated: {len(left)} links beyond max_pages" in line
    assert f"not fetched: {OFFSITE_LINKS} links on other hosts" in line


def test_offsite_links_and_robots_txt_are_counted_but_do_not_truncate(tmp_path):
    robots = "User-agent: *\nDisallow: /news/00004.html\nDisallow: /news/00007.html\n"
    crawl = crawl_site(tmp_path, listings=5, robots=robots)
    _, failed, failures, new, not_fetched, truncated = crawl["row"]
    assert not_fetched == {"offsite": OFFSITE_LINKS, "robots-disallowed": 2}
    assert (failed, failures, truncated) == (0, None, False)
    assert new == 13
    assert crawl["plan"].hosts == {crawl["base"].split("//")[1]}  # localhost never asked
    assert not {"/news/00004.html", "/news/00007.html"} & crawl["fetched"]
    [line] = steps.source_summary(crawl["db"], crawl["run_id"], {"chained": "crawled"})
    assert "truncated" not in line
    assert (
        f"not fetched: {OFFSITE_LINKS} links on other hosts, 2 links disallowed by robots.txt"
        in line
    )


def test_each_link_past_the_depth_limit_is_counted_once_and_none_is_fetched(tmp_path):
    # With a depth limit of 1, topic 2 is one hop away; its documents and topic 3 are two.
    # Every document links back to the news page, which is never counted again.
    crawl = crawl_site(
        tmp_path, listings=3, style="see-also", scrapy_settings={"LINK_DEPTH_LIMIT": 1}
    )
    plan, fetched = crawl["plan"], crawl["fetched"]
    assert fetched == {"/news/", "/news/topic-2/", *plan.documents[:3]}
    left = plan.found_from(fetched) - fetched
    assert left == {*plan.documents[3:6], "/news/topic-3/"}
    assert crawl["row"][4] == {"depth": 4, "offsite": OFFSITE_LINKS}


def test_sitemap_entries_on_another_host_are_counted_as_offsite_and_never_asked(tmp_path):
    seen_hosts: set[str] = set()

    class Sitemapped(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen_hosts.add(self.headers.get("Host", ""))
            port = self.server.server_address[1]
            if self.path == "/sitemap.xml":
                locs = [f"http://127.0.0.1:{port}/r/{n}.html" for n in (1, 2)]
                locs += [f"http://localhost:{port}/r/{n}.html" for n in (3, 4)]
                urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
                return self.send(200, f"<urlset>{urls}</urlset>".encode(), ctype="text/xml")
            if self.path.startswith("/r/"):
                text = f"Review {self.path}: the board published its review of care. " * 5
                return self.send(
                    200, f"<html><body><article><p>{text}</p></article></body></html>".encode()
                )
            return self.send(404, b"")

    db = tmp_path / "sm.duckdb"
    with running(Sitemapped) as (base,):
        source = {
            "name": "mapped",
            "kind": "regulator",
            "platform": "sitemap",
            "start_urls": [f"{base}/sitemap.xml"],
            "delay": 0,
        }
        steps.ingest(db, steps.crawl([source], db), [source])
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT new_documents, not_fetched, truncated FROM crawl_runs").fetchone()
    con.close()
    assert row == (2, {"offsite": 2}, False)
    assert seen_hosts == {base.split("//")[1]}


def test_a_url_over_the_length_limit_is_counted_not_dropped(tmp_path):
    long_path = "/r/" + "a" * 2100  # Scrapy's URLLENGTH_LIMIT is 2083

    class Long(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/":
                links = f'<a href="{long_path}">Long</a> <a href="/r/short">Short</a>'
                return self.send(200, f"<html><body>{links}</body></html>".encode())
            return self.send(200, b"<html><body><p>A page.</p></body></html>")

    db = tmp_path / "long.duckdb"
    with running(Long) as (base,):
        source = {"name": "long", "kind": "other", "start_urls": [f"{base}/"], "delay": 0}
        steps.ingest(db, steps.crawl([source], db), [source])
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT pages_fetched, not_fetched, truncated FROM crawl_runs").fetchone()
    con.close()
    assert row == (2, {"url-too-long": 1}, True)
    spider = SourceSpider({"name": "s", "kind": "other", "start_urls": [base]})
    assert spider.request(base + long_path) is None and spider.request(base + "/r/x")
