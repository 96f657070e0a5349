"""Tokenise documents with spaCy into lower-case lemmas, and find lexicon hits.

The pipeline is `spacy.blank("en")` plus a lookup lemmatiser over the lower-cased token
(spaCy's lookup table is case-sensitive, so "Customers" at a sentence start would otherwise
keep its plural). Nothing is downloaded: the table ships in the spacy-lookups-data package.
Whitespace tokens are not stored; a line break starts a new paragraph.

A long text is tokenised in pieces of about `PIECE_CHARS` characters, so spaCy's memory
and its `max_length` are per piece, not per document. spaCy splits text at whitespace before
anything else, so a piece that ends after a whole run of whitespace gives the tokens a
single pass would; positions and paragraph numbers carry on from piece to piece. Pieces end
at a line break where they can (a lexicon match never crosses a paragraph), else at the end
of a sentence or at a space that no multi-word lexicon term could span, so the hits are
those of a single pass too. A document that still fails (a run of more than spaCy's
`max_length` characters without whitespace, say) is reported in `Batch.failures`, not
raised: one document never stops the others.
"""

from __future__ import annotations

import logging
import re
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

from marketspeak.corpus.lexicons import Hit, LexiconMatcher, judge

log = logging.getLogger(__name__)

# Characters per piece: spaCy's work and memory are per piece (a few MB for our blank
# pipeline), far below its max_length of 1,000,000.
PIECE_CHARS = 100_000
# A batch is written once it holds this many tokens (or `batch_docs` documents), so a few
# long documents do not make one huge batch; a document's tokens stay in one batch.
BATCH_TOKENS = 2_000_000
FAILED = "tokenise-failed"
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
        ("counted", pa.bool_()),
        ("excluded_by", pa.string()),
    ]
)
FAILURE_SCHEMA = pa.schema(
    [("doc_id", pa.string()), ("reason", pa.string()), ("detail", pa.string())]
)


def lemma_exceptions() -> dict[str, str]:
    """Project overrides of the lookup table, from `corpus/lemma_exceptions.yaml`."""
    text = (resources.files("marketspeak.corpus") / "lemma_exceptions.yaml").read_text(
        encoding="utf-8"
    )
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
    failures: dict[str, str] = field(default_factory=dict)  # doc_id -> why it failed

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

    def failure_table(self) -> pa.Table:
        """The documents that could not be tokenised, with the `crawl_issues` reason."""
        return pa.table(
            {
                "doc_id": list(self.failures),
                "reason": [FAILED] * len(self.failures),
                "detail": list(self.failures.values()),
            },
            schema=FAILURE_SCHEMA,
        )


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
    """Where each spaCy token is stored (-1 for whitespace), its paragraph and how many
    paragraph breaks the doc holds, from the document's ORTH, LEMMA and IS_SPACE columns."""
    space = attrs[:, 2].astype(bool)
    strings = doc.vocab.strings
    has_newline = np.zeros(len(space), dtype=bool)
    spaces, index = np.unique(attrs[space, 0], return_inverse=True)  # a few distinct ones
    has_newline[space] = np.array(["\n" in strings[h] for h in spaces.tolist()], bool)[index]
    # A whitespace token holding a line break ends its paragraph: later tokens are in the next.
    paragraphs = np.cumsum(has_newline) - has_newline
    positions = np.where(space, -1, np.cumsum(~space) - 1)
    breaks = np.array(int(has_newline.sum()))
    return {"space": space, "positions": positions, "paragraphs": paragraphs, "breaks": breaks}


def _strings(strings: StringStore, ids: np.ndarray) -> tuple[pa.Array, list[str], np.ndarray]:
    """Arrow strings for hash ids: each distinct string looked up once, then taken by index
    in C (per-token Python work would cost more than tokenising itself). The ids are
    grouped by hashing (pandas.factorize), which is several times faster than sorting."""
    index, distinct = pd.factorize(ids)
    values = [strings[h] for h in distinct.tolist()]
    column = pa.array(values, pa.string()).take(pa.array(index.astype(np.int32)))
    return column, values, index


