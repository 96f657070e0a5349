"""Which links on a page lead to another page of the same listing (pagination).

A pagination hop adds nothing to a link's depth (spiders/settings.py LINK_DEPTH_LIMIT), so
a listing is followed to its end however many pages it has. A link is pagination when any
of these holds:

1. its `rel` says so (`next`, `prev`, `previous`), or the page's `<link rel="next|prev">`
   names its URL;
2. it sits (within a few levels) inside an element whose class, id, aria-label or role
   names a pager: "pagination", "pager", "paging";
3. its text, aria-label or title is a pagination word and nothing else: "Next", "Next
   page", "Older posts", "« Previous", "Page 3", the Welsh "Nesaf" and "Blaenorol", or
   only arrows ("›", "»");
4. its URL is the page's own URL with only the page number changed: a page parameter
   (`page`, `pg`, `paged`, `pagenum`, `pageno`, `start`, `offset`, ...) or a trailing
   `/page/N/`.

Getting one wrong only loosens the depth limit for that link; `max_pages` still bounds the
crawl. A document is not pagination under these rules unless a publisher marks it so.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from scrapy.http import TextResponse

from marketspeak.spiders.urls import canonical_url

REL_WORDS = frozenset({"next", "prev", "previous"})
PAGER_MARK = "paginat|pager|paging"
# How far up from a link to look for a pager: nav > ul > li > a, with room for wrappers.
PAGER_LEVELS = 6
PAGER_WORDS = re.compile(
    r"^\W*(?:(?:next|previous|prev|older|newer|nesaf|blaenorol)"
    r"(?:\s+\d+)?(?:\s+(?:page|pages|posts|entries|results|items|articles|news|stories))?"
    r"|page\s+\d+)\W*$",
    re.IGNORECASE,
)
ARROWS = re.compile(r"^[\s\u00ab\u00bb\u2039\u203a\u2190\u2192<>]+$")
PAGE_PARAMS = frozenset(
    {"page", "pg", "paged", "pagenum", "pagenumber", "page_number", "pageno", "start", "offset"}
)
PAGE_PATH = re.compile(r"/page/\d+/?$")


def listing_key(url: str) -> tuple[str, str, tuple]:
    """A URL with its page number taken out: pages of one listing share it."""
    parts = urlsplit(url)
    query = tuple(sorted((k, v) for k, v in parse_qsl(parts.query) if k.lower() not in PAGE_PARAMS))
    return parts.netloc, PAGE_PATH.sub("", parts.path).rstrip("/"), query


def names_a_page(url: str) -> bool:
    parts = urlsplit(url)
    return bool(PAGE_PATH.search(parts.path)) or any(
        k.lower() in PAGE_PARAMS for k, _ in parse_qsl(parts.query)
    )


def is_pager_text(text: str | None) -> bool:
    text = " ".join((text or "").split())
    return bool(text) and bool(PAGER_WORDS.match(text) or ARROWS.match(text))


class PageLinks:
    """Pagination on one listing page; read the page once, then ask about each link."""

    def __init__(self, response: TextResponse, url: str) -> None:
        self.url = url
        self.key = listing_key(url)
        self.rel_urls = {
            canonical_url(response.urljoin(href))
            for link in response.css("link[href]")
            if REL_WORDS & set(link.attrib.get("rel", "").lower().split())
            for href in [link.attrib["href"].strip()]
        }
        self.pagers = {
            node.root
            for node in response.xpath(
                "//*[re:test(concat(@class, ' ', @id, ' ', @aria-label, ' ', @role), $mark, 'i')]",
                mark=PAGER_MARK,
            )
        }

    def is_pagination(self, link: Any, url: str) -> bool:
        """Whether `link` (a selector of an <a>) to canonical `url` is pagination."""
        attrib = link.attrib
        if REL_WORDS & set(attrib.get("rel", "").lower().split()) or url in self.rel_urls:
            return True
        if self.pagers and self.inside_pager(link.root):
            return True
        if any(is_pager_text(attrib.get(name)) for name in ("aria-label", "title")):
            return True
        if is_pager_text(" ".join(link.xpath(".//text()").getall())):
            return True
        return url != self.url and names_a_page(url) and listing_key(url) == self.key

    def inside_pager(self, node: Any) -> bool:
        for level, ancestor in enumerate(node.iterancestors()):
            if level >= PAGER_LEVELS:
                return False
            if ancestor in self.pagers:
                return True
        return False
