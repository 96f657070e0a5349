"""The crawl item: what the spider process writes, one JSON object per line, for ingest.

This is the only contract between `spiders` (which writes it) and `corpus` (which reads
it). Optional fields are null when unknown.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

# Item kinds: a document with text, an issue (a page that gave no document), a fetch
# (one per request: what the server answered, or why there was no answer), and not-due (a
# stored document's URL left unasked because it was checked within `revisit_after`), and
# not-fetched (a link the crawl found and did not request because of a limit; `reason`).
DOCUMENT = "document"
ISSUE = "issue"
FETCH = "fetch"
NOT_DUE = "not-due"
NOT_FETCHED = "not-fetched"

# Why a URL was not fetched, as counted in crawl_runs.not_fetched. The crawl's limits cut a
# crawl short (it is `truncated`): more pages than max_pages, more hops along ordinary links
# than LINK_DEPTH_LIMIT, a URL longer than URLLENGTH_LIMIT, a body over DOWNLOAD_MAXSIZE.
# The source's scope leaves the rest: links to other hosts, paths robots.txt disallows.
TRUNCATING = ("max-pages", "depth", "url-too-long", "too-large")
OUT_OF_SCOPE = ("offsite", "robots-disallowed")
# Of these, the ones a request was made for (or refused inside Scrapy) and so are fetch items
# with that error code; the others are not-fetched items, with no fetch.
LIMIT_ERRORS = ("too-large", "offsite", "robots-disallowed")

# Field name and Arrow type of every item, in order.
ITEM_FIELDS = (
    ("item", "string"),  # "document", "issue", "fetch", "not-due" or "not-fetched"
    ("source", "string"),  # source name from the sources file
    ("url", "string"),  # canonical URL of the response (not-due: of the document)
    ("title", "string"),
    ("text", "string"),  # extracted main text, paragraphs joined by "\n"
    ("published", "string"),  # ISO date YYYY-MM-DD, or null
    ("date_source", "string"),  # where the date came from, or null
    ("content_type", "string"),  # "html" or "pdf"
    ("content_sha256", "string"),  # sha256 of text, hex
    ("fetched_at", "string"),  # ISO timestamp, UTC
    ("reason", "string"),  # issues and not-fetched only: short code
    ("detail", "string"),  # issues only: explanation
    ("status", "int32"),  # fetches only: HTTP status, null when no response
    ("error", "string"),  # fetches only: short failure code, "" on success
    ("n_bytes", "int64"),  # fetches only: size of the response body
    ("etag", "string"),  # fetches only: the response's ETag header
    ("last_modified", "string"),  # fetches only: its Last-Modified header
)
FIELDS = [name for name, _ in ITEM_FIELDS]


def now_iso() -> str:
    """The current UTC time as a naive ISO timestamp: the form of `fetched_at`."""
    return datetime.now(UTC).replace(tzinfo=None).isoformat()


def item_schema() -> pa.Schema:
    """The items as an Arrow schema, for ingest."""
    import pyarrow as pa  # not at the top: the crawl process writes items and never needs it

    return pa.schema([(name, getattr(pa, kind)()) for name, kind in ITEM_FIELDS])
