"""The spider for one source: find its documents and yield document items.

How documents are found depends on the source's `platform`:
- `site` (default): follow links on the source's hosts from the start URLs;
- `sitemap`: read sitemap.xml files (and sitemap indexes); every listed URL is a candidate,
  and its `lastmod` dates the document when the page itself has no date;
- `feed`: read RSS or Atom feeds; every entry's link is a candidate, dated by the entry
  when the page has no date.
Sitemap and feed crawls follow links from pages only where `follow` patterns are given.
The `govuk` and `moderngov` platforms are subclasses in their own modules.

Limits: at most `max_pages` requests, at most LINK_DEPTH_LIMIT hops along ordinary links
(pagination, see spiders/pagination.py, and list entries add none), URLs no longer than
URLLENGTH_LIMIT, and only the source's hosts. Every link left because of one is recorded
as a not-fetched item with its reason (`refuse`), once per URL, never dropped silently.

A page whose URL matches one of the source's `documents` patterns (or, with none given,
any page with main text) becomes a document item; links matching `follow` (default: every
link on the source's hosts) are followed. Extraction happens here so that binary PDFs never
travel through the item feed (PDFs in worker processes, see spiders/pdf.py, so that a slow or
hostile one stalls no download); cleaning and storage happen after the crawl.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.settings import default_settings as scrapy_defaults
from scrapy.utils.defer import maybe_deferred_to_future

from marketspeak.corpus.items import DOCUMENT, FETCH, FIELDS, ISSUE, NOT_FETCHED, now_iso
from marketspeak.spiders import settings as defaults
from marketspeak.spiders.errors import classify_failure
from marketspeak.spiders.extract import Extracted, content_hash, extract_html, listing_date
from marketspeak.spiders.listings import read_feed, read_sitemap
from marketspeak.spiders.pagination import PageLinks
from marketspeak.spiders.pdf import PdfLimits, extract_deferred, shared_pool
from marketspeak.spiders.urls import canonical_url, host_of


class SourceSpider(scrapy.Spider):
    """Crawl one source from its start URLs."""

    name = "source"

    def __init__(self, source: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(name=source["name"], **kwargs)
        self.source = source
        self.start_urls = [canonical_url(u) for u in source["start_urls"]]
        self.allowed_hosts = {host_of(u) for u in self.start_urls} | {
            h.lower() for h in source.get("hosts") or []
        }
        # Scrapy's offsite filter works on host names; our own check adds the port.
        self.allowed_domains = sorted({h.split(":")[0] for h in self.allowed_hosts})
        self.documents = [re.compile(p) for p in source.get("documents") or []]
        self.follow = [re.compile(p) for p in source.get("follow") or []]
        self.max_pages = source.get("max_pages")
        # url -> {etag, last_modified} from the last crawl: sent as conditional headers.
        self.validators: dict[str, dict[str, str | None]] = source.get("validators") or {}
        # Stored documents checked within the source's revisit_after: not asked about at all
        # (the launcher records them; see spiders.launch.write_not_due).
        self.not_due: frozenset[str] = frozenset(source.get("not_due") or ())
        self.requested: set[str] = set()  # never more than max_pages of them
        # URL -> why it was not requested (corpus.items.TRUNCATING, OUT_OF_SCOPE), and the
        # not-fetched items not yet handed to the feed (spiders.middlewares).
        self.not_fetched: dict[str, str] = {}
        self.pending_not_fetched: deque[dict[str, Any]] = deque()
        self.platform = source.get("platform", "site")

    def setting(self, name: str) -> int:
        """An integer crawl setting: the crawl's own when running, else ours or Scrapy's
        default (a spider made outside a crawl, as tests make them)."""
        settings = getattr(self, "settings", None)
        default = getattr(defaults, name, getattr(scrapy_defaults, name, 0))
        return settings.getint(name, default) if settings is not None else default

    def budget_spent(self) -> bool:
        return self.max_pages is not None and len(self.requested) >= self.max_pages

    def limit_reached(self, url: str, hops: int) -> str | None:
        """Which limit keeps `url` (`hops` ordinary links from a start URL) from a request."""
        depth = self.setting("LINK_DEPTH_LIMIT")
        if depth and hops > depth:
            return "depth"
        if len(url) > self.setting("URLLENGTH_LIMIT"):
            return "url-too-long"  # Scrapy's UrlLengthMiddleware would drop it silently
        if self.budget_spent():
            return "max-pages"
        return None

    def refuse(self, url: str, reason: str) -> None:
        """Record, once per URL, a link not requested because of a limit."""
        if url in self.not_fetched:
            return
        self.not_fetched[url] = reason
        row = dict.fromkeys(FIELDS)
        row.update(
            item=NOT_FETCHED,
            source=self.source["name"],
            url=url,
            reason=reason,
            fetched_at=now_iso(),
        )
        self.pending_not_fetched.append(row)

    def request(
        self,
        url: str,
        callback: Any = None,
        listed: tuple[date, str] | None = None,
        hops: int = 0,
    ) -> scrapy.Request | None:
        """A request for a canonical URL not yet requested, within the crawl's limits; a
        URL past one is recorded (`refuse`) and gets None.

        `listed` is the date a sitemap or feed gave the URL, and where it came from; `hops`
        how many ordinary links lead to it from a start URL."""
        if url in self.requested or url in self.not_due:
            return None
        if reason := self.limit_reached(url, hops):
            self.refuse(url, reason)
            return None
        self.requested.add(url)
        headers: dict[str, str] = {}
        meta: dict[str, Any] = {"listed": listed, "hops": hops} if listed else {"hops": hops}
        if known := self.validators.get(url):
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
            meta["handle_httpstatus_list"] = [304]
        # We de-duplicate ourselves (self.requested). Scrapy's own filter would silently drop
        # a redirect back to a URL already seen, with no errback, losing redirect loops; with
        # it off, a loop ends at REDIRECT_MAX_TIMES as a recorded failure.
        # Nearer pages first, so that a page's depth is its shortest distance more often.
        return scrapy.Request(
            url,
            callback=callback or self.parse,
            errback=self.failed,
            headers=headers,
            meta=meta,
            priority=-hops,
            dont_filter=True,
        )

    async def start(self) -> Any:
        callback = {"sitemap": self.parse_sitemap, "feed": self.parse_feed}.get(self.platform)
        for url in self.start_urls:
            if request := self.request(url, callback):
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """A sitemap index leads to more sitemaps; a urlset lists candidate documents."""
        yield self.fetch_record(canonical_url(response.url), response.status, "", None, response)
        for entry in read_sitemap(response.body):
            url = canonical_url(response.urljoin(entry.url))
            if host_of(url) not in self.allowed_hosts:
                self.refuse(url, "offsite")
                continue
            if entry.is_sitemap:
                request = self.request(url, self.parse_sitemap)
            elif self.is_document(url) and self.should_follow(url):
                listed = (entry.date, "sitemap-lastmod") if entry.date else None
                request = self.request(url, self.parse, listed)
            else:
                continue
            if request:
                yield request

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """Each RSS item or Atom entry links to a candidate document."""
        yield self.fetch_record(canonical_url(response.url), response.status, "", None, response)
        for entry in read_feed(response.body):
            url = canonical_url(response.urljoin(entry.url))
            if host_of(url) not in self.allowed_hosts:
                self.refuse(url, "offsite")
            elif self.is_document(url):
                listed = (entry.date, "feed") if entry.date else None
                if request := self.request(url, self.parse, listed):
                    yield request

    def is_document(self, url: str) -> bool:
        return not self.documents or any(p.search(url) for p in self.documents)

    def should_follow(self, url: str) -> bool:
        return host_of(url) in self.allowed_hosts and self.follow_pattern(url)

    def follow_pattern(self, url: str) -> bool:
        return not self.follow or any(p.search(url) for p in self.follow)

    async def parse(self, response: Response) -> AsyncIterator[Any]:
        url = canonical_url(response.url)
        yield self.fetch_record(url, response.status, "", None, response)
        if response.status == 304:
            return  # unchanged since the last crawl: nothing to extract
        is_pdf = (
            b"pdf" in (response.headers.get("Content-Type") or b"").lower()
            or response.body[:5] == b"%PDF-"
        )
        if is_pdf:
            if self.is_document(url):
                yield self.item(
                    url, "pdf", with_listed_date(await self.pdf_text(response), response)
                )
            return
        if not isinstance(response, TextResponse):
            return
        if self.is_document(url):
            extracted = with_listed_date(extract_html(decoded_text(response), url), response)
            # Without `documents` patterns, a page with no main text is just navigation.
            if extracted.text or self.documents:
                yield self.item(url, "html", extracted)
        # Sitemap and feed crawls take their list as complete unless `follow` says otherwise.
        if self.platform == "site" or self.follow:
            for request in self.follow_links(response):
                yield request

    async def pdf_text(self, response: Response) -> Extracted:
        """The PDF's text from the crawl's worker processes, awaited without blocking."""
        pool = shared_pool(PdfLimits.from_settings(self.settings))
        url, fetched_at = canonical_url(response.url), datetime.now(UTC)
        return await maybe_deferred_to_future(
            extract_deferred(pool, response.body, url, fetched_at)
        )

    def follow_links(self, response: TextResponse) -> Iterator[scrapy.Request]:
        """Requests for the page's links to follow: one hop further than the page, or as
        far as the page itself for pagination. A link to another host that would be
        followed were it on the source's hosts is recorded as offsite."""
        entry_dates: dict = {}
        hops = response.meta.get("hops", 0)
        pages: PageLinks | None = None  # read only when a link needs it
        for link in response.css("a[href]"):
            href = link.attrib["href"].strip()
            if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
                continue
            url = canonical_url(response.urljoin(href))
            # Cheap first: a page may link one URL thousands of times. A link left for its
            # depth is looked at again: another page may be nearer to it.
            if url in self.requested or url in self.not_due:
                continue
            if self.not_fetched.get(url, "depth") != "depth":
                continue
            if not url.startswith(("http://", "https://")) or not self.follow_pattern(url):
                continue
            if host_of(url) not in self.allowed_hosts:
                self.refuse(url, "offsite")
                continue
            pages = pages or PageLinks(response, canonical_url(response.url))
            step = 0 if pages.is_pagination(link, url) else 1
            found = listing_date(link, entry_dates) if self.is_document(url) else None
            listed = (found, "listing") if found else None
            if request := self.request(url, listed=listed, hops=hops + step):
                yield request

    def failed(self, failure: Any) -> Iterator[dict[str, Any]]:
        """Every request that got no usable response is recorded, never lost."""
        status, error, detail = classify_failure(failure)
        response = getattr(failure.value, "response", None)
        # Recorded under the URL we asked for, even when a redirect led elsewhere.
        asked = (failure.request.meta.get("redirect_urls") or [failure.request.url])[0]
        yield self.fetch_record(canonical_url(asked), status, error, detail, response)

    def fetch_record(
        self,
        url: str,
        status: int | None,
        error: str,
        detail: str | None,
        response: Response | None,
    ) -> dict[str, Any]:
        row = dict.fromkeys(FIELDS)
        row.update(
            item=FETCH,
            source=self.source["name"],
            url=url,
            status=status,
            error=error,
            detail=detail,
            fetched_at=now_iso(),
        )
        if response is not None:
            headers = response.headers
            row.update(
                n_bytes=len(response.body),
                content_type=header(headers, "Content-Type"),
                etag=header(headers, "ETag"),
                last_modified=header(headers, "Last-Modified"),
            )
        return row

    def item(self, url: str, content_type: str, extracted: Extracted) -> dict[str, Any]:
        row = dict.fromkeys(FIELDS)
        row.update(
            source=self.source["name"],
            url=url,
            title=extracted.title,
            content_type=content_type,
            fetched_at=now_iso(),
            published=extracted.published.isoformat() if extracted.published else None,
            date_source=extracted.date_source,
        )
        if extracted.text:
            row.update(
                item=DOCUMENT, text=extracted.text, content_sha256=content_hash(extracted.text)
            )
        else:
            row.update(item=ISSUE, reason=extracted.issue, detail=extracted.detail)
        return row


