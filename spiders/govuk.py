"""GOV.UK: documents of chosen organisations through the Search API and the Content API.

The search API (`/api/search.json`) lists an organisation's documents, newest first, in
pages; each result's content item (`/api/content/<path>`) gives the text, the first
publication date and the attachments, whose PDFs are fetched too; an HTML attachment (an
html_publication) is a content item of its own, fetched through the Content API. Dates come
from the API (`first_published_at`, else `public_timestamp`), recorded as date_source `api`.

A content item's text is everything GOV.UK shows as the publisher's words, in this order:
the lead text (`introduction`, `introductory_paragraph`, `summary`), `body`, the further
prose fields of PROSE_FIELDS (a transaction's tabs, a local transaction's or place's "what
you need to know" and "more information", a licence's overview, a consultation's outcome
and feedback), the parts of a guide or travel advice (`parts[]`: each title, then its body)
and the groups of a document collection (`collection_groups[]`: each title, then its body).
No schema has both further prose fields and parts or groups.

Source keys: `start_urls` holds the search API URL (https://www.gov.uk/api/search.json),
`organisations` the organisation slugs, `hosts` the attachment host
(assets.publishing.service.gov.uk).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from scrapy.http import Response

from marketspeak.spiders.extract import Extracted, fragment_text, normalise_text, parse_date
from marketspeak.spiders.source_spider import SourceSpider
from marketspeak.spiders.urls import canonical_url, host_of

PAGE_SIZE = 100  # the API allows up to 1500; smaller pages keep each response modest
FIELDS = ("title", "link", "public_timestamp", "first_published_at", "format")


def search_url(api: str, organisation: str, start: int, count: int = PAGE_SIZE) -> str:
    query = [
        ("filter_organisations", organisation),
        ("count", count),
        ("start", start),
        ("order", "-public_timestamp"),
        *(("fields", f) for f in FIELDS),
    ]
    parts = urlsplit(api)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


LEAD_FIELDS = ("introduction", "introductory_paragraph", "summary")  # shown above the body
SECTION_LISTS = ("parts", "collection_groups")  # lists of {title, body}, shown below it

# details fields other than the body that hold the publisher's own prose, read after the
# body in this order; each is HTML (or the list of content types) as the body is. The order
# is the page's for every schema that has them: a local transaction or place shows
# need_to_know above more_information; a transaction's tabs run more_information,
# what_you_need_to_know, other_ways_to_apply. A consultation's page shows its outcome and
# feedback above the original proposal (the body); they are read after it, so the proposal
# leads as it did before the outcome was published.
PROSE_FIELDS = (
    "need_to_know",  # local_transaction, place
    "more_information",  # transaction, local_transaction, place
    "what_you_need_to_know",  # transaction
    "other_ways_to_apply",  # transaction
    "licence_overview",  # licence: its whole text, the schema has no body
    "final_outcome_detail",  # consultation, call_for_evidence
    "public_feedback_detail",  # consultation
)
# Not prose, so never read: start_button_text and will_continue_on (button labels),
# transaction_start_link, continuation_link and ways_to_respond (where to go), downtime_message
# (a passing service notice), licence_short_description (the licence finder's one-line
# summary, like an item's description), place_type, lgsl_code and service_tiers (codes),
# variants (other pages at their own paths), external_related_links and metadata.


def html_of(value: Any) -> str:
    """An HTML field's markup: a string, or GOV.UK's list of content types (HTML preferred)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        forms = {str(v.get("content_type")): v.get("content") for v in value if isinstance(v, dict)}
        chosen = forms.get("text/html") or forms.get("text/govspeak") or ""
        return chosen if isinstance(chosen, str) else ""
    return ""


def item_text(details: dict) -> str:
    """The publisher's words in a content item's details: lead, body, prose fields, sections."""
    fields = (*LEAD_FIELDS, "body", *PROSE_FIELDS)
    pieces = [fragment_text(html_of(details.get(field))) for field in fields]
    for name in SECTION_LISTS:
        for section in details.get(name) or []:
            if not isinstance(section, dict):
                continue
            # a title alone (a collection group listing only documents) is not prose
            body = fragment_text(html_of(section.get("body")))
            if body:
                pieces += [normalise_text(str(section.get("title") or "")), body]
    return "\n".join(piece for piece in pieces if piece)


