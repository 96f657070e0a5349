"""Open the marketspeak DuckDB file and keep its schema current.

A writer connection applies `corpus/schema.sql` (idempotent) and records the schema version
in `schema_migrations`. Readers open the file read-only and never change it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

SCHEMA_VERSION = 1
SCHEMA_NAME = "initial schema: documents, tokens, term_hits, trend macros"


class DatabaseError(RuntimeError):
    """The database file cannot be opened or is not a marketspeak database."""


def schema_sql() -> str:
    """The full DDL, as researchers read it."""
    return (resources.files("corpus") / "schema.sql").read_text(encoding="utf-8")


def utcnow() -> datetime:
    """Naive UTC timestamp, the form every TIMESTAMP column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


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
        raise DatabaseError(f"{path}: cannot open database ({exc})") from exc
    except duckdb.Error as exc:
        raise DatabaseError(f"{path}: not a readable DuckDB file ({exc})") from exc
    if not read_only:
        migrate(con)
    return con


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """Highest schema version recorded in the file, 0 for an empty file."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the file to SCHEMA_VERSION in one transaction."""
    version = current_version(con)
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"database schema version {version} is newer than this marketspeak "
            f"({SCHEMA_VERSION}); upgrade marketspeak"
        )
    with transaction(con):
        con.execute(schema_sql())
        if version < SCHEMA_VERSION:
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [SCHEMA_VERSION, SCHEMA_NAME, utcnow()],
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
