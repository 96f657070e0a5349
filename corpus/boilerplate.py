"""Boilerplate: paragraphs a source repeats across many of its documents, and their hits.

Legal formulas, directories of officials, standard notices, running heads and the footer or
cookie text that extraction kept say nothing about how a publisher speaks of the people it
serves at the time: one "Customer Services: 01234 ..." line on every page would count once
per page. Each paragraph (numbered as `tokens.paragraph` numbers them, like
corpus/language.py) is normalised (lower case, every digit 0, punctuation and runs of
whitespace one space) and hashed; per source, a paragraph is boilerplate when its hash
occurs in at least MIN_DOCUMENTS of the source's documents AND in at least MIN_SHARE of
them, the source has at least MIN_SOURCE_DOCUMENTS documents, and the paragraph has at
least MIN_WORDS words (a one-line "Thank you." or a date heading repeated everywhere
carries no lexicon term worth keeping, and short genuine phrases are the ones a speaker
repeats). The hashes found are stored per source (`boilerplate_paragraphs`), and the runs
of boilerplate paragraphs of each document with their token positions and word counts
(`boilerplate_spans`), so that hit_status sets their hits aside as 'boilerplate' without
reading tokens.

Only the hits are set aside, not the words: the rates' denominator stays the text the
publisher put out (a footer's words are part of every page as read), and a boilerplate
paragraph with no lexicon term then changes no measure at all. The methods page shows
per source how many words and hits were boilerplate.

A source is recomputed whenever its set of tokenised documents differs from the one its
boilerplate was computed over (`boilerplate_sources`: their number and a fingerprint of
their ids and token counts): hashing paragraphs is cheap, and a new document can make an
old paragraph cross the threshold everywhere. The number alone is not enough: a merge can
move a document to the source that found it first while bringing the source another one,
leaving the number as it was. A source left with no tokenised documents (all moved away)
keeps no boilerplate.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from marketspeak.corpus.db import transaction, utcnow
from marketspeak.corpus.language import split_paragraphs

MIN_SOURCE_DOCUMENTS = 10
MIN_DOCUMENTS = 5
MIN_SHARE = 0.001
MIN_WORDS = 5
EXAMPLE_CHARS = 200

DIGIT = re.compile(r"\d")
NOT_WORD = re.compile(r"[\W_]+")


def normalise(paragraph: str) -> str:
    """The paragraph as compared: lower case, digits 0, punctuation and spaces one space."""
    return NOT_WORD.sub(" ", DIGIT.sub("0", paragraph.lower())).strip()


def paragraph_key(paragraph: str) -> str | None:
    """The hash of a paragraph long enough to count as boilerplate, else None."""
    normal = normalise(paragraph)
    if normal.count(" ") + 1 < MIN_WORDS:
        return None
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=8).hexdigest()


def document_keys(text: str) -> list[str | None]:
    """One key (or None) per paragraph of a document's text."""
    return [paragraph_key(p) for p in split_paragraphs(text)]


def threshold(n_documents: int) -> int | None:
    """Documents a paragraph must occur in to be boilerplate in a source of `n_documents`;
    None when the source is too small to tell boilerplate from chance."""
    if n_documents < MIN_SOURCE_DOCUMENTS:
        return None
    return max(MIN_DOCUMENTS, math.ceil(MIN_SHARE * n_documents))


def runs(flags: list[bool]) -> list[tuple[int, int]]:
    """The (first, last) paragraph numbers of each run of flagged paragraphs."""
    found: list[tuple[int, int]] = []
    for number, flagged in enumerate(flags):
        if not flagged:
            continue
        if found and found[-1][1] == number - 1:
            found[-1] = (found[-1][0], number)
        else:
            found.append((number, number))
    return found


# A document belongs to the source it was first found under (documents.source), so that
# each document is in exactly one source's counts. Each source's tokenised documents as
# their number and an order-free fingerprint: the XOR of a 64-bit hash of each doc_id with
# its token count. A document's text never changes under its doc_id (the start of the text's
# SHA-256) and its paragraphs' tokens come with its token count, so the fingerprint changes
# whenever the paragraphs found could; it reads no text. MD5 rather than DuckDB's hash(),
# which a DuckDB release may change (and so recompute every source).
SOURCE_STATES = """
SELECT source, count(*) AS n,
       bit_xor(('0x' || left(md5(doc_id || ':' || n_tokens), 16))::UBIGINT) AS fingerprint
FROM documents WHERE n_tokens IS NOT NULL GROUP BY source ORDER BY source
"""
# What each source's boilerplate was last computed over (fingerprint NULL in a row from
# before schema version 14, so that source is recomputed once).
COMPUTED = "SELECT source, n_documents, fingerprint FROM boilerplate_sources"
# The texts of a source's tokenised documents (a paragraph is found by its hash).
SOURCE_TEXTS = """
SELECT doc_id, text FROM documents WHERE source = $source AND n_tokens IS NOT NULL
ORDER BY doc_id
"""
# Token positions and word counts of each run, from the stored tokens of its paragraphs.
INSERT_SPANS = """
INSERT INTO boilerplate_spans
SELECT s.doc_id, $source, s.first_paragraph, s.last_paragraph,
       min(t.position), max(t.position), count(*) FILTER (WHERE t.is_word)
FROM found_spans s
JOIN tokens t ON t.doc_id = s.doc_id AND t.paragraph BETWEEN s.first_paragraph AND s.last_paragraph
GROUP BY ALL
"""
# A source is recomputed whole: its earlier paragraphs, runs and record go first.
CLEAR_SOURCE = [
    "DELETE FROM boilerplate_spans WHERE source = $source",
    "DELETE FROM boilerplate_paragraphs WHERE source = $source",
    "DELETE FROM boilerplate_sources WHERE source = $source",
]
# The source's repeated paragraphs (found_paragraphs registered) and its record: how many
# documents it had, how many a paragraph needed, and under which rule.
INSERT_PARAGRAPHS = "INSERT INTO boilerplate_paragraphs SELECT $source, * FROM found_paragraphs"
INSERT_SOURCE = """
INSERT INTO boilerplate_sources (source, n_documents, min_documents, rule, computed_at,
                                 fingerprint)
VALUES ($source, $n, $needed, $rule, $at, $fingerprint)
"""
# What was stored for the source: runs and their words.
SPAN_WORDS = """
SELECT count(*), coalesce(sum(n_words), 0) FROM boilerplate_spans WHERE source = $source
"""


