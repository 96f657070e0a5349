"""Context drift between periods, by overlap of top collocates."""

from __future__ import annotations

import math

import pytest

from marketspeak.analysis.drift import collocate_drift, jaccard


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [({"x", "y"}, {"y", "z"}, 1 / 3), ({"x"}, {"x"}, 1.0), ({"x"}, {"y"}, 0.0)],
)
def test_jaccard(a, b, expected):
    assert jaccard(a, b) == pytest.approx(expected)


def test_no_collocates_is_not_perfect_overlap():
    assert math.isnan(jaccard(set(), set()))


def test_consecutive_years_are_compared(read_db):
    frame = collocate_drift(read_db, "customer", by="year", top=10, min_freq=1)
    assert len(frame) >= 10
    assert ((frame["jaccard"] >= 0) & (frame["jaccard"] <= 1)).all()
    assert (frame["node_freq"] > 0).all()
    assert list(frame["period"]) == sorted(frame["period"])
