"""The v_collocates view researchers query: its columns, its hand-worked values, and its
scores equal to analysis.collocations.scores over the counts both read from one macro."""

from __future__ import annotations

import math

import pytest

from marketspeak.analysis.collocations import collocates, scores
from tests.conftest import tiny_corpus

VIEW_COLUMNS = ["lexicon", "term", "collocate", "o11", "e11", "r1", "c1", "n"]
SCORES = ["ll", "mi", "logdice", "t"]


def test_the_view_scores_a_hand_worked_text(tmp_path):
    # Word tokens: apple customer pear plum customer fig (N = 6); customer is a market term.
    con = tiny_corpus(tmp_path, ["Apple customer pear, plum customer fig."])
    rows = con.execute(
        "SELECT * EXCLUDE (period_start) FROM lexicon_collocates(1, 'all') "
        "WHERE term = 'customer' ORDER BY collocate"
    ).df()
    assert list(rows.columns) == VIEW_COLUMNS + SCORES
    assert rows["collocate"].tolist() == ["apple", "fig", "pear", "plum"]
    pear = rows[rows["collocate"] == "pear"].iloc[0]
    assert (pear["lexicon"], pear["o11"], pear["r1"], pear["c1"], pear["n"]) == (
        "market",
        1,
        4,
        1,
        6,
    )
    assert pear["e11"] == pytest.approx(4 / 6, rel=1e-12)
    assert pear["mi"] == pytest.approx(math.log2(1.5), rel=1e-12)
    assert pear["t"] == pytest.approx(1 / 3, rel=1e-12)
    assert pear["logdice"] == pytest.approx(14 + math.log2(2 / 5), rel=1e-12)
    g2 = 2 * (math.log(1.5) + 3 * math.log(3 / (10 / 3)) + 2 * math.log(2 / (5 / 3)))
    assert pear["ll"] == pytest.approx(g2, rel=1e-12)


def test_every_row_of_the_view_has_the_python_scores_of_its_counts(read_db):
    view = read_db.execute("SELECT * FROM v_collocates").df()
    assert list(view.columns) == VIEW_COLUMNS + SCORES
    assert len(view) > 1000
    assert view["lexicon"].notna().all()
    expected = [scores(r.o11, r.r1, r.c1, r.n) for r in view.itertuples(index=False)]
    for column in ("e11", *SCORES):
        want = [e[column] for e in expected]
        assert view[column].tolist() == pytest.approx(want, rel=1e-12, abs=1e-12), column
    # Researchers read the view best logDice first within each term.
    for _, group in view.groupby(["lexicon", "term"], sort=False):
        assert group["logdice"].is_monotonic_decreasing


def test_each_terms_counts_in_the_view_are_those_the_cli_scores(read_db):
    view = read_db.execute("SELECT * FROM v_collocates").df()
    # A term two lexicons list is one node for the CLI and one per lexicon in the view.
    single = view.groupby("term")["lexicon"].nunique() == 1
    terms = sorted(single[single].index)
    assert len(terms) >= 5
    for term in terms[:12]:
        python = collocates(read_db, term, window=5).sort_values("collocate", ignore_index=True)
        sql = view[view["term"] == term].sort_values("collocate", ignore_index=True)
        assert python["collocate"].tolist() == sql["collocate"].tolist(), term
        for column in ("o11", "r1", "c1", "n", "e11", *SCORES):
            assert python[column].tolist() == pytest.approx(sql[column].tolist(), rel=1e-12)