def rule() -> str:
    """The threshold, recorded with each source's boilerplate."""
    return (
        f"paragraphs of {MIN_WORDS}+ words in {MIN_DOCUMENTS}+ documents and {MIN_SHARE:.1%}+ "
        f"of a source of {MIN_SOURCE_DOCUMENTS}+ documents"
    )


@dataclass
class BoilerplateResult:
    """What finding boilerplate did: sources recomputed, paragraphs, spans and their words."""

    sources: int = 0
    paragraphs: int = 0
    spans: int = 0
    words: int = 0


def find_boilerplate(con: duckdb.DuckDBPyConnection) -> BoilerplateResult:
    """Recompute the boilerplate of every source whose tokenised documents changed (in
    number or in which they are) since it was last computed, and drop that of a source left
    with none; each source in one transaction."""
    done = {source: tuple(state) for source, *state in con.execute(COMPUTED).fetchall()}
    now = {source: tuple(state) for source, *state in con.execute(SOURCE_STATES).fetchall()}
    result = BoilerplateResult()
    for source, (n, fingerprint) in now.items():
        if done.get(source) != (n, fingerprint):
            recompute_source(con, source, n, fingerprint, result)
    for source in sorted(done.keys() - now.keys()):
        with transaction(con):
            for statement in CLEAR_SOURCE:
                con.execute(statement, {"source": source})
        result.sources += 1
    return result


def recompute_source(
    con: duckdb.DuckDBPyConnection,
    source: str,
    n: int,
    fingerprint: int,
    result: BoilerplateResult,
) -> None:
    """Find and store the boilerplate of one source of `n` tokenised documents (whose
    fingerprint, as SOURCE_STATES computes it, is `fingerprint`)."""
    texts = con.execute(SOURCE_TEXTS, {"source": source}).fetchall()
    keys = {doc_id: document_keys(text) for doc_id, text in texts}
    examples: dict[str, str] = {}
    occurrences: Counter[str] = Counter()
    for (_, text), doc_keys in zip(texts, keys.values(), strict=True):
        occurrences.update({k for k in doc_keys if k})
        for key, paragraph in zip(doc_keys, split_paragraphs(text), strict=True):
            if key and key not in examples:
                examples[key] = paragraph[:EXAMPLE_CHARS]
    needed = threshold(n)
    common = {k: c for k, c in occurrences.items() if needed and c >= needed}
    spans = [
        (doc_id, first, last)
        for doc_id, doc_keys in keys.items()
        for first, last in runs([k in common for k in doc_keys])
    ]
    found_paragraphs = pa.table(
        {
            "hash": pa.array(list(common), pa.string()),
            "n_documents": pa.array(list(common.values()), pa.int32()),
            "example": pa.array([examples[k] for k in common], pa.string()),
        }
    )
    columns = list(zip(*spans, strict=True)) if spans else [[], [], []]
    found_spans = pa.table(
        {
            "doc_id": pa.array(columns[0], pa.string()),
            "first_paragraph": pa.array(columns[1], pa.int32()),
            "last_paragraph": pa.array(columns[2], pa.int32()),
        }
    )
    params = {"source": source}
    with transaction(con, found_spans=found_spans, found_paragraphs=found_paragraphs):
        for statement in CLEAR_SOURCE:
            con.execute(statement, params)
        con.execute(INSERT_PARAGRAPHS, params)
        con.execute(INSERT_SPANS, params)
        record = {"n": n, "needed": needed, "rule": rule(), "at": utcnow()}
        con.execute(INSERT_SOURCE, {**params, **record, "fingerprint": fingerprint})
        stored, words = con.execute(SPAN_WORDS, params).fetchone()
    result.sources += 1
    result.paragraphs += len(common)
    result.spans += stored
    result.words += words
