"""Merge other marketspeak databases into this one: what several crawl machines stored, each
in its own file, brought into one database.

Crawled data (sources, documents, document_urls, fetch_log, crawl_issues, crawl_runs) and
the tokens and hits of documents this file has not tokenised come across; nothing is
tokenised again. Derived tables (languages, boilerplate, duplicates) are not copied: the
steps that compute them after tokenising compute them again after a merge. Merging a file
twice adds nothing. Each file is merged in one transaction, so a file that fails leaves
the database as it was before that file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from marketspeak.corpus.db import SCHEMA_VERSION, recorded_versions, transaction, upgrade

log = logging.getLogger(__name__)

# The name the file being merged is attached under; every statement below reads from it
# by this name.
ALIAS = "merging"


class MergeError(ValueError):
    """A database to merge cannot be read, or its hits were matched with other lexicons."""


@dataclass
class MergeResult:
    """What merging one file added (rows new to this database)."""

    path: str
    documents: int = 0
    tokenised: int = 0  # documents whose tokens and hits came with them
    tokens: int = 0
    hits: int = 0
    urls: int = 0
    fetches: int = 0
    issues: int = 0
    crawl_runs: int = 0
    sources: int = 0


THIS_FILE = "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
# Whether the attached file records schema versions, and the highest it records.
HAS_VERSIONS = """
SELECT count(*) FROM duckdb_tables()
WHERE database_name = 'merging' AND table_name = 'schema_migrations'
"""
ATTACHED_VERSION = "SELECT coalesce(max(version), 0) FROM merging.schema_migrations"
ATTACHED_LEXICONS = "SELECT DISTINCT lexicon, version FROM merging.lexicon_terms ORDER BY 1"
COPY_LEXICONS = "INSERT INTO lexicon_terms BY NAME SELECT * FROM merging.lexicon_terms"
# The name rules a file's documents were judged under: the names@N part of each signature.
NAME_RULES = """
SELECT DISTINCT rule FROM (
    SELECT unnest(string_split(lexicon_versions, ' ')) AS rule FROM {documents}
    WHERE lexicon_versions IS NOT NULL
) WHERE rule LIKE 'names@%' ORDER BY 1
"""
OUR_NAME_RULES = NAME_RULES.format(documents="documents")
ATTACHED_NAME_RULES = NAME_RULES.format(documents="merging.documents")

# A source's row as its latest crawl registered it, on whichever machine that was.
UPSERT_SOURCES = """
INSERT INTO sources BY NAME SELECT * FROM merging.sources
ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, start_urls = excluded.start_urls,
                                 updated_at = excluded.updated_at
WHERE excluded.updated_at > sources.updated_at
"""

# Documents tokenised there and not here (new here, or stored here but not yet tokenised):
# their tokens, hits and counts come across. Read before any document is inserted.
ARRIVING = """
CREATE OR REPLACE TEMP TABLE arriving AS
SELECT o.doc_id, o.n_tokens, o.n_words, o.lexicon_versions
FROM merging.documents o LEFT JOIN documents m USING (doc_id)
WHERE o.n_tokens IS NOT NULL AND m.n_tokens IS NULL
"""
# A text stored in both was first found where it was found first: as ingest keeps the
# earliest fetch's URL, source, title and date for a text.
FIRST_FOUND_THERE = """
UPDATE documents SET source = o.source, url = o.url, title = o.title,
       published = o.published, date_source = o.date_source,
       content_type = o.content_type, first_seen = o.first_seen
FROM merging.documents o
WHERE documents.doc_id = o.doc_id AND o.first_seen < documents.first_seen
"""
SEEN_THERE = """
UPDATE documents SET last_seen = o.last_seen FROM merging.documents o
WHERE documents.doc_id = o.doc_id AND o.last_seen > documents.last_seen
"""
INSERT_DOCUMENTS = """
INSERT INTO documents BY NAME
SELECT * FROM merging.documents WHERE doc_id NOT IN (SELECT doc_id FROM documents)
"""
SET_COUNTS = """
UPDATE documents SET n_tokens = a.n_tokens, n_words = a.n_words,
       lexicon_versions = a.lexicon_versions
