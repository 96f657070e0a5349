"""Concordance lines: every use of a term, in context, reproducibly sampled, safe to export."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

from marketspeak.analysis.kwic import kwic
from marketspeak.pipelines.cli import main
from marketspeak.pipelines.demo_site.generate import planted_totals, set_aside_totals


def test_every_planted_use_of_a_term_has_a_line(crawled, read_db):
    planted = planted_totals(crawled.manifest)
    for term in ("customer journey", "co-production", "citizen"):
        lines = kwic(read_db, term)
        assert len(lines) == sum(n for (_, _, t), n in planted.items() if t == term)


def test_every_hit_has_a_line_with_the_reason_it_is_set_aside(crawled, read_db):
    set_aside = set_aside_totals(crawled.manifest)
    planted = planted_totals(crawled.manifest)
    for term in ("customer service", "family", "person", "resident"):
        lines = kwic(read_db, term, every_hit=True)
        reasons = Counter(lines["excluded_by"])
        expected = Counter({r: n for (r, _, t), n in set_aside.items() if t == term})
        expected[""] = sum(n for (_, _, t), n in planted.items() if t == term)
        assert reasons == expected


def test_a_line_shows_the_match_between_its_contexts(read_db):
    lines = kwic(read_db, "value for money", width=3)
    row = lines.iloc[0]
    assert row["match"].lower() == "value for money"
    assert len(row["left_context"].split()) <= 3 and len(row["right_context"].split()) <= 3
    text = read_db.execute(
        "SELECT text FROM documents WHERE doc_id = ?", [row["doc_id"]]
    ).fetchone()[0]
    assert "value for money" in text.lower()


def test_lines_are_in_date_order_and_filters_apply(read_db):
    lines = kwic(read_db, "customer", source="southvale", date_from=date(2015, 1, 1))
    assert set(lines["source"]) == {"southvale"}
    assert all(d >= date(2015, 1, 1) for d in lines["published"])
    assert list(lines["published"]) == sorted(lines["published"]) and len(lines) > 0


def test_a_sample_is_the_same_for_the_same_seed(read_db):
    first = kwic(read_db, "customer", sample=5, seed=7)
    assert len(first) == 5
    assert first.equals(kwic(read_db, "customer", sample=5, seed=7))
    assert not first.equals(kwic(read_db, "customer", sample=5, seed=8))


def test_any_word_is_found_by_its_lemma(read_db):
    lines = kwic(read_db, "library")
    assert len(lines) > 0 and Counter(lines["match"].str.lower()).keys() <= {"library", "libraries"}


def test_a_hostile_term_is_just_a_term(read_db):
    assert kwic(read_db, "x'); DROP TABLE documents; --").empty
    assert read_db.execute("SELECT count(*) FROM documents").fetchone()[0] == 227


def test_csv_export_neutralises_formulas(crawled, tmp_path, capsys):
    import shutil

    import duckdb

    db = tmp_path / "formula.duckdb"
    shutil.copy(crawled.db, db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE documents SET title = '=HYPERLINK(\"http://x\")'")
    con.close()
    assert main(["kwic", "citizen", "--db", str(db), "--format", "csv", "--sample", "3"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and all(r["title"].startswith("'=") for r in rows)
