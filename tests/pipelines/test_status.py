"""`marketspeak status` says when a source's last crawl was cut short by a limit, and how
many URLs each limit left, in the table and in JSON; a file from before those counts were
kept reads the same way."""

from __future__ import annotations

import json

import duckdb
import pytest

from marketspeak.corpus.db import connect, reading
from marketspeak.pipelines import steps
from marketspeak.pipelines.cli import main
from tests.spiders.paginated_site import OFFSITE_LINKS, paginated_source, serve_paginated


@pytest.fixture(scope="module")
def truncated_db(tmp_path_factory):
    """A source crawled with a page budget smaller than its listing."""
    db = tmp_path_factory.mktemp("status") / "s.duckdb"
    with serve_paginated(listings=20, per_page=10) as (base, plan, hits):
        source = paginated_source(base, max_pages=30)
        steps.ingest(db, steps.crawl([source], db), [source])
        fetched = {p for p in hits if p != "/robots.txt"}
    return db, len(plan.found_from(fetched) - fetched)


def test_status_json_counts_what_each_limit_left_and_names_truncated_sources(truncated_db, capsys):
    db, left = truncated_db
    assert main(["status", "--db", str(db), "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    [source] = status["sources"]
    assert source["not_fetched"] == {"max-pages": left, "offsite": OFFSITE_LINKS}
    assert source["truncated"] is True and status["truncated"] == ["chained"]
    assert source["limits"] == (
        f"truncated: {left} links beyond max_pages; not fetched: {OFFSITE_LINKS} links on "
        "other hosts"
    )
    assert status["failing"] == []


def test_status_table_shows_the_count_and_says_truncated(truncated_db, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # one line per row, as on a wide terminal
    db, left = truncated_db
    assert main(["status", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"{left + OFFSITE_LINKS} (truncated)" in out
    assert f"chained: truncated: {left} links beyond max_pages" in out


def test_a_source_whose_start_page_robots_txt_disallows_got_nothing_and_fails(tmp_path, capsys):
    db = tmp_path / "r.duckdb"
    with serve_paginated(listings=2, per_page=2, robots="User-agent: *\nDisallow: /\n") as (
        base,
        _,
        hits,
    ):
        source = paginated_source(base)
        steps.ingest(db, steps.crawl([source], db), [source])
    assert set(hits) == {"/robots.txt"}
    assert main(["status", "--db", str(db), "--format", "json"]) == 4
    status = json.loads(capsys.readouterr().out)
    assert status["failing"] == ["chained"] and status["truncated"] == []
    assert status["sources"][0]["not_fetched"] == {"robots-disallowed": 1}
    assert status["sources"][0]["failed"] == 0


def test_a_version_3_file_moves_limits_out_of_its_failures(tmp_path):
    path = tmp_path / "v3.duckdb"
    connect(path).close()
    con = duckdb.connect(str(path))
    # Back to version 3: crawl_runs without the limit columns, limits counted as failures.
    con.execute("ALTER TABLE crawl_runs DROP COLUMN truncated")
    con.execute("ALTER TABLE crawl_runs DROP COLUMN not_fetched")
    con.execute("DELETE FROM schema_migrations WHERE version > 3")
    con.execute(
        "INSERT INTO crawl_runs VALUES "
        "('r1', 'a', NULL, NULL, 10, 0, 4, MAP {'http-404': 1, 'robots-disallowed': 2, "
        "'too-large': 1}, 5, 0, 0, 0), "
        "('r1', 'b', NULL, NULL, 3, 0, 1, MAP {'offsite': 1}, 1, 0, 0, 0), "
        "('r1', 'c', NULL, NULL, 3, 0, 0, NULL, 1, 0, 0, 0)"
    )
    con.close()

    with reading(path) as migrated:  # a reader upgrades the file first
        rows = migrated.execute(
            "SELECT source, pages_failed, failures, not_fetched, truncated FROM crawl_runs "
            "ORDER BY source"
        ).fetchall()
    assert rows == [
        ("a", 1, {"http-404": 1}, {"robots-disallowed": 2, "too-large": 1}, True),
        ("b", 0, None, {"offsite": 1}, None),
        ("c", 0, None, {}, None),
    ]