@dataclass
class DocumentTokens:
    """One document's tokens (hash ids) and hits, gathered piece by piece. They join a batch
    only once every piece is done, so a document that fails half-way leaves nothing."""

    doc_id: str
    orths: list[np.ndarray] = field(default_factory=list)
    lemmas: list[np.ndarray] = field(default_factory=list)
    paragraphs: list[np.ndarray] = field(default_factory=list)
    hits: Batch = field(default_factory=Batch)  # only its hit columns are used
    n_tokens: int = 0  # tokens stored so far: the position of the next piece's first
    n_breaks: int = 0  # paragraph breaks so far: the paragraph the next piece starts in

    def add_piece(self, doc: Doc, matcher: LexiconMatcher) -> None:
        every = doc.to_array([ORTH, LEMMA, IS_SPACE]).reshape(-1, 3)
        columns = _doc_arrays(doc, every)
        keep = ~columns["space"]
        self.orths.append(every[keep, 0])
        self.lemmas.append(every[keep, 1])
        self.paragraphs.append((columns["paragraphs"][keep] + self.n_breaks).astype(np.int32))
        positions = np.where(keep, columns["positions"] + self.n_tokens, -1)
        add_hits(self.hits, self.doc_id, matcher.match(doc, columns["paragraphs"]), positions)
        self.n_tokens += int(keep.sum())
        self.n_breaks += int(columns["breaks"])

    def judge_again(self, matcher: LexiconMatcher, strings: StringStore) -> None:
        """Judge every hit again in its whole paragraph. A piece's matcher saw only the
        piece, and a paragraph longer than a piece is cut between words: "no" and "person
        shall", or the capitals of a name, may lie on either side of the cut."""
        orths, paragraphs = np.concatenate(self.orths), np.concatenate(self.paragraphs)
        self.orths, self.paragraphs = [orths], [paragraphs]
        cols = self.hits.hits
        words: dict[int, tuple[int, list[str], list[str]]] = {}  # paragraph -> its words
        for i, position in enumerate(cols["position"]):
            paragraph = int(paragraphs[position])
            if paragraph not in words:
                first = int(np.searchsorted(paragraphs, paragraph, side="left"))
                stop = int(np.searchsorted(paragraphs, paragraph, side="right"))
                written = [strings[int(o)] for o in orths[first:stop]]
                words[paragraph] = (first, written, [w.lower() for w in written])
            first, written, lowered = words[paragraph]
            start = position - first
            term = matcher.terms[(cols["lexicon"][i], cols["term"][i])]
            reason = judge(term, written, lowered, start, start + cols["n_tokens"][i])
            cols["excluded_by"][i] = reason
            cols["counted"][i] = not reason

    def move_into(self, pending: PendingTokens, batch: Batch) -> None:
        # The pieces' arrays are let go as they are joined: a long document is not held twice.
        columns = [self.orths, self.lemmas, self.paragraphs]
        joined = [np.concatenate(column) for column in columns]
        for column in columns:
            column.clear()
        pending.add(self.doc_id, *joined)
        for name, values in self.hits.hits.items():
            batch.hits[name].extend(values)


_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S+")
_SENTENCE_END = frozenset(".!?")


