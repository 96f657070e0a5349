"""Parquet export of the database for tools other than DuckDB (R, pandas, Spark).

Tables go out whole; tokens and term hits (and the per-document view they join to) are
partitioned by publication year (`year=NNNN/`, `year=__HIVE_DEFAULT_PARTITION__` for
undated), so a reader can load one period without the rest. Documents, tokens and hits
carry `is_current` (some URL still serves the text) and `trend_date` (the date trends use:
NULL when the publication date is missing or untrusted), so that a reader of the files
can leave out superseded and removed texts and untrusted dates as the trends do.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

WHOLE = (
    "sources",
    "document_urls",
    "lexicon_terms",
    "date_sources",
    "crawl_issues",
    "crawl_runs",
    "document_languages",
    "language_spans",
    "trend_yearly",
    "term_trend_yearly",
)
# Whole files that need more than a table: documents with their status (document_status).
QUERIES = {
    "documents": "SELECT * FROM documents JOIN document_status USING (doc_id)",
}
BY_YEAR = {
    "tokens": (
        "SELECT t.*, st.is_current, st.trend_date, year(d.published) AS year "
        "FROM tokens t JOIN documents d USING (doc_id) JOIN document_status st USING (doc_id)"
    ),
    "lexicon_hits": "SELECT *, year(published) AS year FROM lexicon_hits",
}


# The COPY statements, by file or folder name: table names come from the constants above,
# never from input, so they are written in here; the target path is always bound.
WHOLE_COPIES = {
    name: f"COPY ({query}) TO ? (FORMAT parquet)"
    for name, query in ({n: f"SELECT * FROM {n}" for n in WHOLE} | QUERIES).items()  # noqa: S608
}
BY_YEAR_COPIES = {
    name: f"COPY ({query}) TO ? (FORMAT parquet, PARTITION_BY (year), OVERWRITE_OR_IGNORE)"
    for name, query in BY_YEAR.items()
}


def export_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> list[Path]:
    """Write every table and view named above under `folder`; return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, copy in WHOLE_COPIES.items():
        path = folder / f"{name}.parquet"
        con.execute(copy, [str(path)])
        written.append(path)
    for name, copy in BY_YEAR_COPIES.items():
        path = folder / name
        con.execute(copy, [str(path)])
        written.append(path)
    return written
