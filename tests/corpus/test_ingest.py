"""Ingest is idempotent, and bad crawl output is refused without touching stored data."""

from __future__ import annotations

import json

import pytest

from corpus.db import connect
from corpus.ingest import IngestError, ingest_files


def item(url, text, **extra):
    from spiders.extract import content_hash

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