class Splitter:
    """Where a long text is cut into pieces without changing its tokens or hits.

    A cut always falls after a whole run of whitespace (spaCy tokenises the text between
    runs on its own), preferably a run with a line break. Inside a paragraph longer than a
    piece, a run of one space is a cut only where the lemmas on either side are not two
    consecutive words of any lexicon term, so no match can straddle it (any other run of
    whitespace is a token of its own, which no term contains)."""

    def __init__(self, nlp: Language, matcher: LexiconMatcher, limit: int = PIECE_CHARS):
        self.nlp = nlp
        self.limit = max(1, limit)
        self.joins = lemma_pairs(nlp, matcher)

    def pieces(self, text: str) -> Iterator[str]:
        """`text` in consecutive pieces, each at most `limit` characters long unless no cut
        is possible sooner; an empty text is one empty piece."""
        start = 0
        while len(text) - start > self.limit:
            end = self.cut(text, start)
            yield text[start:end]
            start = end
        if start < len(text) or not text:
            yield text[start:]

    def cut(self, text: str, start: int) -> int:
        """Where the piece that begins at `start` ends."""
        stop = start + self.limit
        newline = text.rfind("\n", start, stop)
        if newline >= start:
            return _run_end(text, newline)
        runs = list(_WHITESPACE.finditer(text, start, stop))
        sentence_ends = [
            m for m in runs if m.start() > start and text[m.start() - 1] in _SENTENCE_END
        ]
        for run in [*reversed(sentence_ends), *reversed(runs)]:
            if self.safe(text, run.start()):
                return _run_end(text, run.start())
        # No safe cut within the limit: the first one after it makes a longer piece, up to
        # spaCy's max_length (beyond that the piece would fail whatever we did).
        for run in _WHITESPACE.finditer(text, stop, start + self.nlp.max_length + 1):
            tried = run.start() == stop and text[stop - 1].isspace()  # the last run above
            if not tried and self.safe(text, run.start()):
                return _run_end(text, run.start())
        return len(text)

    def safe(self, text: str, run_start: int) -> bool:
        """Whether no lexicon match can span the whitespace run starting at `run_start`."""
        run_end = _run_end(text, run_start)
        if text[run_start:run_end] != " " or run_start == 0 or run_end == len(text):
            return True
        left = run_start
        while left > 0 and not text[left - 1].isspace():
            left -= 1
        before = self.nlp(text[left:run_start])
        after = self.nlp(_WORD.match(text, run_end).group())
        return (before[-1].lemma_, after[0].lemma_) not in self.joins


def _run_end(text: str, position: int) -> int:
    """The end of the run of whitespace that `position` is in."""
    found = _WHITESPACE.match(text, position)
    return found.end() if found else position


def lemma_pairs(nlp: Language, matcher: LexiconMatcher) -> frozenset[tuple[str, str]]:
    """Every two consecutive lemmas of a multi-word lexicon term or variant, as the matcher
    sees them (the patterns go through the same pipeline)."""
    pairs: set[tuple[str, str]] = set()
    for lexicon in matcher.lexicons:
        for term in lexicon.terms:
            for doc in nlp.pipe([term.term, *term.variants]):
                lemmas = [token.lemma_ for token in doc]
                pairs.update(zip(lemmas, lemmas[1:], strict=False))
    return frozenset(pairs)


def failure_detail(doc_id: str, text: str, error: Exception) -> str:
    """One line for `crawl_issues.detail`; it starts with `document <doc_id>,`, which is how
    later runs find a document's earlier failures."""
    message = (str(error).strip().splitlines() or [""])[0][:300]
    return f"document {doc_id}, {len(text):,} characters: {type(error).__name__}: {message}"


def tokenise_document(
    splitter: Splitter, matcher: LexiconMatcher, doc_id: str, text: str
) -> DocumentTokens:
    """One document's tokens and hits, tokenised piece by piece."""
    staged = DocumentTokens(doc_id)
    pieces = 0
    for piece in splitter.pieces(text):
        staged.add_piece(splitter.nlp(piece), matcher)
        pieces += 1
    if pieces > 1:
        staged.judge_again(matcher, splitter.nlp.vocab.strings)
    return staged


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
        cols["counted"].append(not hit.excluded_by)
        cols["excluded_by"].append(hit.excluded_by)


