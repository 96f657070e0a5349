"""Ingest crawl output (JSON lines, see `corpus/items.py`) into the documents tables.

Idempotent: a text already stored (same content_sha256) is not stored again, only its URL
and last-seen time are recorded. Everything from one call lands in one transaction, so a
failure leaves the database as it was.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from marketspeak.corpus.db import transaction, utcnow
from marketspeak.corpus.items import (
    DOCUMENT,
    FETCH,
    FIELDS,
    ISSUE,
    LIMIT_ERRORS,
    NOT_DUE,
    NOT_FETCHED,
    TRUNCATING,
    item_schema,
)
from marketspeak.corpus.runs import crash_point
from marketspeak.corpus.sql import load_sql


class IngestError(ValueError):
    """A crawl output file cannot be read as marketspeak items."""


@dataclass
class IngestResult:
    """What one ingest did."""

    items: int = 0
    new_documents: int = 0
    duplicate_items: int = 0
    issues: int = 0
    fetches: int = 0
    failed_fetches: int = 0
    not_modified: int = 0
    not_due: int = 0
    not_fetched: int = 0  # URLs left because of a limit (crawl_runs.not_fetched)
    run_id: str = ""


# A source's settings as the sources file gives them now; its name is its key.
UPSERT_SOURCE = """
INSERT INTO sources VALUES (?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, start_urls = excluded.start_urls,
                                 updated_at = excluded.updated_at
"""

# One row per distinct text in this batch: the earliest fetch wins the "first found" URL.
STAGE_DOCUMENTS = """
CREATE OR REPLACE TEMP TABLE staged AS
SELECT * EXCLUDE (rn) FROM (
    SELECT source, url, title, try_cast(published AS DATE) AS published,
           CASE WHEN try_cast(published AS DATE) IS NULL THEN NULL ELSE date_source END
               AS date_source,
           content_type, content_sha256, text,
           CAST(fetched_at AS TIMESTAMP) AS fetched_at,
           row_number() OVER (PARTITION BY content_sha256 ORDER BY fetched_at, url) AS rn
    FROM incoming WHERE item = 'document'
) WHERE rn = 1
"""

# Texts never stored before; doc_id is the first 16 hex digits of the content hash, and
# the token counts stay NULL until the tokenise step.
INSERT_NEW_DOCUMENTS = """
INSERT INTO documents
SELECT substr(content_sha256, 1, 16), source, url, title, published, date_source,
       content_type, content_sha256, text, length(text), NULL, NULL, NULL,
       fetched_at, fetched_at
FROM staged
WHERE content_sha256 NOT IN (SELECT content_sha256 FROM documents)
"""

# A text fetched again (under any URL) was seen at its latest fetch.
TOUCH_DOCUMENTS = """
UPDATE documents SET last_seen = greatest(documents.last_seen, seen.last_fetch)
FROM (SELECT content_sha256, max(CAST(fetched_at AS TIMESTAMP)) AS last_fetch
      FROM incoming WHERE item = 'document' GROUP BY content_sha256) AS seen
WHERE documents.content_sha256 = seen.content_sha256
"""

# The latest fetch of each URL says which text it serves now; a URL that was gone and
# serves a text again is live again.
UPSERT_URLS = """
INSERT INTO document_urls (url, doc_id, source, first_seen, last_seen)
SELECT url, substr(content_sha256, 1, 16), source, fetched_at, fetched_at FROM (
    SELECT url, content_sha256, source, CAST(fetched_at AS TIMESTAMP) AS fetched_at,
           row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) AS rn
    FROM incoming WHERE item = 'document'
) WHERE rn = 1
ON CONFLICT (url) DO UPDATE SET doc_id = excluded.doc_id, last_seen = excluded.last_seen,
                                gone_at = NULL, gone_status = NULL
"""

# Every fetch of this ingest, under its run id (?), as the crawl logged it.
INSERT_FETCHES = """
INSERT INTO fetch_log
SELECT ?, source, url, status, coalesce(error, ''), detail, content_type, n_bytes,
       etag, last_modified, CAST(fetched_at AS TIMESTAMP)
