"""Lexicons load, validate with errors that point to the line, and match the way they say."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from spacy.tokens import Doc
from spacy.util import filter_spans

from marketspeak.corpus.lexicons import LexiconMatcher, load_lexicon, load_lexicons, longest_first
from marketspeak.corpus.tokenise import build_nlp
from marketspeak.corpus.yamlfile import ConfigError


@pytest.fixture(scope="module")
def matcher():
    return LexiconMatcher(build_nlp(), load_lexicons())


def terms(matcher, text):
    return [(h.lexicon, h.term) for h in matcher.match(build_nlp()(text))]


def test_shipped_lexicons_hold_the_brief_vocabulary():
    market, relational = load_lexicons()
    assert (market.name, relational.name) == ("market", "relational")
    assert {"customer", "unit cost", "customer journey", "value for money"} <= {
        t.term for t in market.terms
    }
    assert {"citizen", "co-production", "expert by experience", "wellbeing"} <= {
        t.term for t in relational.terms
    }


def test_inflections_and_sentence_initial_capitals_count(matcher):
    assert terms(matcher, "Customers complained. The customer left.") == [
        ("market", "customer"),
        ("market", "customer"),
    ]


def test_a_longer_term_wins_over_the_term_inside_it(matcher):
    assert terms(matcher, "We mapped the customer journeys of every customer.") == [
        ("market", "customer journey"),
        ("market", "customer"),
    ]


def test_spelling_variants_count_under_their_term(matcher):
    text = "co-production, coproduction and co production; neighbors and well-being."
    assert terms(matcher, text) == [("relational", "co-production")] * 3 + [
        ("relational", "neighbour"),
        ("relational", "wellbeing"),
    ]


def test_marketing_is_not_counted_as_market(matcher):
    assert terms(matcher, "The marketing team studied the market.") == [("market", "marketing")]


def test_a_phrase_split_across_paragraphs_is_not_one_hit(matcher):
    doc = build_nlp()("It was unit\ncost")
    paragraphs = [0, 0, 0, 0, 1]
    assert [h.term for h in matcher.match(doc, paragraphs)] == []


def write(tmp_path, text):
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            "lexicon: market\nversion: 1.0.0\nterms:\n  - {term: shop, category: shops}\n",
            4,
            "category: 'shops'",
        ),
        (
            "lexicon: market\nversion: 1.0.0\ncolour: red\nterms: [shop]\n",
            3,
            "unknown key 'colour'",
        ),
        ("lexicon: market\nversion: one\nterms: [shop]\n", 2, "version"),
        (
            "lexicon: market\nversion: 1.0.0\nterms:\n  - {term: shop, category: place}\n"
            "  - {term: Shop, category: place}\n",
            5,
            "listed twice",
        ),
        ("lexicon: market\nversion: 1.0.0\nterms: [\n", 4, "invalid YAML"),
    ],
)
def test_bad_lexicon_files_are_rejected_with_file_and_line(tmp_path, body, line, message):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        load_lexicon(path)
    assert str(err.value).startswith(f"{path}:{line}: ")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_term_in_two_lexicons_is_an_error(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("lexicon: a\nversion: 1.0.0\nterms:\n  - {term: client, category: role}\n")
    b.write_text("lexicon: b\nversion: 1.0.0\nterms:\n  - {term: client, category: role}\n")
    with pytest.raises(ConfigError, match="also in lexicon 'a'"):
        load_lexicons([a, b])


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 4)), max_size=25))
def test_overlapping_matches_keep_the_longest_then_the_earliest_as_spacy_does(pairs):
    spans = {(start, start + length) for start, length in pairs}
    doc = Doc(build_nlp().vocab, words=["w"] * 40)
    expected = [(s.start, s.end) for s in filter_spans([doc[a:b] for a, b in spans])]
    assert longest_first(spans) == sorted(expected)
