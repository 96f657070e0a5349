"""Compound contexts of market words, counted exactly, and compounds found by gensim."""

from __future__ import annotations

from collections import Counter

from analysis.compounds import discover_compounds, modifier_uses
from pipelines.demo_site.generate import planted_totals


def test_customer_as_modifier_matches_the_planted_compounds(crawled, read_db):
    frame = modifier_uses(read_db, ["customer"], "year")
    found = Counter()
    for row in frame[frame["role"] == "modifier"].itertuples():
        found[row.compound] += row.hits
    planted = planted_totals(crawled.manifest)
    for compound in (
        "customer journey",
        "customer service",
        "customer experience",
        "customer satisfaction",
        "customer focus",
    ):
        assert found[compound] == sum(n for (_, _, t), n in planted.items() if t == compound)


def test_function_words_are_not_compounds(read_db):
    frame = modifier_uses(read_db, ["customer"], "year")
    assert not frame["compound"].str.contains(r"\bthe\b").any()


def test_gensim_finds_the_planted_compounds_when_they_are_not_known(read_db):
    found = discover_compounds(
        read_db, ["customer"], known=["customer service"], min_count=5, threshold=1.0
    )
    phrases = set(found["phrase"])
    assert "customer journey" in phrases
    assert "customer service" not in phrases  # already in the lexicon
