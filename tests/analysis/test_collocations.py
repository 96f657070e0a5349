"""Collocation measures on a corpus small enough to work out on paper."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.metrics import BigramAssocMeasures

from marketspeak.analysis.collocations import collocates, scores, stop_words
from tests.conftest import tiny_corpus


def test_hand_worked_counts_and_scores(tmp_path):
    # Word tokens: apple customer pear plum customer fig  (N = 6; punctuation is skipped)
    con = tiny_corpus(tmp_path, ["Apple customer pear, plum customer fig."])
    frame = collocates(con, "customer", window=1)
    assert dict(zip(frame["collocate"], frame["o11"], strict=True)) == {
        "apple": 1,
        "pear": 1,
        "plum": 1,
        "fig": 1,
    }
    pear = frame[frame["collocate"] == "pear"].iloc[0]
    assert (pear["r1"], pear["c1"], pear["n"]) == (4, 1, 6)
    assert pear["e11"] == pytest.approx(4 / 6)
    assert pear["mi"] == pytest.approx(math.log2(1.5))
    assert pear["t"] == pytest.approx(1 / 3)
    assert pear["logdice"] == pytest.approx(14 + math.log2(2 / 5))
    g2 = 2 * (1 * math.log(1.5) + 3 * math.log(3 / (10 / 3)) + 2 * math.log(2 / (5 / 3)))
    assert pear["ll"] == pytest.approx(g2)


def test_windows_stop_at_the_document_edge_and_overlaps_count_twice(tmp_path):
    con = tiny_corpus(tmp_path, ["customer pear customer", "pear pear pear"])
    frame = collocates(con, "customer", window=2)
    # Both node windows hold the pear between them; the second document is not reached.
    assert dict(zip(frame["collocate"], frame["o11"], strict=True)) == {"pear": 2, "customer": 2}


def test_log_likelihood_is_negative_for_a_repelled_collocate():
    assert scores(o11=1, r1=10, c1=50, n=100)["ll"] < 0
    assert scores(o11=8, r1=10, c1=50, n=100)["ll"] > 0


@pytest.mark.parametrize(("o11", "r1", "c1", "n"), [(3, 10, 20, 1000), (7, 40, 9, 5000)])
def test_scores_match_their_textbook_formulas(o11, r1, c1, n):
    got = scores(o11, r1, c1, n)
    e11 = r1 * c1 / n
    assert got["mi"] == pytest.approx(math.log2(o11 * n / (r1 * c1)))
    assert got["t"] == pytest.approx((o11 - e11) / math.sqrt(o11))


def test_phrases_are_nodes_and_periods_split_the_counts(crawled, read_db):
    overall = collocates(read_db, "customer journey", window=3)
    by_year = collocates(read_db, "customer journey", window=3, by="year")
    assert overall["o11"].sum() == by_year["o11"].sum()
    assert (overall["o11"] <= overall["r1"]).all()
    assert collocates(read_db, "customer journey", window=3, min_freq=5)["o11"].min() >= 5


@pytest.mark.parametrize("period", ["all", "year"])
def test_the_v_collocates_view_agrees_with_the_python_measure(read_db, period):
    by = None if period == "all" else period
    python = collocates(read_db, "customer", window=5, by=by)
    sql = read_db.execute(
        "SELECT * EXCLUDE (lexicon, term) FROM lexicon_collocates(5, ?) WHERE term = 'customer'",
        [period],
    ).df()
    assert len(sql) == len(python) > 50
    key = ["period_start", "collocate"]
    python = python.sort_values(key, ignore_index=True)
    sql = sql.sort_values(key, ignore_index=True)
    for column in ("o11", "r1", "c1", "n", "e11", "ll", "mi", "logdice", "t"):
        assert sql[column].tolist() == pytest.approx(python[column].tolist(), rel=1e-9)
    if period == "all":
        view = read_db.execute("SELECT count(*) FROM v_collocates WHERE term = 'customer'")
        assert view.fetchone()[0] == len(python)


def test_stop_words_leave_the_list_but_not_the_counts(tmp_path):
    con = tiny_corpus(tmp_path, ["The customer and the pear. Our customer, the plum."])
    everything = collocates(con, "customer", window=2)
    content = collocates(con, "customer", window=2, exclude=stop_words())
    assert set(everything["collocate"]) >= {"the", "and", "our", "pear", "plum"}
    assert set(content["collocate"]) == {"pear", "plum"}
    kept = everything[everything["collocate"].isin(["pear", "plum"])]
    assert content["ll"].tolist() == pytest.approx(kept["ll"].tolist())


def test_the_cli_lists_collocates_per_period_as_csv(crawled, capsys):
    import csv
    import io

    from marketspeak.pipelines.cli import main

    assert (
        main(["collocates", "customer", "--db", str(crawled.db), "--by", "year", "--format", "csv"])
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {"period", "collocate", "o11", "e11", "ll", "mi", "logdice", "t"} <= set(rows[0])
    assert {r["period"] for r in rows} >= {"2005", "2024"}
    assert main(["collocates", "customer", "--db", str(crawled.db)]) == 0
    assert "logdice" in capsys.readouterr().out


valid_tables = (
    st.integers(1, 200)
    .flatmap(
        lambda o11: st.tuples(
            st.just(o11), st.integers(o11, o11 + 500), st.integers(o11, o11 + 500)
        )
    )
    .flatmap(
        lambda t: st.tuples(
            st.just(t[0]),
            st.just(t[1]),
            st.just(t[2]),
            st.integers(t[1] + t[2] - t[0] + 1, t[1] + t[2] + 100_000),
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(valid_tables)
def test_scores_agree_with_nltk_wherever_the_table_is_valid(table):
    o11, r1, c1, n = table
    ours = scores(o11, r1, c1, n)
    assert abs(ours["ll"]) == pytest.approx(BigramAssocMeasures.likelihood_ratio(o11, (r1, c1), n))
    assert ours["mi"] == pytest.approx(BigramAssocMeasures.pmi(o11, (r1, c1), n))
    assert ours["t"] == pytest.approx(BigramAssocMeasures.student_t(o11, (r1, c1), n))
