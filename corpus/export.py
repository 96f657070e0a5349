"""Parquet export of the database for tools other than DuckDB (R, pandas, Spark).

Tables go out whole; tokens and term hits (and the per-document view they join to) are
partitioned by publication year (`year=NNNN/`, `year=__HIVE_DEFAULT_PARTITION__` for
undated), so a reader can load one period without the rest.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

WHOLE = (
    "sources",
    "documents",
    "document_urls",
    "lexicon_terms",
    "date_sources",
    "crawl_issues",
    "crawl_runs",
    "trend_yearly",
    "term_trend_yearly",
)
BY_YEAR = {
    "tokens": "SELECT t.*, year(d.published) AS year FROM tokens t JOIN documents d USING (doc_id)",
    "lexicon_hits": "SELECT *, year(published) AS year FROM lexicon_hits",
}


def export_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> list[Path]:
    """Write every table and view named above under `folder`; return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in WHOLE:
        path = folder / f"{name}.parquet"
        # Names come from the constant above, never from input; the path is a bound value.
        con.execute(f"COPY (SELECT * FROM {name}) TO ? (FORMAT parquet)", [str(path)])  # noqa: S608
        written.append(path)
    for name, query in BY_YEAR.items():
        path = folder / name
        con.execute(
            f"COPY ({query}) TO ? (FORMAT parquet, PARTITION_BY (year), OVERWRITE_OR_IGNORE)",
            [str(path)],
        )
        written.append(path)
    return written