FROM arriving a WHERE documents.doc_id = a.doc_id AND documents.n_tokens IS NULL
"""
INSERT_TOKENS = """
INSERT INTO tokens BY NAME
SELECT * FROM merging.tokens WHERE doc_id IN (SELECT doc_id FROM arriving)
"""
INSERT_HITS = """
INSERT INTO term_hits BY NAME
SELECT * FROM merging.term_hits WHERE doc_id IN (SELECT doc_id FROM arriving)
"""

# A URL in both: its latest good answer says which text it serves and for which source;
# it is gone when the later of the two gone_at is after that answer.
MERGE_URLS = """
UPDATE document_urls SET
    doc_id = CASE WHEN o.last_seen > document_urls.last_seen THEN o.doc_id
                  ELSE document_urls.doc_id END,
    source = CASE WHEN o.last_seen > document_urls.last_seen THEN o.source
                  ELSE document_urls.source END,
    first_seen = least(document_urls.first_seen, o.first_seen),
    last_seen = greatest(document_urls.last_seen, o.last_seen),
    gone_at = CASE WHEN greatest(document_urls.gone_at, o.gone_at)
                        > greatest(document_urls.last_seen, o.last_seen)
                   THEN greatest(document_urls.gone_at, o.gone_at) END,
    gone_status = CASE WHEN greatest(document_urls.gone_at, o.gone_at)
                            > greatest(document_urls.last_seen, o.last_seen)
                       THEN CASE WHEN o.gone_at IS NOT DISTINCT FROM
                                      greatest(document_urls.gone_at, o.gone_at)
                                 THEN o.gone_status ELSE document_urls.gone_status END END
FROM merging.document_urls o WHERE document_urls.url = o.url
"""
INSERT_URLS = """
INSERT INTO document_urls BY NAME
SELECT * FROM merging.document_urls WHERE url NOT IN (SELECT url FROM document_urls)
"""

# Run ids are unique to the machine and moment of a crawl, so a run's fetches are either
# all here already or not at all: a run and source already logged here is skipped whole.
INSERT_FETCHES = """
INSERT INTO fetch_log BY NAME
SELECT o.* FROM merging.fetch_log o
WHERE NOT EXISTS (SELECT 1 FROM fetch_log m WHERE m.run_id = o.run_id AND m.source = o.source)
"""
INSERT_CRAWL_RUNS = """
INSERT INTO crawl_runs BY NAME
SELECT o.* FROM merging.crawl_runs o
WHERE NOT EXISTS (SELECT 1 FROM crawl_runs m WHERE m.run_id = o.run_id AND m.source = o.source)
"""
# Issues carry no run id: the rows there that are not here, as a multiset (a page that
# failed twice the same way at the same moment stays two rows).
INSERT_ISSUES = """
INSERT INTO crawl_issues (source, url, reason, detail, seen_at)
SELECT source, url, reason, detail, seen_at FROM merging.crawl_issues
EXCEPT ALL
SELECT source, url, reason, detail, seen_at FROM crawl_issues
"""


def attach_statement(path: Path) -> str:
    """ATTACH of `path`, read-only. DuckDB cannot bind ATTACH's path as a parameter, so it
    is written into the statement as a SQL string literal: every single quote doubled, the
    only character that can end such a literal, so no path can become SQL."""
    literal = "'" + str(path).replace("'", "''") + "'"
    return f"ATTACH {literal} AS {ALIAS} (TYPE duckdb, READ_ONLY)"


def _attach(con: duckdb.DuckDBPyConnection, path: Path) -> int | None:
    """Attach `path`; return its schema version (None: not a marketspeak database)."""
    try:
        con.execute(attach_statement(path))
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]
        raise MergeError(f"{path}: cannot open it to merge ({reason})") from exc
    if not con.execute(HAS_VERSIONS).fetchone()[0]:
        return None
    return con.execute(ATTACHED_VERSION).fetchone()[0]


def attach(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Attach the file to merge, brought up to this schema version first (as readers
    upgrade an older file); refuse a missing file, this file, or one not ours."""
    if not path.is_file():
        raise MergeError(f"{path}: no database file here to merge")
    here = con.execute(THIS_FILE).fetchone()[0]
    if here and Path(here).resolve() == path.resolve():
        raise MergeError(f"{path}: is the database being merged into; name another file")
    version = _attach(con, path)
    if version is not None and version < SCHEMA_VERSION:
        con.execute(f"DETACH {ALIAS}")
        upgrade(path)
        version = _attach(con, path)
    if version != SCHEMA_VERSION:
        con.execute(f"DETACH {ALIAS}")
        what = "not a marketspeak database" if version is None else f"schema version {version}"
        raise MergeError(
            f"{path}: {what}; this marketspeak merges version {SCHEMA_VERSION} (upgrade it)"
        )


