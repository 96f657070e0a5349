"""What `marketspeak demo` produces stays what it was: every table of its database, the
views researchers query most, and the site's data files, compared with the golden digests
in `golden/demo_outputs.json`.

The golden holds a SHA-256 (first 16 hex digits) of each column's sorted values and of
each data file's rows, so a refactoring that changes any stored or published number fails
here, naming the column or file. Left out, because they differ between two runs of the
same code: timestamps, run ids, the served site's port, the HTTP validators of its files,
a run's free-text detail, and which of two URLs of one text was crawled first
(`documents.url`, a data row's `url`). The schema's own bookkeeping (`schema_migrations`)
is left out too: a migration adds a row without changing any output.

A column renamed on purpose is listed in RENAMED (new name: name in the golden), so the
golden keeps the previous release's outputs. To write the golden again after a change of
outputs that is meant, run `MARKETSPEAK_WRITE_GOLDEN=1 python -m pytest` on this file and
say why in the commit.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from pathlib import Path

import duckdb
import pytest

from marketspeak.pipelines.demo import run_demo

GOLDEN = Path(__file__).resolve().parent / "golden" / "demo_outputs.json"
HOST = re.compile(r"127\.0\.0\.1:\d+")
# Views researchers query directly; their columns are part of the published schema.
VIEWS = ("document_counts", "hit_status", "trend_yearly", "term_trend_yearly", "v_index")
SKIPPED_TABLES = {"schema_migrations"}
VOLATILE_COLUMNS = {
    "run_id",
    "documents.url",
    "fetch_log.etag",
    "fetch_log.last_modified",
    "runs.detail",
}
VOLATILE_TYPES = ("TIMESTAMP", "INTERVAL")
# Columns renamed on purpose, as "relation.new_name": "old_name".
RENAMED: dict[str, str] = {
    # Schema version 13: names that say what the columns hold (the old names stay, deprecated).
    "document_counts.trend_date": "published",
    "trend_yearly.n_words": "n_tokens",
    "v_index.n_words": "n_tokens",
}
# Keys of the site's data rows that name where a text was first found (crawl order).
VOLATILE_KEYS = {"url"}


def digest(values: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(values)).encode("utf-8")).hexdigest()[:16]


def cell(value: object) -> str:
    return "\0" if value is None else HOST.sub("HOST", str(value))


def relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    tables = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1"
    ).fetchall()
    return [name for (name,) in tables if name not in SKIPPED_TABLES] + list(VIEWS)


def column_digests(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    columns = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
        [relation],
    ).fetchall()
    rows = con.execute(f'SELECT * FROM "{relation}"').fetchall()  # noqa: S608 (our names)
    found = {}
    for index, (name, data_type) in enumerate(columns):
        if name in VOLATILE_COLUMNS or f"{relation}.{name}" in VOLATILE_COLUMNS:
            continue
        if data_type.startswith(VOLATILE_TYPES):
            continue
        golden_name = RENAMED.get(f"{relation}.{name}", name)
        found[f"{relation}.{golden_name}"] = digest([cell(row[index]) for row in rows])
    found[f"{relation}.(rows)"] = str(len(rows))
    return found


def database_digests(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        found: dict[str, str] = {}
        for relation in relations(con):
            found.update(column_digests(con, relation))
        return found
    finally:
        con.close()


def data_file_rows(path: Path) -> list[str]:
    """Each row of a site data file as canonical JSON, without its volatile keys."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    else:
        loaded = json.loads(path.read_text(encoding="utf-8"))
        rows = loaded if isinstance(loaded, list) else [loaded]
    kept = [
        {key: value for key, value in row.items() if key not in VOLATILE_KEYS}
        if isinstance(row, dict)
        else row
        for row in rows
    ]
    return [HOST.sub("HOST", json.dumps(row, sort_keys=True)) for row in kept]


def site_digests(site: Path) -> dict[str, str]:
    files = sorted((site / "data").glob("*.json")) + sorted((site / "data").glob("*.csv"))
    return {f"site/data/{path.name}": digest(data_file_rows(path)) for path in files}


@pytest.fixture(scope="module")
def demo_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("golden-demo")
    run_demo(root / "demo.duckdb", root / "site")
    return {**database_digests(root / "demo.duckdb"), **site_digests(root / "site")}


def test_the_demo_outputs_equal_the_golden_ones(demo_outputs):
    if os.environ.get("MARKETSPEAK_WRITE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(demo_outputs, indent=1, sort_keys=True) + "\n")
        pytest.skip(f"wrote {GOLDEN.name}; commit it with the reason the outputs changed")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = sorted(key for key in golden if demo_outputs.get(key) != golden[key])
    added = sorted(set(demo_outputs) - set(golden))
    assert (changed, added) == ([], []), f"changed: {changed}; not in the golden: {added}"
