"""Keyness between two periods, checked against the formulas worked by hand."""

from __future__ import annotations

import math
from datetime import date

import pytest

from marketspeak.analysis.keyness import keyness, keyness_scores
from marketspeak.pipelines.cli import main


@pytest.mark.parametrize(
    ("a", "b", "c", "d"),
    [(30, 10, 1000, 1000), (5, 40, 2000, 8000), (0, 12, 500, 900), (7, 0, 700, 300)],
)
def test_scores_follow_the_formulas(a, b, c, d):
    got = keyness_scores(a, b, c, d)
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    ll = 2 * ((a * math.log(a / e1) if a else 0) + (b * math.log(b / e2) if b else 0))
    assert abs(got["ll"]) == pytest.approx(ll)
    assert (got["ll"] >= 0) == (a / c >= b / d)
    assert got["log_ratio"] == pytest.approx(math.log2((max(a, 0.5) / c) / (max(b, 0.5) / d)))
    if b:
        assert got["pct_diff"] == pytest.approx((a / c - b / d) * 100 / (b / d))
    else:
        assert got["pct_diff"] is None


def test_twice_as_frequent_is_a_log_ratio_of_one():
    assert keyness_scores(20, 10, 1000, 1000)["log_ratio"] == pytest.approx(1.0)


def test_the_sample_sites_later_years_favour_market_words(read_db):
    frame = keyness(
        read_db,
        (date(2015, 1, 1), date(2024, 12, 31)),
        (date(2005, 1, 1), date(2014, 12, 31)),
        min_freq=5,
        terms=["customer", "citizen", "business", "family"],
    )
    scores = dict(zip(frame["lemma"], frame["ll"], strict=True))
    assert scores["customer"] > 0 and scores["business"] > 0
    assert scores["citizen"] < 0 and scores["family"] < 0


def test_the_cli_takes_year_ranges(crawled, capsys):
    assert (
        main(
            [
                "keyness",
                "--db",
                str(crawled.db),
                "--focus",
                "2015-2024",
                "--reference",
                "2005-2014",
                "--lexicons-only",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.startswith("lemma,focus_freq,reference_freq")
    assert main(["keyness", "--db", str(crawled.db), "--focus", "20x5", "--reference", "2005"]) == 1
    assert "--focus: '20x5'" in capsys.readouterr().err
