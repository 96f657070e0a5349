"""One spelling per page: default ports and tracking parameters go, real parameters stay, and
a source's own host is its own host whichever way a link spells its port."""

from __future__ import annotations

import contextlib
import errno
import threading

import duckdb
import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from marketspeak.pipelines import steps
from marketspeak.pipelines.demo_site.server import LocalServer
from marketspeak.spiders.middlewares import SourceHostsMiddleware
from marketspeak.spiders.source_spider import SourceSpider
from marketspeak.spiders.urls import canonical_url, host_of
from tests.spiders.fixture_http import FixtureHandler, running


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://x.example/a", "https://x.example/a"),
        ("https://x.example:443/a", "https://x.example/a"),
        ("http://x.example:80/a", "http://x.example/a"),
        ("HTTPS://X.Example:443/a", "https://x.example/a"),
        ("http://[::1]:80/a", "http://[::1]/a"),
        # A default port of the other scheme is a port like any other.
        ("http://x.example:443/a", "http://x.example:443/a"),
        ("https://x.example:80/a", "https://x.example:80/a"),
        ("https://x.example:8443/a", "https://x.example:8443/a"),
    ],
)
def test_a_default_port_is_the_same_url_as_no_port(url, canonical):
    assert canonical_url(url) == canonical


def test_host_of_drops_only_the_default_port():
    assert host_of("https://x.example:443/a") == host_of("https://x.example/a") == "x.example"
    assert host_of("http://127.0.0.1:8080/") == "127.0.0.1:8080"


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("_ga=2.1234&page=2", "page=2"),
        ("_gallery=7", "_gallery=7"),  # the bug: the `_ga` prefix took it
        ("_gap=1&_game=chess&_gallery=2", "_gallery=2&_game=chess&_gap=1"),
        ("utm_source=x&utm_medium=y&id=3", "id=3"),
        ("fbclid=abc&gclid=def&msclkid=g&mc_cid=h&mc_eid=i&_gl=j&q=rates", "q=rates"),
        ("gclidx=1", "gclidx=1"),  # names match exactly, not as prefixes
    ],
)
def test_tracking_parameters_go_by_exact_name_and_real_ones_stay(query, kept):
    assert canonical_url(f"https://x.example/photos?{query}") == f"https://x.example/photos?{kept}"


def spider_for(start: str) -> SourceSpider:
    return SourceSpider({"name": "s", "kind": "council", "start_urls": [start]})


def test_a_link_spelling_out_the_default_port_is_on_the_source():
    spider = spider_for("https://x.example/news/")
    assert spider.should_follow(canonical_url("https://x.example:443/news/1.html"))
    middleware = SourceHostsMiddleware(crawler=None)
    # A redirect's Location keeps the port as written: the middleware must not refuse it.
    assert middleware.process_request(Request("https://x.example:443/news/1.html"), spider) is None
    with pytest.raises(IgnoreRequest, match="offsite"):
        middleware.process_request(Request("https://x.example:8443/news/1.html"), spider)


def test_pages_that_differ_by_a_real_parameter_are_two_documents(tmp_path):
    class Gallery(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/photos/":
                links = "".join(f'<a href="/photos/?_gallery={n}">Gallery {n}</a>' for n in (1, 2))
                return self.send(200, f"<html><body>{links}</body></html>".encode())
            if self.path.startswith("/photos/?_gallery="):
                n = self.path.rsplit("=", 1)[1]
                text = f"Gallery {n}: photographs of the new library opening, taken by residents. "
                body = f"<html><body><article><h1>Gallery {n}</h1><p>{text * 5}</p></article>"
                return self.send(200, (body + "</body></html>").encode())
            return self.send(404, b"")

    db = tmp_path / "g.duckdb"
    with running(Gallery) as (base,):
        source = {
            "name": "gallery",
            "kind": "council",
            "start_urls": [f"{base}/photos/"],
            "documents": [r"_gallery="],
            "delay": 0,
        }
        steps.ingest(db, steps.crawl([source], db), [source])
    con = duckdb.connect(str(db), read_only=True)
    urls = sorted(u for (u,) in con.execute("SELECT url FROM document_urls").fetchall())
    con.close()
    assert urls == [f"{base}/photos/?_gallery=1", f"{base}/photos/?_gallery=2"]


@contextlib.contextmanager
def serve_on_port_80(handler: type[FixtureHandler]):
    """The handler on 127.0.0.1:80, the default port of http; skip if it cannot be had."""
    try:
        server = LocalServer(("127.0.0.1", 80), handler)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EADDRINUSE, errno.EPERM):
            pytest.skip(f"port 80 on 127.0.0.1 is not free to a test here ({exc.strerror})")
        raise
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def test_a_site_linking_itself_with_its_default_port_is_crawled_and_stored_once(tmp_path):
    seen: list[str] = []

    class Site(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.path)
            if self.path == "/news/":
                link = '<a href="http://127.0.0.1:80/news/1.html">Budget agreed</a>'
                return self.send(200, f"<html><body>{link}</body></html>".encode())
            if self.path == "/news/1.html":
                text = "The council agreed its budget for the coming year after a long debate. "
                body = f"<html><body><article><h1>Budget</h1><p>{text * 5}</p></article>"
                return self.send(200, (body + "</body></html>").encode())
            return self.send(404, b"")

    db = tmp_path / "p.duckdb"
    with serve_on_port_80(Site):
        source = {
            "name": "port",
            "kind": "council",
            "start_urls": ["http://127.0.0.1/news/"],
            "documents": [r"/news/\d"],
            "delay": 0,
        }
        steps.ingest(db, steps.crawl([source], db), [source])
    con = duckdb.connect(str(db), read_only=True)
    urls = [u for (u,) in con.execute("SELECT url FROM document_urls").fetchall()]
    not_fetched = con.execute("SELECT not_fetched FROM crawl_runs").fetchone()[0]
    con.close()
    assert urls == ["http://127.0.0.1/news/1.html"]
    assert seen.count("/news/1.html") == 1
    assert not not_fetched
