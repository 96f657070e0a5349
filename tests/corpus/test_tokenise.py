"""Tokenising and counting, stated as properties over generated texts; long texts are
tokenised in pieces that give what one pass would."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketspeak.corpus.lexicons import LexiconMatcher, load_lexicons
from marketspeak.corpus.tokenise import (
    HIT_SCHEMA,
    PIECE_CHARS,
    TOKEN_SCHEMA,
    Batch,
    Splitter,
    add_hits,
    build_nlp,
    doc_from_stored,
    tokenise_texts,
)
from marketspeak.pipelines.demo_site.text import FILLER, FRAMES, PLANTS
from tests.corpus.long_documents import generated_document

MATCHER = LexiconMatcher(build_nlp(), load_lexicons())
PLANTED = [
    (lexicon, term, form)
    for lexicon, by_term in PLANTS.items()
    for term, forms in by_term.items()
    for form in forms
]

sentences = st.one_of(
    st.sampled_from(FILLER).map(lambda s: (s, None)),
    st.tuples(st.sampled_from(PLANTED), st.sampled_from(FRAMES)).map(
        lambda p: (
            p[1].replace("{x}", p[0][2]).replace("{X}", p[0][2][0].upper() + p[0][2][1:]),
            (p[0][0], p[0][1]),
        )
    ),
)
paragraphs = st.lists(st.lists(sentences, min_size=1, max_size=6), min_size=1, max_size=6)


def tokenise_one(text: str):
    return next(tokenise_texts([("d", text)], MATCHER))


@settings(max_examples=150, deadline=None)
@given(paragraphs)
def test_every_planted_term_is_counted_once_and_nothing_else(paras):
    text = "\n".join(" ".join(s for s, _ in para) for para in paras)
    expected = Counter(p for para in paras for _, p in para if p)
    batch = tokenise_one(text)
    found = Counter(zip(batch.hits["lexicon"], batch.hits["term"], strict=True))
    assert found == expected


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_tokens_are_numbered_in_order_and_lemmas_are_lower_case(text):
    batch = tokenise_one(text)
    cols = batch.tokens
    assert cols["position"] == list(range(len(cols["position"])))
    assert all(lemma == lemma.lower() for lemma in cols["lemma"])
    assert all(token.strip() for token in cols["token"])  # whitespace is never a token
    assert cols["paragraph"] == sorted(cols["paragraph"])
    assert batch.words["d"] == sum(cols["is_word"])


@settings(max_examples=100, deadline=None)
@given(paragraphs)
def test_hit_positions_point_at_the_matched_tokens(paras):
    text = "\n".join(" ".join(s for s, _ in para) for para in paras)
    batch = tokenise_one(text)
    tokens = batch.tokens["token"]
    for position, length, matched in zip(
        batch.hits["position"], batch.hits["n_tokens"], batch.hits["matched"], strict=True
    ):
        assert "".join(tokens[position : position + length]) == matched.replace(" ", "")


def test_filler_sentences_contain_no_lexicon_term():
    batch = tokenise_one("\n".join(FILLER))
    assert batch.hits["term"] == []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=8))
def test_a_batch_of_documents_equals_each_document_alone(texts):
    # Empty and whitespace-only documents anywhere in a batch, the last one included.
    items = [(f"d{i}", text) for i, text in enumerate(texts)]
    batch = next(tokenise_texts(items, MATCHER))
    together = batch.tokens
    for doc_id, text in items:
        alone = tokenise_one(text)
        mine = [i for i, d in enumerate(together["doc_id"]) if d == doc_id]
        for column in ("position", "token", "lemma", "is_word", "paragraph"):
            assert [together[column][i] for i in mine] == alone.tokens[column]
        assert batch.words[doc_id] == alone.words["d"]


# Separators as real documents have them: a space, runs of spaces, tabs, no-break spaces,
# line breaks alone and beside spaces.
gaps = st.sampled_from([" ", " ", " ", "  ", "\t", "\u00a0", " \n", "\n", "\n\n", "\n ", " \n\t "])
long_texts = st.lists(
    st.tuples(st.one_of(sentences.map(lambda s: s[0]), st.text(max_size=20)), gaps),
    min_size=1,
    max_size=40,
).map(lambda parts: "".join(s + gap for s, gap in parts))


def columns(batches) -> tuple:
    """Everything tokenising produces for a run of batches, for comparison."""
    tokens = {name: [] for name in TOKEN_SCHEMA.names}
    hits = {name: [] for name in HIT_SCHEMA.names}
    words, failures = {}, {}
    for batch in batches:
        for name, values in batch.tokens.items():
            tokens[name] += values
        for name, values in batch.hits.items():
            hits[name] += values
        words.update(batch.words)
        failures.update(batch.failures)
    return tokens, hits, words, failures


@settings(max_examples=300, deadline=None)
@given(st.lists(long_texts, min_size=1, max_size=3), st.integers(1, 200))
def test_tokenising_in_small_pieces_gives_what_one_pass_gives(texts, piece_chars):
    items = [(f"d{i}", text) for i, text in enumerate(texts)]
    whole = columns(tokenise_texts(items, MATCHER, piece_chars=10**7))
    assert columns(tokenise_texts(items, MATCHER, piece_chars=piece_chars)) == whole


def test_a_multi_word_term_across_a_piece_limit_is_still_one_hit():
    # "customer journey" ends exactly where a piece of 30 characters would, in one
    # paragraph: the piece is cut elsewhere, and the journey is not counted as a customer.
    text = "The plan maps the customer journey and the unit cost of each step."
    assert text.index("journey") < 30 < text.index("unit cost") + len("unit cost")
    pieces = list(Splitter(build_nlp(), MATCHER, 30).pieces(text))
    assert "".join(pieces) == text and len(pieces) > 1
    assert not any(p.endswith("customer ") for p in pieces)
    got = columns(tokenise_texts([("d", text)], MATCHER, piece_chars=30))
    assert got == columns(tokenise_texts([("d", text)], MATCHER, piece_chars=10**7))
    assert got[1]["term"] == ["customer journey", "unit cost"]


@pytest.mark.parametrize("piece_chars", [8, 15, 25, 30])
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Parking here is such that no person shall park in the yard.", "formula:no-person-shall"),
        ("Write to the Director of Customer Services today.", "name"),
    ],
)
def test_a_rules_context_on_both_sides_of_a_cut_still_sets_the_hit_aside(text, reason, piece_chars):
    # At 30 characters the first text is cut between "no" and "person shall"; at 25 the
    # second between "Director of" and "Customer Services".
    assert len(list(Splitter(build_nlp(), MATCHER, piece_chars).pieces(text))) > 1
    (batch,) = tokenise_texts([("d", text)], MATCHER, piece_chars=piece_chars)
    assert batch.hits["excluded_by"] == [reason]
    assert batch.hits["counted"] == [False]


def test_a_three_million_character_document_is_tokenised_in_bounded_pieces():
    text = generated_document(3_000_000)
    assert len(text) > build_nlp().max_length  # one pass would raise spaCy's E088
    pieces = list(Splitter(build_nlp(), MATCHER).pieces(text))
    assert "".join(pieces) == text
    assert max(len(p) for p in pieces) <= PIECE_CHARS
    (batch,) = tokenise_texts([("big", text)], MATCHER)
    assert batch.failures == {}
    # The same as tokenising its paragraphs one by one (each small enough for one pass),
    # with positions and paragraph numbers running on across them.
    paragraphs = text.split("\n")
    alone = columns(tokenise_texts([(f"p{i}", p) for i, p in enumerate(paragraphs)], MATCHER))
    tokens = batch.token_table()
    assert tokens.column("position").to_pylist() == list(range(tokens.num_rows))
    assert tokens.column("token").to_pylist() == alone[0]["token"]
    assert tokens.column("paragraph").to_pylist() == [int(d[1:]) for d in alone[0]["doc_id"]]
    assert batch.words["big"] == sum(alone[2].values())
    assert batch.hits["term"] == alone[1]["term"]
    assert max(tokens.column("paragraph").to_pylist()) == len(paragraphs) - 1


@settings(max_examples=300, deadline=None)
@given(st.one_of(long_texts, st.text(max_size=200)))
def test_a_doc_rebuilt_from_stored_tokens_and_its_text_matches_as_tokenising_did(text):
    (batch,) = tokenise_texts([("d", text)], MATCHER)
    stored = batch.tokens
    doc, positions, paragraphs = doc_from_stored(
        text, stored["token"], stored["lemma"], stored["paragraph"]
    )
    again = Batch()
    add_hits(again, "d", MATCHER.match(doc, paragraphs), positions)
    assert again.hits == batch.hits