FROM incoming WHERE item = 'fetch'
"""

# Failed fetches as crawl_runs.pages_failed counts them: limits ($1) are not failures.
COUNT_ITEMS = """
SELECT count(*) FILTER (WHERE item = 'issue'),
       count(*) FILTER (WHERE item = 'fetch'),
       count(*) FILTER (WHERE item = 'fetch' AND coalesce(error, '') <> ''
                        AND NOT list_contains($1, error)),
       count(*) FILTER (WHERE item = 'fetch' AND status = 304),
       count(*) FILTER (WHERE item = 'not-due'),
       count(*) FILTER (WHERE item = 'not-fetched')
FROM incoming
"""

# URLs this run (?) left unfetched because of a limit, over all its sources.
COUNT_NOT_FETCHED = """
SELECT coalesce(sum(list_sum(map_values(not_fetched))), 0)::INTEGER FROM crawl_runs
WHERE run_id = ?
"""

# A 304 says the URL still serves the text stored for it (again, if it was gone before).
TOUCH_NOT_MODIFIED = """
UPDATE document_urls SET last_seen = greatest(document_urls.last_seen, seen.at),
       gone_at = CASE WHEN seen.at > document_urls.gone_at THEN NULL ELSE gone_at END,
       gone_status = CASE WHEN seen.at > document_urls.gone_at THEN NULL ELSE gone_status END
FROM (SELECT url, max(CAST(fetched_at AS TIMESTAMP)) AS at FROM incoming
      WHERE item = 'fetch' AND status = 304 GROUP BY url) AS seen
WHERE document_urls.url = seen.url;
UPDATE documents SET last_seen = greatest(documents.last_seen, urls.at)
FROM (SELECT doc_id, max(last_seen) AS at FROM document_urls GROUP BY doc_id) AS urls
WHERE documents.doc_id = urls.doc_id
"""

# 404 Not Found and 410 Gone, answered after the URL last served its text, say that the
# publisher took the page down: the URL no longer serves it (current_documents). Nothing
# else does: a timeout or a 5xx is a server in trouble, and the crawl records where a
# redirect led, not the URL that redirected, so a URL is never marked gone by one.
MARK_GONE = """
UPDATE document_urls SET gone_at = gone.at, gone_status = gone.status
FROM (SELECT url, max(CAST(fetched_at AS TIMESTAMP)) AS at,
             arg_max(status, CAST(fetched_at AS TIMESTAMP)) AS status
      FROM incoming WHERE item = 'fetch' AND status IN (404, 410) GROUP BY url) AS gone
WHERE document_urls.url = gone.url AND gone.at > document_urls.last_seen
"""

# Documents stored, before and after an ingest inserts the new ones: the difference is new.
COUNT_DOCUMENTS = "SELECT count(*) FROM documents"
# The ETag and Last-Modified of each URL, for conditional requests on the next crawl.
VALIDATORS = "SELECT source, url, etag, last_modified FROM url_validators"

# Document URLs of a source that answered (200 or 304) at or after a given time.
CHECKED_SINCE = "SELECT url FROM document_urls WHERE source = ? AND last_seen >= ? ORDER BY url"

# Pages that gave no document (no text, not a document type ...), as the crawl found them.
INSERT_ISSUES = """
INSERT INTO crawl_issues
SELECT source, url, reason, detail, CAST(fetched_at AS TIMESTAMP)
FROM incoming WHERE item = 'issue'
"""


ITEM_KINDS = (DOCUMENT, ISSUE, FETCH, NOT_DUE, NOT_FETCHED)


def read_items(path: Path, truncated_tail_ok: bool = False) -> Iterator[dict]:
    """Parse one JSON-lines crawl file; a bad line raises IngestError naming file and line.

    With `truncated_tail_ok`, an unfinished last line (a crawl killed mid-write) is dropped."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                if truncated_tail_ok and not line.endswith("\n"):
                    break
                raise IngestError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            if not isinstance(row, dict) or row.get("item") not in ITEM_KINDS:
                raise IngestError(f"{path}:{number}: not a marketspeak crawl item")
            missing = [k for k in ("source", "url", "fetched_at") if not row.get(k)]
            if row["item"] == DOCUMENT:
                missing += [k for k in ("text", "content_sha256", "content_type") if not row.get(k)]
            if missing:
                raise IngestError(f"{path}:{number}: missing field {missing[0]!r}")
            yield {k: row.get(k) for k in FIELDS}


