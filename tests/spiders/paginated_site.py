"""A generated news site whose listing is a chain of pages, as councils' news and
publication listings are: listing page k links its documents and page k+1 only, so the
last documents are as many hops from the start as there are listing pages.

Each `style` is one way publishers mark the way to the next listing page. The site is
generated in memory and served on 127.0.0.1; `plan` says what every page links to, so a
test can work out what a crawl should have found. Used by the crawl tests and by
`python -m bench.pagination`.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from tests.spiders.fixture_http import FixtureHandler, running

# How listing page k points at page k+1 (and what else its pager holds).
STYLES = {
    # Only the link text says so: no rel, no pager markup (the case that depth limits broke).
    "next-text": '<p><a href="{next}">Next</a></p>',
    # rel="next" on an arrow: nothing in the text to go by.
    "rel-next": '<p><a rel="next" href="{next}" title="go on">\u203a</a></p>',
    # A numbered pager in a <nav> marked as pagination, showing the next two page numbers.
    "numbered": '<nav aria-label="Pagination"><ul><li><a href="{next}">{n1}</a></li>'
    '<li><a href="{after}">{n2}</a></li></ul></nav>',
    # ?page=N on the same listing path, linked by a word that is not a pagination word.
    "page-param": '<p><a href="{next}">See more stories</a></p>',
    # Not pagination: each topic page links the next topic as an ordinary related link, so
    # every topic is one hop further than the last (what a depth limit is for).
    "see-also": '<p><a href="{next}">Related topic</a></p>',
}
# Links on the first listing page to another host name of the same server (the server puts
# http://localhost:PORT in place of the marker): never requested, counted as offsite.
OFFSITE = "__OFFSITE__"
OFFSITE_LINKS = 3
PROSE = "The council agreed its plan for libraries, parks and roads in the coming year. " * 6


@dataclass
class Plan:
    """What the generated site holds: listing paths in chain order, document paths, and
    every page's on-site links."""

    listings: list[str]
    documents: list[str]
    links: dict[str, list[str]] = field(default_factory=dict)
    hosts: set[str] = field(default_factory=set)  # Host headers the server saw

    def found_from(self, fetched: set[str]) -> set[str]:
        """Every path linked from the pages in `fetched`."""
        return {link for page in fetched for link in self.links.get(page, [])}


def listing_path(style: str, number: int) -> str:
    if number == 1:
        return "/news/"
    if style == "see-also":
        return f"/news/topic-{number}/"
    return f"/news/?page={number}" if style == "page-param" else f"/news/page/{number}/"


def plan_site(listings: int, per_page: int, style: str = "next-text") -> Plan:
    pages = [listing_path(style, k) for k in range(1, listings + 1)]
    docs = [f"/news/{n:05d}.html" for n in range(listings * per_page)]
    plan = Plan(pages, docs)
    for k, page in enumerate(pages):
        mine = docs[k * per_page : (k + 1) * per_page]
        plan.links[page] = mine + pages[k + 1 : k + 3 if style == "numbered" else k + 2]
    for doc in docs:
        plan.links[doc] = ["/news/"]  # "back to the news"
    return plan


def render_listing(plan: Plan, style: str, k: int, per_page: int) -> str:
    mine = plan.documents[k * per_page : (k + 1) * per_page]
    items = "".join(
        f'<li><a href="{path}">Council news item {path[6:11]}</a> '
        f'<time datetime="2024-{1 + k % 12:02d}-15">15 May</time></li>'
        for path in mine
    )
    pager = ""
    if k + 1 < len(plan.listings):
        after = plan.listings[k + 2] if k + 2 < len(plan.listings) else plan.listings[k + 1]
        pager = STYLES[style].format(next=plan.listings[k + 1], after=after, n1=k + 2, n2=k + 3)
    if k == 0:
        pager += "".join(
            f'<a href="{OFFSITE}/elsewhere/{n}.html">Partner news {n}</a> '
            for n in range(OFFSITE_LINKS)
        )
    head = f"<head><title>News, page {k + 1}</title></head>"
    return f"<html>{head}<body><ul>{items}</ul>{pager}</body></html>"


def render_document(path: str) -> str:
    number = path[6:11]
    return (
        f"<html><head><title>News {number}</title>"
        f'<meta property="article:published_time" content="2024-03-{1 + int(number) % 28:02d}">'
        f"</head><body><article><h1>News item {number}</h1><p>Item {number}. {PROSE}</p>"
        '<p><a href="/news/">Back to the news</a></p></article></body></html>'
    )


@contextlib.contextmanager
def serve_paginated(
    listings: int = 60, per_page: int = 3, style: str = "next-text", robots: str = ""
) -> Iterator[tuple[str, Plan, Counter]]:
    """Serve the site; yield its base URL, its plan and a Counter of paths requested.
    `robots` is the robots.txt to serve."""
    plan = plan_site(listings, per_page, style)
    pages = {path: render_listing(plan, style, k, per_page) for k, path in enumerate(plan.listings)}
    pages.update({path: render_document(path) for path in plan.documents})
    hits: Counter = Counter()  # path -> requests
    hosts: set[str] = set()  # Host headers seen
    counting = threading.Lock()

    class Handler(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            with counting:
                hits[self.path] += 1
                hosts.add(self.headers.get("Host", ""))
            if self.path == "/robots.txt":
                return self.send(200, robots.encode(), ctype="text/plain")
            if self.path in pages:
                offsite = f"http://localhost:{self.server.server_address[1]}"
                return self.send(200, pages[self.path].replace(OFFSITE, offsite).encode())
            return self.send(404, b"not here")

    with running(Handler) as (base,):
        plan.hosts = hosts
        yield base, plan, hits


def paginated_source(base: str, name: str = "chained", **extra: object) -> dict:
    """A source for the site: documents are /news/NNNNN.html, politeness off for tests."""
    return {
        "name": name,
        "kind": "council",
        "start_urls": [f"{base}/news/"],
        "documents": [r"/news/\d+\.html$"],
        "delay": 0,
        "concurrency": 8,
        **extra,
    }
