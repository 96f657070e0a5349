"""Tokenise documents with spaCy into lower-case lemmas, and find lexicon hits.

The pipeline is `spacy.blank("en")` plus a lookup lemmatiser over the lower-cased token
(spaCy's lookup table is case-sensitive, so "Customers" at a sentence start would otherwise
keep its plural). Nothing is downloaded: the table ships in the spacy-lookups-data package.
Whitespace tokens are not stored; a line break starts a new paragraph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
import pyarrow as pa
import spacy
import yaml
from spacy.attrs import IS_SPACE, LEMMA, LOWER, ORTH
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.strings import StringStore
from spacy.tokens import Doc

from corpus.lexicons import Hit, LexiconMatcher

TOKEN_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("position", pa.int32()),
        ("token", pa.string()),
        ("lemma", pa.string()),
        ("is_word", pa.bool_()),
        ("paragraph", pa.int32()),
    ]
)
HIT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("lexicon", pa.string()),
        ("term", pa.string()),
        ("category", pa.string()),
        ("position", pa.int32()),
        ("n_tokens", pa.int32()),
        ("matched", pa.string()),
    ]
)


def lemma_exceptions() -> dict[str, str]:
    """Project overrides of the lookup table, from `corpus/lemma_exceptions.yaml`."""
    text = (resources.files("corpus") / "lemma_exceptions.yaml").read_text(encoding="utf-8")
    return {str(k).lower(): str(v).lower() for k, v in (yaml.safe_load(text) or {}).items()}


class LowercaseLookupLemmatizer:
    """Set each token's lemma from the English lookup table, keyed on the lower-cased form."""

    def __init__(self) -> None:
        self._table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self._cache: dict[str, str] = dict(lemma_exceptions())
        self._ids: dict[int, int] = {}  # lower-case form's hash -> its lemma's hash

    def lemma(self, lower: str) -> str:
        found = self._cache.get(lower)
        if found is None:
            found = self._table.get(lower, lower).lower()
            self._cache[lower] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        # Whole columns instead of one Token object per word (which cost more than the
        # tokenizer): each distinct lower-case form is looked up once per document.
        lowers = doc.to_array(LOWER)
        if not len(lowers):
            return doc
        index, distinct = pd.factorize(lowers)
        strings = doc.vocab.strings
        lemmas = np.array([self._lemma_id(strings, h) for h in distinct.tolist()], dtype=np.uint64)
        doc.from_array([LEMMA], lemmas[index].reshape(-1, 1))
        return doc

    def _lemma_id(self, strings: StringStore, lower_id: int) -> int:
        found = self._ids.get(lower_id)
        if found is None:
            found = self._ids[lower_id] = strings.add(self.lemma(strings[lower_id]))
        return found


@Language.factory("lowercase_lookup_lemmatizer")
def _make_lemmatizer(nlp: Language, name: str) -> LowercaseLookupLemmatizer:
    return LowercaseLookupLemmatizer()


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The shared spaCy pipeline: blank English tokenizer plus lower-case lookup lemmas."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lowercase_lookup_lemmatizer")
    return nlp


def is_word(text: str) -> bool:
    """A token counts as a word when it has a letter or digit (punctuation does not)."""
    return any(ch.isalnum() for ch in text)


_is_word_cached = lru_cache(maxsize=1 << 20)(is_word)


@dataclass
class Batch:
    """Tokens (Arrow) and hits (columns) for a batch of documents."""

    token_chunks: list[pa.Table] = field(default_factory=list)
    hits: dict[str, list] = field(default_factory=lambda: {n: [] for n in HIT_SCHEMA.names})
    words: dict[str, int] = field(default_factory=dict)
    n_tokens: int = 0

    def token_table(self) -> pa.Table:
        if not self.token_chunks:
            return TOKEN_SCHEMA.empty_table()
        return pa.concat_tables(self.token_chunks)

    @property
    def tokens(self) -> dict[str, list]:
        """The token columns as Python lists (for inspection and tests; slow on big batches)."""
        return self.token_table().to_pydict()

    def hit_table(self) -> pa.Table:
        return pa.table(self.hits, schema=HIT_SCHEMA)


