"""Compound contexts of market words, counted exactly, and compounds found by gensim."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from marketspeak.analysis.compounds import discover_compounds, modifier_uses
from marketspeak.pipelines.demo_site.generate import counted_documents, hit_totals
from tests.conftest import tiny_corpus


def test_customer_as_modifier_matches_the_planted_compounds(crawled, read_db):
    frame = modifier_uses(read_db, ["customer"], "year")
    found = Counter()
    for row in frame[frame["role"] == "modifier"].itertuples():
        found[row.compound] += row.hits
    # Compounds are counted on the words as written: a use inside a name ("Director of
    # Customer Services") or a standard notice is a compound too, though its hit does not
    # count. A near-duplicate's words are left out, as they are of every measure.
    written = hit_totals({"documents": counted_documents(crawled.manifest)})
    for compound in (
        "customer journey",
        "customer service",
        "customer experience",
        "customer satisfaction",
        "customer focus",
    ):
        assert found[compound] == written["market", compound]


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


def compounds_of(tmp_path, texts: list[str], lemmas=("customer",)) -> Counter:
    """Hits per (compound, role) of `lemmas` in a tiny corpus of `texts`."""
    con = tiny_corpus(tmp_path, texts)
    frame = modifier_uses(con, list(lemmas))
    con.close()
    found: Counter = Counter()
    for row in frame.itertuples():
        found[row.compound, row.role] += row.hits
    return found


def test_a_sentence_end_between_two_words_is_not_a_compound(tmp_path):
    found = compounds_of(tmp_path, ["Staff listened to the customer. Service levels fell."])
    assert found["customer service", "modifier"] == 0


def test_a_comma_between_two_words_is_not_a_compound(tmp_path):
    found = compounds_of(tmp_path, ["We asked each customer, journey planners and drivers."])
    assert found["customer journey", "modifier"] == 0


def test_two_words_side_by_side_are_a_compound(tmp_path):
    found = compounds_of(tmp_path, ["The customer journey was mapped by an internal customer."])
    assert found["customer journey", "modifier"] == 1
    assert found["internal customer", "head"] == 1


def test_a_hyphen_joins_a_compound(tmp_path):
    # The tokeniser stores "customer-facing" as customer, -, facing (lemma "face").
    found = compounds_of(tmp_path, ["Our customer-facing teams grew; staff are customer-focused."])
    assert found["customer face", "modifier"] == 1
    assert found["customer focus", "modifier"] == 1


def test_a_dash_between_two_words_is_not_a_compound(tmp_path):
    found = compounds_of(tmp_path, ["We asked the customer \u2013 service was slow."])
    assert found["customer service", "modifier"] == 0


WORDS = ("customer", "service", "journey", "level")
# What goes between two words as written, and whether it leaves them a compound.
JOINS = {" ": True, "-": True, ", ": False, ". ": False, "; ": False, "\n": False}


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(sorted(JOINS)), st.sampled_from(WORDS)), max_size=12),
    st.sampled_from(WORDS),
)
def test_compounds_are_the_words_with_only_a_space_or_hyphen_between(rest, first):
    expected: Counter = Counter()
    words = [first] + [word for _, word in rest]
    for (join, _), a, b in zip(rest, words[:-1], words[1:], strict=True):
        if JOINS[join]:
            expected[f"{a} {b}", "modifier"] += a == "customer"
            expected[f"{a} {b}", "head"] += b == "customer"
    text = first + "".join(join + word for join, word in rest) + "."
    with tempfile.TemporaryDirectory() as tmp:
        assert compounds_of(Path(tmp), [text]) == +expected


def test_gensim_does_not_join_words_across_a_sentence_end(tmp_path):
    # "customer journey" is written as a compound; "customer" and "service" only ever meet
    # across a full stop, so they are no phrase.
    text = "\n".join(
        [
            "We thanked the customer. Service improved later.",
            "The customer journey matters to staff.",
        ]
        * 8
    )
    con = tiny_corpus(tmp_path, [text])
    found = discover_compounds(con, ["customer"], min_count=2, threshold=0.5)
    con.close()
    assert "customer journey" in set(found["phrase"])
    assert "customer service" not in set(found["phrase"])


def test_a_corpus_without_compounds_still_publishes_a_site(tmp_path):
    from marketspeak.dashboards.site import build_site

    con = tiny_corpus(tmp_path, ["The citizen spoke to the council about the park."])
    assert modifier_uses(con, ["customer"], "year", min_freq=2).empty
    files = build_site(con, tmp_path / "site", "year", "market@2.0.0 relational@2.0.0")
    assert (tmp_path / "site" / "charts" / "compounds.vl.json") in files
