"""Ingest is idempotent, and bad crawl output is refused without touching stored data."""

from __future__ import annotations

import json

import duckdb
import pytest

from marketspeak.corpus.db import connect
from marketspeak.corpus.ingest import IngestError, ingest_files
from tests.corpus.publisher_site import Site, crawl_and_store, page, source_for
from tests.spiders.fixture_http import running


def item(url, text, **extra):
    from marketspeak.spiders.extract import content_hash

    row = {
        "item": "document",
        "source": "s",
        "url": url,
        "title": "T",
        "text": text,
        "published": "2012-03-04",
        "date_source": "html-meta",
        "content_type": "html",
        "content_sha256": content_hash(text),
        "fetched_at": "2024-01-01T00:00:00",
    }
    row.update(extra)
    return row


def write_items(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


SOURCES = [{"name": "s", "kind": "council", "start_urls": ["http://127.0.0.1/"]}]


def test_ingesting_the_same_items_twice_stores_them_once(tmp_path):
    items = write_items(
        tmp_path / "s.jsonl",
        [
            item("http://127.0.0.1/a", "one text"),
            item("http://127.0.0.1/b", "one text"),
            item("http://127.0.0.1/c", "other text"),
        ],
    )
    con = connect(tmp_path / "db.duckdb")
    first = ingest_files(con, [items], SOURCES)
    second = ingest_files(con, [items], SOURCES)
    assert (first.new_documents, first.duplicate_items) == (2, 1)
    assert (second.new_documents, second.duplicate_items) == (0, 3)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM document_urls").fetchone()[0] == 3


def test_an_impossible_date_is_stored_as_undated(tmp_path):
    items = write_items(
        tmp_path / "s.jsonl", [item("http://127.0.0.1/a", "x", published="2012-02-31")]
    )
    con = connect(tmp_path / "db.duckdb")
    ingest_files(con, [items], SOURCES)
    assert con.execute("SELECT published, date_source FROM documents").fetchone() == (None, None)


def test_a_broken_line_names_file_and_line_and_stores_nothing(tmp_path):
    good = write_items(tmp_path / "a.jsonl", [item("http://127.0.0.1/a", "kept text")])
    con = connect(tmp_path / "db.duckdb")
    ingest_files(con, [good], SOURCES)
    bad = tmp_path / "b.jsonl"
    bad.write_text(json.dumps(item("http://127.0.0.1/b", "new")) + "\n{not json\n")
    with pytest.raises(IngestError, match=r"b\.jsonl:2: not valid JSON"):
        ingest_files(con, [bad], SOURCES)
    assert con.execute("SELECT list(text) FROM documents").fetchone()[0] == ["kept text"]


def test_an_item_without_text_is_refused_by_name(tmp_path):
    bad = write_items(tmp_path / "s.jsonl", [item("http://127.0.0.1/a", "")])
    con = connect(tmp_path / "db.duckdb")
    with pytest.raises(IngestError, match="missing field 'text'"):
        ingest_files(con, [bad], SOURCES)


def test_a_page_removed_on_a_recrawl_leaves_the_current_documents_and_the_trend(tmp_path):

    site = Site(
        {
            "/doc/kept": page("roads", "customers"),
            "/doc/removed": page("parks", "customers and citizens"),
            "/doc/withdrawn": page("libraries", "citizens"),
            "/doc/down": page("bins", "partners"),
        }
    )
    db = tmp_path / "db.duckdb"
    with running(site.handler()) as (base,):
        sources = [source_for("council-a", base)]
        crawl_and_store(db, sources)
        site.pages["/doc/removed"] = (404, "")
        site.pages["/doc/withdrawn"] = (410, "")
        site.pages["/doc/down"] = (503, "")  # a server in trouble has not removed anything
        crawl_and_store(db, sources)
        con = duckdb.connect(str(db), read_only=True)
        current = {u for (u,) in con.execute("SELECT url FROM current_documents").fetchall()}
        assert current == {base + "/doc/kept", base + "/doc/down"}
        assert con.execute("SELECT sum(n_documents) FROM trend('year')").fetchone()[0] == 2
        gone = con.execute(
            "SELECT url, gone_status FROM document_urls WHERE gone_at IS NOT NULL ORDER BY url"
        ).fetchall()
        assert gone == [(base + "/doc/removed", 404), (base + "/doc/withdrawn", 410)]
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 4  # history kept
        con.close()

        site.pages["/doc/removed"] = (200, page("parks", "customers and citizens"))
        site.answers.clear()
        crawl_and_store(db, sources)
    assert ("/doc/removed", 304) in site.answers  # the same text is back, and its ETag with it
    con = duckdb.connect(str(db), read_only=True)
    current = {u for (u,) in con.execute("SELECT url FROM current_documents").fetchall()}
    assert current == {base + "/doc/kept", base + "/doc/down", base + "/doc/removed"}
    assert con.execute("SELECT sum(n_documents) FROM trend('year')").fetchone()[0] == 3


def test_a_timeout_or_server_error_does_not_mark_a_url_gone(tmp_path):
    first = write_items(tmp_path / "a.jsonl", [item("http://127.0.0.1/a", "still here")])
    failed = [
        {
            "item": "fetch",
            "source": "s",
            "url": "http://127.0.0.1/a",
            "status": status,
            "error": error,
            "fetched_at": "2024-02-01T00:00:00",
        }
        for status, error in ((None, "timeout"), (500, "http-500"), (None, "connection-lost"))
    ]
    later = write_items(tmp_path / "b.jsonl", failed)
    con = connect(tmp_path / "db.duckdb")
    ingest_files(con, [first], SOURCES)
    ingest_files(con, [later], SOURCES)
    assert con.execute("SELECT count(*) FROM current_documents").fetchone()[0] == 1
    assert con.execute("SELECT gone_at FROM document_urls").fetchone()[0] is None


def test_a_404_older_than_the_last_good_answer_does_not_mark_a_url_gone(tmp_path):
    rows = [
        {
            "item": "fetch",
            "source": "s",
            "url": "http://127.0.0.1/a",
            "status": 404,
            "error": "http-404",
            "fetched_at": "2023-12-31T00:00:00",
        },
        item("http://127.0.0.1/a", "back again", fetched_at="2024-01-01T00:00:00"),
    ]
    con = connect(tmp_path / "db.duckdb")
    ingest_files(con, [write_items(tmp_path / "a.jsonl", rows)], SOURCES)
    assert con.execute("SELECT count(*) FROM current_documents").fetchone()[0] == 1
