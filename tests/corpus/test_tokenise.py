"""Tokenising and counting, stated as properties over generated texts."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.lexicons import LexiconMatcher, load_lexicons
from corpus.tokenise import build_nlp, tokenise_texts
from pipelines.demo_site.text import FILLER, FRAMES, PLANTS

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