@dataclass
class PendingTokens:
    """The stored tokens of a batch's documents as hash ids, until the batch is complete:
    turning ids into strings once per batch, not per document, means each distinct word
    is looked up a few times per batch instead of once in every document that uses it."""

    doc_ids: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    orths: list[np.ndarray] = field(default_factory=list)
    lemmas: list[np.ndarray] = field(default_factory=list)
    paragraphs: list[np.ndarray] = field(default_factory=list)

    def add(self, doc_id: str, orth: np.ndarray, lemma: np.ndarray, paragraph: np.ndarray) -> None:
        self.doc_ids.append(doc_id)
        self.counts.append(len(orth))
        self.orths.append(orth)
        self.lemmas.append(lemma)
        self.paragraphs.append(paragraph)

    def move_into(self, batch: Batch, strings: StringStore) -> None:
        """Append the tokens to `batch` as one Arrow table, with each document's word count."""
        if not self.doc_ids:
            return
        counts = np.array(self.counts, dtype=np.int64)
        starts = np.cumsum(counts) - counts
        total = int(counts.sum())
        tokens, texts, index = _strings(strings, np.concatenate(self.orths))
        lemmas, _, _ = _strings(strings, np.concatenate(self.lemmas))
        words = np.array([_is_word_cached(t) for t in texts], dtype=bool)[index]
        owner = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        batch.token_chunks.append(
            pa.table(
                {
                    "doc_id": pa.array(self.doc_ids, pa.string()).take(pa.array(owner)),
                    "position": pa.array((np.arange(total) - starts[owner]).astype(np.int32)),
                    "token": tokens,
                    "lemma": lemmas,
                    "is_word": pa.array(words),
                    "paragraph": pa.array(np.concatenate(self.paragraphs).astype(np.int32)),
                },
                schema=TOKEN_SCHEMA,
            )
        )
        batch.n_tokens += total
        per_doc = np.bincount(owner, weights=words, minlength=len(counts)).astype(np.int64)
        batch.words.update(zip(self.doc_ids, per_doc.tolist(), strict=True))


def _doc_arrays(doc: Doc, attrs: np.ndarray) -> dict[str, np.ndarray]:
    """Where each spaCy token is stored (-1 for whitespace) and its paragraph, from the
    document's ORTH, LEMMA and IS_SPACE columns."""
    space = attrs[:, 2].astype(bool)
    strings = doc.vocab.strings
    has_newline = np.zeros(len(space), dtype=bool)
    spaces, index = np.unique(attrs[space, 0], return_inverse=True)  # a few distinct ones
    has_newline[space] = np.array(["\n" in strings[h] for h in spaces.tolist()], bool)[index]
    # A whitespace token holding a line break ends its paragraph: later tokens are in the next.
    paragraphs = np.cumsum(has_newline) - has_newline
    positions = np.where(space, -1, np.cumsum(~space) - 1)
    return {"space": space, "positions": positions, "paragraphs": paragraphs}


def _strings(strings: StringStore, ids: np.ndarray) -> tuple[pa.Array, list[str], np.ndarray]:
    """Arrow strings for hash ids: each distinct string looked up once, then taken by index
    in C (per-token Python work would cost more than tokenising itself). The ids are
    grouped by hashing (pandas.factorize), which is several times faster than sorting."""
    index, distinct = pd.factorize(ids)
    values = [strings[h] for h in distinct.tolist()]
    column = pa.array(values, pa.string()).take(pa.array(index.astype(np.int32)))
    return column, values, index


def add_document(
    pending: PendingTokens, batch: Batch, doc_id: str, doc: Doc, matcher: LexiconMatcher
) -> None:
    """Queue one tokenised document's tokens and append its hits to `batch`."""
    every = doc.to_array([ORTH, LEMMA, IS_SPACE]).reshape(-1, 3)
    columns = _doc_arrays(doc, every)
    keep = ~columns["space"]
    pending.add(doc_id, every[keep, 0], every[keep, 1], columns["paragraphs"][keep])
    add_hits(batch, doc_id, matcher.match(doc, columns["paragraphs"]), columns["positions"])


def add_hits(batch: Batch, doc_id: str, hits: Sequence[Hit], positions: Sequence[int]) -> None:
    """Append hits, translating spaCy token indexes into stored token positions."""
    cols = batch.hits
    for hit in hits:
        cols["doc_id"].append(doc_id)
        cols["lexicon"].append(hit.lexicon)
        cols["term"].append(hit.term)
        cols["category"].append(hit.category)
        cols["position"].append(int(positions[hit.position]))
        covered = positions[hit.position : hit.position + hit.length]
        cols["n_tokens"].append(sum(1 for p in covered if p >= 0))
        cols["matched"].append(hit.matched)


def tokenise_texts(
    items: Iterable[tuple[str, str]], matcher: LexiconMatcher, batch_docs: int = 200
) -> Iterator[Batch]:
    """Tokenise (doc_id, text) pairs, yielding a Batch every `batch_docs` documents."""
    nlp = build_nlp()
    items = iter(items)
    while True:
        chunk = [item for _, item in zip(range(batch_docs), items, strict=False)]
        if not chunk:
            return
        batch, pending = Batch(), PendingTokens()
        docs = nlp.pipe((text for _, text in chunk), batch_size=64)
        for (doc_id, _), doc in zip(chunk, docs, strict=True):
            add_document(pending, batch, doc_id, doc, matcher)
        pending.move_into(batch, nlp.vocab.strings)
        yield batch


def doc_from_tokens(tokens: Sequence[str], lemmas: Sequence[str]) -> Doc:
    """Rebuild a spaCy Doc from stored tokens, to re-match lexicons without re-tokenising."""
    nlp = build_nlp()
    return Doc(nlp.vocab, words=list(tokens), lemmas=list(lemmas))