def tokenise_texts(
    items: Iterable[tuple[str, str]],
    matcher: LexiconMatcher,
    batch_docs: int = 200,
    piece_chars: int = PIECE_CHARS,
    batch_tokens: int = BATCH_TOKENS,
) -> Iterator[Batch]:
    """Tokenise (doc_id, text) pairs, yielding a Batch every `batch_docs` documents, or
    sooner once it holds `batch_tokens` tokens. A document that cannot be tokenised is
    left out of the batch's tokens and named in its `failures`."""
    nlp = build_nlp()
    splitter = Splitter(nlp, matcher, piece_chars)
    batch, pending, documents, tokens = Batch(), PendingTokens(), 0, 0
    for doc_id, text in items:
        try:
            staged = tokenise_document(splitter, matcher, doc_id, text)
        except Exception as error:  # whatever it is, it is this document's alone
            batch.failures[doc_id] = failure_detail(doc_id, text, error)
            log.warning("not tokenised: %s", batch.failures[doc_id])
        else:
            staged.move_into(pending, batch)
            tokens += staged.n_tokens
        documents += 1
        if documents == batch_docs or tokens >= batch_tokens:
            pending.move_into(batch, nlp.vocab.strings)
            yield batch
            batch, pending, documents, tokens = Batch(), PendingTokens(), 0, 0
    if documents:
        pending.move_into(batch, nlp.vocab.strings)
        yield batch


# Whether each code point is whitespace to Python and so to spaCy's tokenizer (both use
# str.isspace); every such character is below U+3001.
_IS_SPACE = np.zeros(0x110000, dtype=bool)
_IS_SPACE[[c for c in range(0x3001) if chr(c).isspace()]] = True


def doc_from_tokens(tokens: Sequence[str], lemmas: Sequence[str]) -> Doc:
    """A spaCy Doc of stored tokens, a space after each (when the text is not at hand)."""
    nlp = build_nlp()
    return Doc(nlp.vocab, words=list(tokens), lemmas=list(lemmas))


def doc_from_stored(
    text: str, tokens: Sequence[str], lemmas: Sequence[str], paragraphs: Sequence[int]
) -> tuple[Doc, np.ndarray, np.ndarray]:
    """Rebuild the Doc that tokenising `text` made, from its stored tokens, to re-match
    lexicons without tokenising again. Whitespace is not stored, but the tokens are the
    text's other characters in order, so the text says which tokens a space followed
    (`matched` keeps the text as written: "Co-production", not "Co - production") and where
    a whitespace token stood (a double space, a tab), which no match may span.

    Returns the Doc, each of its tokens' stored position (-1 for whitespace) and paragraph."""
    n = len(tokens)
    stored = np.arange(n)
    if n == 0 or "".join(tokens) != "".join(text.split()):
        if n:  # text edited after tokenising, say: no way to tell where its spaces were
            log.warning("stored tokens do not spell their text; matching them space-separated")
        return doc_from_tokens(tokens, lemmas), stored, np.asarray(paragraphs)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    solid = np.flatnonzero(~_IS_SPACE[codes])  # where each non-whitespace character is
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=n)
    ends = np.cumsum(lengths)
    first, after = solid[ends - lengths], solid[ends - 1] + 1  # each token's text[first:after]
    gap = first[1:] - after[:-1]
    spaces = np.zeros(n, dtype=bool)
    spaces[:-1] = (gap > 0) & (codes[np.minimum(after[:-1], len(codes) - 1)] == ord(" "))
    # What whitespace is left after the one space a token may carry is a token of its own.
    inserts = np.flatnonzero(gap > spaces[:-1])
    where = stored + np.searchsorted(inserts, stored)  # each stored token in the rebuilt Doc
    gaps = [text[after[i] + spaces[i] : first[i + 1]] for i in inserts.tolist()]
    size = n + len(inserts)
    words, lemma_column = np.empty(size, dtype=object), np.empty(size, dtype=object)
    words[where], lemma_column[where] = list(tokens), list(lemmas)
    blanks = where[inserts] + 1
    words[blanks], lemma_column[blanks] = gaps, gaps
    all_spaces = np.zeros(size, dtype=bool)
    all_spaces[where] = spaces
    positions = np.full(size, -1)
    positions[where] = stored
    all_paragraphs = np.empty(size, dtype=np.int64)
    all_paragraphs[where] = paragraphs
    all_paragraphs[blanks] = all_paragraphs[where[inserts]]
    doc = Doc(
        build_nlp().vocab,
        words=words.tolist(),
        spaces=all_spaces.tolist(),
        lemmas=lemma_column.tolist(),
    )
    return doc, positions, all_paragraphs
