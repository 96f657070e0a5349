"""The schema is the data dictionary: every table, view and column is documented, and the
file opens in the DuckDB command-line shell as well as in Python."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from marketspeak.corpus.db import SCHEMA_VERSION, DatabaseError, connect


@pytest.fixture()
def fresh_db(tmp_path):
    path = tmp_path / "fresh.duckdb"
    connect(path).close()
    return path


def test_every_table_and_column_has_a_comment(fresh_db):
    con = duckdb.connect(str(fresh_db), read_only=True)
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE comment IS NULL OR comment = ''"
    ).fetchall()
    views = con.execute(
        "SELECT view_name FROM duckdb_views() "
        "WHERE NOT internal AND (comment IS NULL OR comment = '')"
    ).fetchall()
    columns = con.execute(
        "SELECT table_name || '.' || column_name FROM duckdb_columns() c "
        "JOIN duckdb_tables() t USING (table_name) WHERE c.comment IS NULL OR c.comment = ''"
    ).fetchall()
    assert (tables, views, columns) == ([], [], [])


def test_researcher_views_and_macros_exist(fresh_db):
    con = duckdb.connect(str(fresh_db), read_only=True)
    views = {
        r[0]
        for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    }
    assert {"lexicon_hits", "document_counts", "trend_yearly", "term_trend_yearly"} <= views
    assert con.execute("SELECT count(*) FROM trend('quarter')").fetchone()[0] == 0


def test_applying_the_schema_twice_changes_nothing(fresh_db):
    connect(fresh_db).close()
    con = duckdb.connect(str(fresh_db), read_only=True)
    versions = con.execute("SELECT list(version ORDER BY version) FROM schema_migrations")
    assert versions.fetchone()[0] == list(range(1, SCHEMA_VERSION + 1))


def test_a_version_1_file_is_migrated_in_place_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute((Path(__file__).parent / "fixtures" / "schema_v1.sql").read_text())
    old.close()

    connect(path).close()

    con = duckdb.connect(str(path), read_only=True)
    versions = con.execute("SELECT list(version ORDER BY version) FROM schema_migrations")
    assert versions.fetchone()[0] == list(range(1, SCHEMA_VERSION + 1))
    assert con.execute("SELECT count(*) FROM tokens").fetchone()[0] == 6
    by_kind = con.execute(
        "SELECT source_kind, market_hits, relational_hits FROM trend_by_kind('year')"
    ).fetchall()
    assert by_kind == [("council", 1, 1)]
    pairs = con.execute(
        "SELECT term, collocate, o11 FROM v_collocates ORDER BY term, collocate"
    ).fetchall()
    assert ("customer", "citizen", 1) in pairs and ("citizen", "customer", 1) in pairs


def test_a_reader_of_a_version_1_file_gets_the_current_views(tmp_path):
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute((Path(__file__).parent / "fixtures" / "schema_v1.sql").read_text())
    old.close()

    con = connect(path, read_only=True)
    assert con.execute("SELECT count(*) FROM v_collocates").fetchone()[0] > 0
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == (
        SCHEMA_VERSION
    )


def test_a_file_from_a_newer_release_is_refused(fresh_db):
    con = duckdb.connect(str(fresh_db))
    con.execute("INSERT INTO schema_migrations VALUES (99, 'future', now())")
    con.close()
    with pytest.raises(DatabaseError, match="newer than this marketspeak"):
        connect(fresh_db)


def test_reading_a_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(DatabaseError, match="marketspeak crawl"):
        connect(tmp_path / "nothing.duckdb", read_only=True)


def duckdb_cli() -> str:
    found = Path(sys.executable).parent / "duckdb"
    return str(found) if found.exists() else (shutil.which("duckdb") or "")


def test_the_crawled_file_opens_in_the_duckdb_shell(crawled):
    cli = duckdb_cli()
    assert cli, "the duckdb shell is installed with marketspeak (duckdb-cli)"
    done = subprocess.run(
        [
            cli,
            "-readonly",
            "-csv",
            str(crawled.db),
            "-c",
            "SELECT count(*) AS n FROM documents; SELECT sum(market_hits) FROM trend_yearly;",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    assert lines[:2] == ["n", "227"]


def test_every_date_source_the_crawler_can_write_is_explained(fresh_db):
    from marketspeak.spiders.extract import DATE_SOURCES

    con = duckdb.connect(str(fresh_db), read_only=True)
    explained = {r[0] for r in con.execute("SELECT date_source FROM date_sources").fetchall()}
    assert set(DATE_SOURCES) == explained


def test_a_plain_connection_already_open_does_not_stop_ours(fresh_db, monkeypatch):
    # A researcher's own duckdb.connect in the same process, with DuckDB's defaults.
    theirs = duckdb.connect(str(fresh_db), read_only=True)
    monkeypatch.setenv("MARKETSPEAK_DUCKDB_MEMORY", "256MB")
    ours = connect(fresh_db, read_only=True)
    limit = ours.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.startswith("244.1 MiB")  # 256 MB, as DuckDB prints it
    ours.close()
    theirs.close()


def test_a_bad_memory_cap_is_one_line_naming_the_setting(fresh_db, monkeypatch):
    monkeypatch.setenv("MARKETSPEAK_DUCKDB_MEMORY", "lots")
    with pytest.raises(DatabaseError) as err:
        connect(fresh_db, read_only=True)
    assert str(err.value).startswith("MARKETSPEAK_DUCKDB_MEMORY: 'lots' is not a memory size")
    assert "\n" not in str(err.value)


def test_a_version_4_file_learns_from_its_fetch_log_which_urls_are_gone(fresh_db):
    con = duckdb.connect(str(fresh_db))
    # Back to version 4: document_urls without its gone columns.
    con.execute("ALTER TABLE document_urls DROP COLUMN gone_status")
    con.execute("ALTER TABLE document_urls DROP COLUMN gone_at")
    con.execute("DELETE FROM schema_migrations WHERE version > 4")
    con.execute(
        "INSERT INTO documents (doc_id, source, url, content_type, content_sha256, text, n_chars,"
        " first_seen, last_seen) VALUES ('d1', 's', 'http://127.0.0.1/a', 'html', 'h1', 'x', 1,"
        " '2024-01-01', '2024-01-01'), ('d2', 's', 'http://127.0.0.1/b', 'html', 'h2', 'y', 1,"
        " '2024-01-01', '2024-01-01')"
    )
    con.execute(
        "INSERT INTO document_urls VALUES ('http://127.0.0.1/a', 'd1', 's', '2024-01-01',"
        " '2024-01-01'), ('http://127.0.0.1/b', 'd2', 's', '2024-01-01', '2024-02-01')"
    )
    # /a answered 404 after it last served its text; /b's 404 was before its last answer.
    con.execute(
        "INSERT INTO fetch_log (run_id, source, url, status, error, fetched_at) VALUES"
        " ('r', 's', 'http://127.0.0.1/a', 404, 'http-404', '2024-01-15'),"
        " ('r', 's', 'http://127.0.0.1/b', 404, 'http-404', '2024-01-15')"
    )
    con.close()

    connect(fresh_db).close()

    con = duckdb.connect(str(fresh_db), read_only=True)
    rows = con.execute(
        "SELECT url, gone_status, doc_id IN (SELECT doc_id FROM current_documents) "
        "FROM document_urls ORDER BY url"
    ).fetchall()
    assert rows == [("http://127.0.0.1/a", 404, False), ("http://127.0.0.1/b", None, True)]


def test_a_version_6_file_stops_trusting_pdf_dates_made_when_first_fetched(fresh_db):
    con = duckdb.connect(str(fresh_db))
    con.execute("DELETE FROM schema_migrations WHERE version > 6")
    # d1's CreationDate is months before its first fetch; d2's is the day of it (a PDF the
    # server generated when asked); d3's page date is not a PDF date and stays as it is.
    con.execute(
        "INSERT INTO documents (doc_id, source, url, published, date_source, content_type,"
        " content_sha256, text, n_chars, first_seen, last_seen) VALUES"
        " ('d1', 's', 'http://127.0.0.1/a.pdf', '2023-06-01', 'pdf-metadata', 'pdf', 'h1', 'x',"
        " 1, '2024-01-10 09:00', '2024-01-10 09:00'),"
        " ('d2', 's', 'http://127.0.0.1/b.pdf', '2024-01-10', 'pdf-metadata', 'pdf', 'h2', 'y',"
        " 1, '2024-01-10 09:00', '2024-01-10 09:00'),"
        " ('d3', 's', 'http://127.0.0.1/c', '2024-01-10', 'json-ld', 'html', 'h3', 'z',"
        " 1, '2024-01-10 09:00', '2024-01-10 09:00')"
    )
    con.close()

    connect(fresh_db).close()

    con = duckdb.connect(str(fresh_db), read_only=True)
    rows = con.execute(
        "SELECT doc_id, date_source, reliable FROM documents JOIN date_sources "
        "USING (date_source) ORDER BY doc_id"
    ).fetchall()
    assert rows == [
        ("d1", "pdf-metadata", True),
        ("d2", "pdf-metadata-recent", False),
        ("d3", "json-ld", True),
    ]
