"""Open the marketspeak DuckDB file and keep its schema current.

A writer connection applies `corpus/schema.sql` (idempotent) and records the schema version
in `schema_migrations`. Readers open the file read-only and never change it.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from marketspeak.corpus.sql import load_sql

log = logging.getLogger(__name__)

# Every schema version with its name. corpus/schema.sql is always the whole current
# schema; a version that changes existing tables also ships corpus/migrations/NNN.sql,
# which brings a file of the version before up to it (views and macros are replaced by
# re-running schema.sql, so they need no migration file).
MIGRATIONS = {
    1: "initial schema: documents, tokens, term_hits, trend macros",
    2: "trend_groups and trend_by_kind; lexicon_collocates and v_collocates",
    3: "crawl_runs.pages_not_due (revisit_after)",
    4: "crawl_runs: requests not made because of a limit, by reason; truncated crawls",
    5: "document_urls: URLs that are gone; documents counted per source by document_urls",
    6: "language of documents and paragraphs; rates count English text only",
    7: "stored PDF creation dates made on the day of the first fetch are not trusted",
    8: "term_hits.counted and excluded_by: every hit kept, measures count only counted ones",
    9: "boilerplate: text repeated across a source's documents, and its hits set aside",
    10: "near-duplicate documents clustered and counted once",
    11: "naming index: role-word hits per document and the naming index in every trend",
    12: "audit_labels: hand labels of sampled hits, scored into the precision of each count",
    13: "period_documents and trend_measures feed every trend and its bootstrap; "
    "document_counts.trend_date and n_words in trends, the old names kept as deprecated",
    14: "boilerplate_sources.fingerprint: boilerplate recomputed when a source's set of "
    "documents changes, not only their number",
}
SCHEMA_VERSION = max(MIGRATIONS)


class DatabaseError(RuntimeError):
    """The database file cannot be opened or is not a marketspeak database."""


def schema_sql() -> str:
    """The full DDL, as researchers read it."""
    return load_sql("marketspeak.corpus", "schema.sql")


def utcnow() -> datetime:
    """Naive UTC timestamp, the form every TIMESTAMP column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def limit_memory(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Cap DuckDB's memory (MARKETSPEAK_DUCKDB_MEMORY, default 1GB): past it, sorts, windows
    and joins spill to disk beside the database, so a run's memory stays the same however
    large the corpus grows (DuckDB would otherwise take up to 80% of RAM). Set after
    connecting, not as connection config: DuckDB refuses a second connection to a file with
    a config different from the first, so a plain connection already open in the process
    (a researcher's, a test's) would make every later one fail."""
    value = os.environ.get("MARKETSPEAK_DUCKDB_MEMORY") or "1GB"
    try:
        con.execute("SET memory_limit = ?", [value])
    except duckdb.Error as exc:
        con.close()
        raise DatabaseError(
            f"MARKETSPEAK_DUCKDB_MEMORY: {value!r} is not a memory size such as 1GB ({exc})"
        ) from exc
    return con


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database; a writer creates it and applies the schema when needed."""
    path = Path(path)
    if read_only and not path.exists():
        raise DatabaseError(f"{path}: no database here (run `marketspeak crawl` first)")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        snapshot = snapshot_path(path)
        if read_only and snapshot.exists() and "lock" in str(exc).lower():
            # A run is writing: read the snapshot it published last instead of waiting.
            log.warning("%s is being written; reading the snapshot %s", path, snapshot)
            return limit_memory(duckdb.connect(str(snapshot), read_only=True))
        raise DatabaseError(f"{path}: cannot open database ({exc})") from exc
    except duckdb.Error as exc:
        raise DatabaseError(f"{path}: not a readable DuckDB file ({exc})") from exc
    limit_memory(con)
    if not read_only:
        migrate(con)
    elif current_version(con) < SCHEMA_VERSION:
        # A file from an older release: readers need the current views, so upgrade it once.
        con.close()
        upgrade(path)
        return connect(path, read_only=True)
    return con


def upgrade(path: Path) -> None:
    """Migrate an older file in place with a short-lived writer connection."""
    try:
        connect(path).close()
    except DatabaseError as exc:
        raise DatabaseError(
            f"{path}: written by an older marketspeak and cannot be upgraded now ({exc})"
        ) from exc
    log.info("%s: upgraded to schema version %d", path, SCHEMA_VERSION)


@contextmanager
def reading(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for the length of a `with` block."""
    con = connect(path, read_only=True)
    try:
        yield con
    finally:
        con.close()


def snapshot_path(db: Path | str) -> Path:
    """Where the read-only copy of `db` published after each run lives."""
    db = Path(db)
    return db.with_name(f"{db.stem}.snapshot{db.suffix or '.duckdb'}")


def publish_snapshot(db: Path | str) -> Path:
    """Copy the database to its snapshot path, consistently and atomically: checkpoint (so
    the file holds every committed write), copy beside the target, rename over it. Readers
    of the old snapshot keep their open file; new readers get the whole new one. Call it
    with no writer open (the run lock held)."""
    con = connect(db)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    target = snapshot_path(db)
    temporary = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(db, temporary)
    os.replace(temporary, target)
    return target


RECORDED_VERSIONS = "SELECT DISTINCT lexicon, version FROM lexicon_terms ORDER BY lexicon"


def recorded_versions(con: duckdb.DuckDBPyConnection) -> str:
    """The lexicon versions the file's hits were matched with, e.g. 'market@1.0.0
    relational@1.0.0' (the form of corpus.lexicons.signature); empty before any tokenising."""
    rows = con.execute(RECORDED_VERSIONS).fetchall()
    return " ".join(f"{name}@{version}" for name, version in rows)


# The signatures the tokenised documents were matched under: lexicon versions and name rule.
MATCHED_UNDER = """
SELECT DISTINCT lexicon_versions FROM documents WHERE lexicon_versions IS NOT NULL ORDER BY 1
"""


def matched_under(con: duckdb.DuckDBPyConnection) -> str:
    """What the file's counted hits were matched and judged under, as the documents record
    it, e.g. 'market@2.0.0 relational@2.0.0 names@2': the label every published number
    carries, since a change of name rule changes the counts as a lexicon change does.
    Signatures of documents still waiting to be matched again are joined with ' + '; a file
    with no tokenised documents names its lexicon versions (recorded_versions)."""
    signatures = [row[0] for row in con.execute(MATCHED_UNDER).fetchall()]
    return " + ".join(signatures) or recorded_versions(con)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """Highest schema version recorded in the file, 0 for an empty file."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the file to SCHEMA_VERSION in one transaction: a new file gets schema.sql; an
    older one gets each migration file after its version, then schema.sql."""
    version = current_version(con)
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"database schema version {version} is newer than this marketspeak "
            f"({SCHEMA_VERSION}); upgrade marketspeak"
        )
    with transaction(con):
        if version:
            for step in range(version + 1, SCHEMA_VERSION + 1):
                if (
                    resources.files("marketspeak.corpus") / "migrations" / f"{step:03d}.sql"
                ).is_file():
                    con.execute(load_sql("marketspeak.corpus", f"migrations/{step:03d}.sql"))
        con.execute(schema_sql())
        for step in range(version + 1, SCHEMA_VERSION + 1):
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [step, MIGRATIONS[step], utcnow()],
            )
    if version and version < 6:
        # Version 6's language tables are filled by code, not SQL: the documents of an older
        # file are identified once here, so its first reader already gets English-only rates.
        from marketspeak.corpus.language import identify_pending

        log.info("identifying the language of the stored documents once (schema version 6)")
        done = identify_pending(con)
        log.info(
            "identified %d document(s); %d word(s) set aside", done.documents, done.words_set_aside
        )


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, **views: object) -> Iterator[None]:
    """All-or-nothing writes. Keyword arguments (Arrow tables) are visible to SQL by name
    inside the block, and gone after it."""
    con.execute("BEGIN")
    try:
        for name, table in views.items():
            con.register(name, table)
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in views:
            con.unregister(name)