def read_table(paths: Iterable[Path], truncated_tail_ok: bool = False) -> pa.Table:
    """Every item of the crawl files as one Arrow table, built a few thousand rows at a
    time so that a large crawl is never held as Python objects all at once."""
    schema, chunk, batches = item_schema(), [], []
    for path in sorted(paths):
        for row in read_items(path, truncated_tail_ok):
            chunk.append(row)
            if len(chunk) == ROWS_PER_BATCH:
                batches.append(pa.RecordBatch.from_pylist(chunk, schema=schema))
                chunk = []
    batches.append(pa.RecordBatch.from_pylist(chunk, schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


ROWS_PER_BATCH = 2000


def ingest_files(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[Path],
    sources: Sequence[dict] = (),
    run_id: str | None = None,
    interrupted: bool = False,
) -> IngestResult:
    """Store the items of crawl files (and the sources they came from) in one transaction.

    `interrupted` marks files left by a crawl that was killed: their last line may be cut."""
    incoming = read_table(paths, truncated_tail_ok=interrupted)
    result = IngestResult(items=incoming.num_rows)
    now = utcnow()
    run_id = run_id or f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    result.run_id = run_id
    with transaction(con, incoming=incoming):
        for source in sources:
            con.execute(
                UPSERT_SOURCE, [source["name"], source["kind"], list(source["start_urls"]), now]
            )
        con.execute(STAGE_DOCUMENTS)
        con.execute(
            load_sql("marketspeak.corpus", "sql/crawl_runs.sql"),
            [run_id, list(LIMIT_ERRORS), list(TRUNCATING)],
        )
        con.execute(INSERT_FETCHES, [run_id])
        before = con.execute(COUNT_DOCUMENTS).fetchone()[0]
        con.execute(INSERT_NEW_DOCUMENTS)
        after = con.execute(COUNT_DOCUMENTS).fetchone()[0]
        con.execute(TOUCH_DOCUMENTS)
        con.execute(UPSERT_URLS)
        con.execute(INSERT_ISSUES)
        con.execute(TOUCH_NOT_MODIFIED)
        con.execute(MARK_GONE)
        counts = con.execute(COUNT_ITEMS, [list(LIMIT_ERRORS)]).fetchone()
        result.not_fetched = con.execute(COUNT_NOT_FETCHED, [run_id]).fetchone()[0]
        crash_point("ingest")  # inside the transaction: nothing of it may survive
        result.issues, result.fetches, result.failed_fetches, not_modified, not_due = counts[:5]
    result.new_documents = after - before
    result.not_modified, result.not_due = not_modified, not_due
    documents = result.items - result.fetches - result.issues - result.not_due - counts[5]
    result.duplicate_items = documents - result.new_documents
    return result


def validators(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, dict[str, str]]]:
    """source -> url -> {etag, last_modified}: what to send with conditional requests."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for source, url, etag, modified in con.execute(VALIDATORS).fetchall():
        found.setdefault(source, {})[url] = {"etag": etag, "last_modified": modified}
    return found


def checked_since(con: duckdb.DuckDBPyConnection, source: str, since: datetime) -> list[str]:
    """The source's document URLs checked at or after `since` (UTC): not due for a revisit."""
    return [url for (url,) in con.execute(CHECKED_SINCE, [source, since]).fetchall()]
