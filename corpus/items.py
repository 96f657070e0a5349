"""The crawl item: what the spider process writes, one JSON object per line, for ingest.

This is the only contract between `spiders` (which writes it) and `corpus` (which reads
it). Optional fields are null when unknown.
"""

from __future__ import annotations

import pyarrow as pa

# Item kinds: a document with text, an issue (a page that gave no document), a fetch
# (one per request: what the server answered, or why there was no answer), and not-due (a
# stored document's URL left unasked because it was checked within `revisit_after`).
DOCUMENT = "document"
ISSUE = "issue"
FETCH = "fetch"
NOT_DUE = "not-due"

ITEM_SCHEMA = pa.schema(
    [
        ("item", pa.string()),  # "document", "issue", "fetch" or "not-due"
        ("source", pa.string()),  # source name from the sources file
        ("url", pa.string()),  # canonical URL of the response (not-due: of the document)
        ("title", pa.string()),
        ("text", pa.string()),  # extracted main text, paragraphs joined by "\n"
        ("published", pa.string()),  # ISO date YYYY-MM-DD, or null
        ("date_source", pa.string()),  # where the date came from, or null
        ("content_type", pa.string()),  # "html" or "pdf"
        ("content_sha256", pa.string()),  # sha256 of text, hex
        ("fetched_at", pa.string()),  # ISO timestamp, UTC
        ("reason", pa.string()),  # issues only: short code
        ("detail", pa.string()),  # issues only: explanation
        ("status", pa.int32()),  # fetches only: HTTP status, null when no response
        ("error", pa.string()),  # fetches only: short failure code, "" on success
        ("n_bytes", pa.int64()),  # fetches only: size of the response body
        ("etag", pa.string()),  # fetches only: the response's ETag header
        ("last_modified", pa.string()),  # fetches only: its Last-Modified header
    ]
)
FIELDS = ITEM_SCHEMA.names
