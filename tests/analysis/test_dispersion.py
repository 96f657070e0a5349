"""Gries' DP on hand-worked parts, and across the sample site's sources."""

from __future__ import annotations

import pytest

from marketspeak.analysis.dispersion import dispersion, dp


def test_a_term_spread_like_the_text_has_dp_zero():
    assert dp([100, 300], [5, 15]) == (pytest.approx(0.0), pytest.approx(0.0))


def test_a_term_in_one_part_only():
    # Parts of 20%, 30%, 50% of the text; every hit in the first part.
    value, normalised = dp([20, 30, 50], [4, 0, 0])
    assert value == pytest.approx(0.5 * (0.8 + 0.3 + 0.5))
    assert normalised == pytest.approx(value / (1 - 0.2))


def test_gries_2008_worked_example():
    # Five equal parts, hits 1, 2, 3, 4, 0 of 10: DP = 0.5 * (0.1+0+0.1+0.2+0.2) = 0.3.
    assert dp([1, 1, 1, 1, 1], [1, 2, 3, 4, 0])[0] == pytest.approx(0.3)


def test_every_found_term_is_reported_across_all_sources(read_db):
    frame = dispersion(read_db)
    # Dispersion counts the hits every measure counts (english_hits), in counted documents.
    counted = "FROM english_hits JOIN english_documents USING (doc_id)"
    terms = read_db.execute(f"SELECT count(DISTINCT term) {counted}").fetchone()[0]
    assert len(frame) == terms and (frame["parts"] == 3).all()
    assert frame["hits"].sum() == read_db.execute(f"SELECT count(*) {counted}").fetchone()[0]
    assert ((frame["dp"] >= 0) & (frame["dp"] <= 1)).all()