def check_lexicons(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Refuse a file whose hits were matched with other lexicon versions than this one's,
    or judged under another name rule; True when this file has no lexicons recorded yet
    (it takes the merged file's)."""
    ours = recorded_versions(con)
    rows = con.execute(ATTACHED_LEXICONS).fetchall()
    theirs = " ".join(f"{name}@{version}" for name, version in rows)
    if ours and theirs and ours != theirs:
        raise MergeError(
            f"{path}: its hits were matched with {theirs}, this database's with {ours};"
            " crawl both with the same lexicons (a tokenise re-matches) and merge again"
        )
    check_name_rules(con, path)
    return not ours and bool(theirs)


def check_name_rules(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a file whose hits were judged under another name rule than this one's: its
    hits would come across counted or set aside by a rule no number here was computed
    under, as with other lexicon versions."""
    ours = " ".join(rule for (rule,) in con.execute(OUR_NAME_RULES).fetchall())
    theirs = " ".join(rule for (rule,) in con.execute(ATTACHED_NAME_RULES).fetchall())
    if ours and theirs and ours != theirs:
        raise MergeError(
            f"{path}: its hits were judged under {theirs}, this database's under {ours};"
            " tokenise both with the same marketspeak (it judges stored hits again) and merge"
            " again"
        )


def _count(con: duckdb.DuckDBPyConnection, statement: str) -> int:
    """Run an INSERT or UPDATE; the rows it changed."""
    return con.execute(statement).fetchone()[0]


def merge_attached(con: duckdb.DuckDBPyConnection, path: Path) -> MergeResult:
    """Merge the attached file in one transaction."""
    result = MergeResult(str(path))
    take_lexicons = check_lexicons(con, path)
    with transaction(con):
        if take_lexicons:
            con.execute(COPY_LEXICONS)
        result.sources = _count(con, UPSERT_SOURCES)
        con.execute(ARRIVING)
        con.execute(FIRST_FOUND_THERE)
        con.execute(SEEN_THERE)
        result.documents = _count(con, INSERT_DOCUMENTS)
        result.tokenised = _count(con, "SELECT count(*) FROM arriving")
        con.execute(SET_COUNTS)
        result.tokens = _count(con, INSERT_TOKENS)
        result.hits = _count(con, INSERT_HITS)
        con.execute(MERGE_URLS)
        result.urls = _count(con, INSERT_URLS)
        result.fetches = _count(con, INSERT_FETCHES)
        result.crawl_runs = _count(con, INSERT_CRAWL_RUNS)
        result.issues = _count(con, INSERT_ISSUES)
        con.execute("DROP TABLE arriving")
    return result


def merge_database(con: duckdb.DuckDBPyConnection, path: Path | str) -> MergeResult:
    """Merge the marketspeak database at `path` into the one `con` writes."""
    path = Path(path)
    attach(con, path)
    try:
        result = merge_attached(con, path)
    finally:
        con.execute(f"DETACH {ALIAS}")
    log.info(
        "merged %s: %d new document(s) (%d with their tokens), %d URL(s), %d fetch(es), "
        "%d crawl run(s), %d issue(s)",
        path,
        result.documents,
        result.tokenised,
        result.urls,
        result.fetches,
        result.crawl_runs,
        result.issues,
    )
    return result
