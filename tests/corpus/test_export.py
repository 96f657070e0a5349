"""Parquet export: every table readable again, tokens and hits partitioned by year."""

from __future__ import annotations

from datetime import date

import duckdb

from marketspeak.corpus.lexicons import load_lexicons, signature
from marketspeak.pipelines.cli import main


def test_export_writes_tables_and_yearly_partitions(crawled, tmp_path, capsys):
    out = tmp_path / "parquet"
    assert main(["export", "--parquet", str(out), "--db", str(crawled.db)]) == 0
    con = duckdb.connect()
    source = duckdb.connect(str(crawled.db), read_only=True)
    tables = ("documents", "document_urls", "crawl_runs", "document_languages", "trend_yearly")
    for table in tables:
        exported = con.execute(
            "SELECT count(*) FROM read_parquet(?)", [str(out / f"{table}.parquet")]
        ).fetchone()[0]
        assert exported == source.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
    years = sorted(p.name for p in (out / "tokens").iterdir())
    assert "year=2005" in years and "year=2024" in years
    tokens = con.execute(
        "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
        [str(out / "tokens" / "*" / "*.parquet")],
    ).fetchone()[0]
    assert tokens == source.execute("SELECT count(*) FROM tokens").fetchone()[0]


def test_lexicon_check_lists_terms_and_rejects_bad_files(tmp_path, capsys):
    assert main(["lexicon", "check"]) == 0
    out = capsys.readouterr().out
    market = next(lx for lx in load_lexicons() if lx.name == "market")
    assert (
        f"market {market.version}" in out
        and "co-production" in out
        and out.strip().endswith(f"ok: {signature(load_lexicons())}")
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("lexicon: market\nversion: 1.0.0\nterms:\n  - {term: shop, category: till}\n")
    assert main(["lexicon", "check", str(bad)]) == 2
    assert f"{bad}:4:" in capsys.readouterr().err


def test_hits_and_documents_say_whether_they_are_current_and_which_date_trends_use(tmp_path):
    import json

    from marketspeak.corpus import annotate
    from marketspeak.corpus.db import connect
    from marketspeak.corpus.export import export_parquet
    from marketspeak.corpus.ingest import ingest_files
    from marketspeak.corpus.lexicons import load_lexicons
    from marketspeak.spiders.extract import content_hash

    def item(url, text, fetched, day, date_source):
        return {
            "item": "document",
            "source": "s",
            "url": url,
            "text": text,
            "content_sha256": content_hash(text),
            "content_type": "html",
            "published": day,
            "date_source": date_source,
            "fetched_at": fetched,
        }

    batches = [
        [
            item("http://127.0.0.1/a", "Customers first.", "2024-01-01", "2012-03-04", "html-meta"),
            item("http://127.0.0.1/b", "Customer care.", "2024-01-01", "2013-05-06", "htmldate"),
        ],
        # /a is edited: its first text is superseded, kept as history.
        [item("http://127.0.0.1/a", "Customers again.", "2024-02-01", "2012-03-04", "html-meta")],
    ]
    con = connect(tmp_path / "db.duckdb")
    for n, batch in enumerate(batches):
        path = tmp_path / f"{n}.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in batch))
        ingest_files(con, [path], [{"name": "s", "kind": "council", "start_urls": ["x"]}])
    annotate.tokenise_pending(con, load_lexicons())
    expected = [
        ("Customers again", True, date(2012, 3, 4)),
        ("Customers first", False, date(2012, 3, 4)),  # superseded
        ("Customer care", True, None),  # dated by htmldate, which trends do not trust
    ]
    query = (
        "SELECT d.text[:-2], h.is_current, h.trend_date FROM lexicon_hits h "
        "JOIN documents d USING (doc_id)"
    )
    assert sorted(con.execute(query).fetchall()) == sorted(expected)

    out = tmp_path / "parquet"
    export_parquet(con, out)
    files = duckdb.connect()
    for name in ("lexicon_hits", "tokens"):
        parts = str(out / name / "*" / "*.parquet")
        files.read_parquet(parts, hive_partitioning=True).create_view(name)
    files.read_parquet(str(out / "documents.parquet")).create_view("documents")
    assert sorted(files.execute(query).fetchall()) == sorted(expected)
    documents = files.execute("SELECT text[:-2], is_current, trend_date FROM documents")
    assert sorted(documents.fetchall()) == sorted(expected)
    current = files.execute("SELECT count(DISTINCT doc_id) FROM tokens WHERE is_current")
    assert current.fetchone()[0] == 2