def since_of(source: dict[str, Any], start: date) -> date:
    """The first day a meeting calendar is read from: the source's `since` (YYYY-MM-DD, as
    the sources file keeps it), or the platform's own `start`."""
    since = source.get("since")
    return date.fromisoformat(str(since)) if since else start


def header(headers: Any, name: str) -> str | None:
    """A response header as text, or None."""
    value = headers.get(name)
    return value.decode("latin-1") if value else None


# Dates a page states about itself beat the date beside its link; a PDF's creation date and
# heuristic guesses do not (a report is often made weeks before the publisher posts it).
WEAKER_THAN_LISTED = {
    None,
    "pdf-metadata",
    "pdf-metadata-recent",
    "time-element-untied",
    "htmldate",
    "url",
    "sitemap-lastmod",
}
STATED_BY_PUBLISHER = ("listing", "feed", "api")


def with_listed_date(extracted: Extracted, response: Response) -> Extracted:
    """Choose between the page's own date and the one its listing, sitemap or feed gave."""
    listed = response.meta.get("listed")
    if not listed:
        return extracted
    listed_source = listed[1]
    if extracted.published is None or (
        extracted.date_source in WEAKER_THAN_LISTED and listed_source in STATED_BY_PUBLISHER
    ):
        extracted.published, extracted.date_source = listed
    return extracted


def decoded_text(response: TextResponse) -> str:
    """The page as text. Scrapy honours the declared charset; when that declaration is wrong
    (bytes that are not valid in it, typically Windows-1252 labelled UTF-8), the bytes are
    read as Windows-1252 instead of being turned into replacement characters."""
    text = response.text
    if "\ufffd" in text and "\ufffd".encode() not in response.body:
        try:
            return response.body.decode("cp1252")
        except UnicodeDecodeError:
            return text
    return text
