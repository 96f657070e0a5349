"""Small publishers on 127.0.0.1 whose pages a test removes, breaks or brings back between
real crawls, and the crawl-store-tokenise round the tests run against them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.spiders.fixture_http import FixtureHandler

PAGE = (
    "<html><head><title>{title}</title>"
    '<meta property="article:published_time" content="{day}"></head>'
    "<body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
)


REPEAT = 6  # sentences per page: each of a page's words is used this many times


def prose(topic: str, words: str) -> str:
    """A paragraph long enough to be a page's main text, about `topic`, using `words`."""
    return f"The report on {topic} speaks of {words}. " * REPEAT


class Site:
    """A publisher on 127.0.0.1 whose pages a test can remove, break or bring back between
    crawls: path -> (status, html). Pages answer with an ETag and honour If-None-Match, as
    real sites do, so a recrawl sees 304s for unchanged documents."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = {path: (200, html) for path, html in pages.items()}
        self.answers: list[tuple[str, int]] = []  # (path, status), in the order given

    def handler(self) -> type[FixtureHandler]:
        site = self

        class Handler(FixtureHandler):
            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/":
                    links = "".join(f'<a href="{p}">{p}</a> ' for p in site.pages)
                    return self.send(200, f"<html><body>{links}</body></html>".encode())
                status, html = site.pages.get(self.path, (404, "not here"))
                body = html.encode() if status == 200 else b"gone"
                etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
                site.answers.append((self.path, status))
                return self.send(
                    status, body, headers={"ETag": etag} if status in (200, 304) else {}
                )

        return Handler


def source_for(name: str, base: str) -> dict:
    """A source crawling the site at `base`: council-* sources are councils, others regulators."""
    return {
        "name": name,
        "kind": "council" if name.startswith("council") else "regulator",
        "start_urls": [base + "/"],
        "documents": ["/doc/"],
        "delay": 0,
        "concurrency": 4,
        "scrapy_settings": {"RETRY_TIMES": 0},
    }


def crawl_and_store(db: Path, sources: list[dict]) -> None:
    """Crawl the sources (in the order given), store what came back and tokenise it."""
    from marketspeak.pipelines import steps

    steps.ingest(db, steps.crawl(sources, db), sources)
    steps.tokenise(db, show_progress=False)


def page(title: str, words: str, day: str = "2015-05-01") -> str:
    """A dated article page (a reliable html-meta date) about `title`, using `words`."""
    return PAGE.format(title=title, day=day, text=prose(title, words))
