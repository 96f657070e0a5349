"""Middlewares of every crawl: keep requests on the source's hosts, and put the links the
spider chose not to request (a limit) into the feed.

Scrapy's own offsite filter compares host names only (not ports) and lets through requests
marked dont_filter, which ours are (see SourceSpider.request). SourceHostsMiddleware checks
host:port against the source's start URLs for every request, redirects included.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from marketspeak.spiders.urls import host_of


class SourceHostsMiddleware:
    """Refuse any request outside the spider's `allowed_hosts`."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SourceHostsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        allowed = getattr(spider or self.crawler.spider, "allowed_hosts", None)
        if allowed and host_of(request.url) not in allowed:
            raise IgnoreRequest(f"offsite: {host_of(request.url)} is not a host of this source")


class NotFetchedMiddleware:
    """After each callback's output, the not-fetched items the spider noted while making it
    (SourceSpider.refuse). A spider's `request()` can only answer None for a link it leaves;
    here every platform's callbacks get their refusals recorded without yielding them."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> NotFetchedMiddleware:
        return cls(crawler)

    def pending(self) -> Iterator[dict[str, Any]]:
        spider = self.crawler.spider
        queue = getattr(spider, "pending_not_fetched", None)
        while queue:
            yield queue.popleft()

    def process_spider_output(
        self, response: Any, result: Iterable[Any], spider: Any = None
    ) -> Iterator[Any]:
        yield from result
        yield from self.pending()

    async def process_spider_output_async(
        self, response: Any, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        async for output in result:
            yield output
        for item in self.pending():
            yield item
