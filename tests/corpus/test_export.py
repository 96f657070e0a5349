"""Parquet export: every table readable again, tokens and hits partitioned by year."""

from __future__ import annotations

import duckdb

from pipelines.cli import main


def test_export_writes_tables_and_yearly_partitions(crawled, tmp_path, capsys):
    out = tmp_path / "parquet"
    assert main(["export", "--parquet", str(out), "--db", str(crawled.db)]) == 0
    con = duckdb.connect()
    source = duckdb.connect(str(crawled.db), read_only=True)
    for table in ("documents", "document_urls", "crawl_runs", "trend_yearly"):
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
    assert (
        "market 1.0.0" in out
        and "co-production" in out
        and out.strip().endswith("ok: market@1.0.0 relational@1.0.0")
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("lexicon: market\nversion: 1.0.0\nterms:\n  - {term: shop, category: till}\n")
    assert main(["lexicon", "check", str(bad)]) == 2
    assert f"{bad}:4:" in capsys.readouterr().err
