"""Read the lists publishers keep of their documents: sitemaps (with sitemap indexes) and
RSS/Atom feeds. Each yields entries of (url, date or None); malformed input yields nothing
rather than failing the crawl."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime

from lxml import etree

from marketspeak.spiders.extract import parse_date

MAX_XML_BYTES = 50 * 1024 * 1024  # a sitemap may hold 50,000 URLs; bigger is hostile
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)


@dataclass(frozen=True)
class Entry:
    """One listed URL, the date the list gives it, and whether it is itself a sitemap."""

    url: str
    date: date | None
    is_sitemap: bool = False


def read_xml(body: bytes) -> etree._Element | None:
    """Parse untrusted XML safely (no entities, no network); None when it is not XML."""
    if body[:2] == b"\x1f\x8b":  # gzipped sitemap
        try:
            body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, MAX_XML_BYTES)
        except (zlib.error, gzip.BadGzipFile):
            return None
    try:
        return etree.fromstring(body.strip(), _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(node: etree._Element, name: str) -> str | None:
    for child in node:
        if _local(child.tag) == name and child.text:
            return child.text.strip()
    return None


def read_sitemap(body: bytes) -> Iterator[Entry]:
    """Entries of a <urlset> (documents) or a <sitemapindex> (more sitemaps)."""
    root = read_xml(body)
    if root is None:
        return
    index = _local(root.tag) == "sitemapindex"
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(node, "loc")
        if loc:
            yield Entry(loc, parse_date(_child_text(node, "lastmod")), is_sitemap=index)


def _feed_date(text: str | None) -> date | None:
    if not text:
        return None
    found = parse_date(text)  # Atom: ISO 8601
    if found:
        return found
    try:
        return parse_date(parsedate_to_datetime(text))  # RSS: RFC 822
    except (TypeError, ValueError, IndexError):
        return None


def read_feed(body: bytes) -> Iterator[Entry]:
    """Entries of an RSS 2.0 channel or an Atom feed."""
    root = read_xml(body)
    if root is None:
        return
    for node in root.iter():
        name = _local(node.tag)
        if name == "item":  # RSS
            link = _child_text(node, "link")
            when = _child_text(node, "pubDate") or _child_text(node, "date")
        elif name == "entry":  # Atom
            links = [c for c in node if _local(c.tag) == "link"]
            alternate = [c for c in links if c.get("rel", "alternate") == "alternate"]
            link = (alternate or links)[0].get("href") if links else None
            when = _child_text(node, "published") or _child_text(node, "updated")
        else:
            continue
        if link:
            yield Entry(link.strip(), _feed_date(when))