def html_attachment_paths(details: dict, origin: str) -> list[str]:
    """Paths on the site of a content item's HTML attachments (html_publication items)."""
    paths = []
    for attachment in details.get("attachments") or []:
        if not isinstance(attachment, dict) or attachment.get("attachment_type") != "html":
            continue
        parts = urlsplit(urljoin(origin + "/", str(attachment.get("url") or "")))
        if f"{parts.scheme}://{parts.netloc}" == origin and parts.path not in ("", "/"):
            paths.append(parts.path)
    return paths


def attachment_urls(details: dict) -> list[str]:
    """PDF attachments of a content item, in both the current and the legacy form."""
    urls = [
        a["url"]
        for a in details.get("attachments") or []
        if isinstance(a, dict)
        and a.get("url")
        and a.get("attachment_type", "file") == "file"
        and "pdf" in str(a.get("content_type", "pdf")).lower()
    ]
    for fragment in details.get("documents") or []:  # legacy: HTML strings with links
        try:
            urls += lxml.html.fromstring(fragment).xpath("//a/@href")
        except (ValueError, lxml.etree.ParserError):
            continue
    return urls


class GovukSpider(SourceSpider):
    """Search API pages → content items → attachments."""

    def __init__(self, source: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(source, **kwargs)
        self.organisations = list(source.get("organisations") or [])
        self.page_size = int(source.get("page_size") or PAGE_SIZE)  # crawl spec only

    async def start(self) -> Any:
        for api in self.start_urls:
            for organisation in self.organisations:
                url = search_url(api, organisation, 0, self.page_size)
                if request := self.request(url, self.parse_search):
                    request.meta.update(api=api, organisation=organisation, start=0)
                    yield request

    def parse_search(self, response: Response) -> Iterator[Any]:
        yield self.fetch_record(canonical_url(response.url), response.status, "", None, response)
        try:
            data = json.loads(response.text)
            results, total = data["results"], int(data.get("total", 0))
        except (ValueError, KeyError, TypeError) as exc:
            yield self.issue(response.url, "api-unreadable", f"search response: {exc}")
            return
        origin = f"{urlsplit(response.url).scheme}://{host_of(response.url)}"
        for result in results:
            link = str(result.get("link") or "")
            if not link.startswith("/"):
                continue  # an absolute link is on another site
            when = parse_date(result.get("first_published_at") or result.get("public_timestamp"))
            listed = (when, "api") if when else None
            if request := self.request(f"{origin}/api/content{link}", self.parse_content, listed):
                yield request
        start = response.meta["start"] + len(results)
        if results and start < total:
            url = search_url(
                response.meta["api"], response.meta["organisation"], start, self.page_size
            )
            if request := self.request(url, self.parse_search):
                request.meta.update(
                    api=response.meta["api"],
                    start=start,
                    organisation=response.meta["organisation"],
                )
                yield request

    def parse_content(self, response: Response) -> Iterator[Any]:
        yield self.fetch_record(canonical_url(response.url), response.status, "", None, response)
        try:
            item = json.loads(response.text)
            details = item.get("details") or {}
        except (ValueError, AttributeError) as exc:
            yield self.issue(response.url, "api-unreadable", f"content item: {exc}")
            return
        origin = f"{urlsplit(response.url).scheme}://{host_of(response.url)}"
        web_url = canonical_url(origin + str(item.get("base_path") or urlsplit(response.url).path))
        published = parse_date(item.get("first_published_at") or item.get("public_updated_at"))
        text = item_text(details)
        extracted = Extracted(
            item.get("title"),
            text,
            published,
            "api" if published else None,
            None if text else "no-main-text",
            None if text else "content item has no body text",
        )
        yield self.item(web_url, "html", extracted)
        for path in html_attachment_paths(details, origin):
            if request := self.request(f"{origin}/api/content{path}", self.parse_content):
                yield request
        for url in attachment_urls(details):
            url = canonical_url(response.urljoin(url))
            if host_of(url) in self.allowed_hosts and self.is_document(url):
                listed = (published, "api") if published else None
                if request := self.request(url, self.parse, listed):
                    yield request

    def issue(self, url: str, reason: str, detail: str) -> dict[str, Any]:
        return self.item(
            canonical_url(url), "html", Extracted(None, "", None, None, reason, detail)
        )
