"""Downloader middleware that keeps every request on its source's hosts.

Scrapy's own offsite filter compares host names only (not ports) and lets through requests
marked dont_filter, which ours are (see SourceSpider.request). This one checks host:port
against the source's start URLs for every request, redirects included.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from spiders.urls import host_of


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
