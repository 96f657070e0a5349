"""Tokenise stored documents and record their lexicon hits in the database.

Two jobs, both batched and transactional per batch (a crash loses at most one batch, and
the next run picks up where this one stopped):
- `tokenise_pending`: documents never tokenised get tokens, word counts and hits, in this
  process (tiny corpora in tests and benchmarks). The pipeline's step goes through
  corpus/partitions.py instead, which stores each partition with the same `write_tables`.
- `rematch`: documents whose hits came from other lexicon versions are matched again from
  their stored tokens, without re-tokenising.

A document that cannot be tokenised is recorded in `crawl_issues` (reason
`tokenise-failed`) and skipped, so it stops neither this run nor the next. It is tried again
by the next runs, up to `TOKENISE_ATTEMPTS` times in all (a failure can be passing, such as
running out of memory), then left alone; deleting its `crawl_issues` rows queues it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from marketspeak.corpus.db import transaction, utcnow
from marketspeak.corpus.lexicons import Lexicon, LexiconMatcher, signature
from marketspeak.corpus.runs import crash_point
from marketspeak.corpus.tokenise import (
    BATCH_TOKENS,
    FAILED,
    Batch,
    add_hits,
    build_nlp,
    doc_from_stored,
    tokenise_texts,
)

Progress = Callable[[int], None]

TOKENISE_ATTEMPTS = 3
# Documents to tokenise: not tokenised yet, and not failed TOKENISE_ATTEMPTS times. Each
# failure is a crawl_issues row whose detail starts "document <doc_id>," (tokenise.py's
# failure_detail); bind PENDING_PARAMS.
PENDING = """
FROM documents d
WHERE d.n_tokens IS NULL
  AND (SELECT count(*) FROM crawl_issues i
       WHERE i.reason = $reason AND i.url = d.url
         AND starts_with(i.detail, 'document ' || d.doc_id || ',')) < $attempts
"""
PENDING_PARAMS = {"reason": FAILED, "attempts": TOKENISE_ATTEMPTS}
PENDING_DOCUMENTS = "SELECT d.doc_id, d.text" + PENDING + "ORDER BY d.doc_id"
PENDING_COUNT = "SELECT count(*)" + PENDING

# Tokenised documents whose hits came from other lexicon versions (? the versions in use),
# with their token counts to size the re-match batches.
STALE_DOCUMENTS = """
SELECT doc_id, n_tokens FROM documents
WHERE n_tokens IS NOT NULL AND lexicon_versions IS DISTINCT FROM ?
ORDER BY doc_id
"""

# With the text, which says where the whitespace was (see tokenise.doc_from_stored).
STORED_TOKENS = """
SELECT s.doc_id, s.tokens, s.lemmas, s.paragraphs, d.text
FROM (SELECT t.doc_id, list(t.token ORDER BY t.position) AS tokens,
             list(t.lemma ORDER BY t.position) AS lemmas,
             list(t.paragraph ORDER BY t.position) AS paragraphs
      FROM tokens t JOIN batch_ids USING (doc_id)
      GROUP BY t.doc_id) AS s
JOIN documents d USING (doc_id)
"""

# Re-matched documents record the lexicon versions (?) their hits now come from.
REMATCHED = """
UPDATE documents SET lexicon_versions = ? WHERE doc_id IN (SELECT doc_id FROM batch_ids)
"""

# A batch's documents get their counts and the lexicon versions (?) they were matched with;
# n_tokens set marks a document tokenised (see PENDING).
MARK_TOKENISED = """
UPDATE documents SET n_tokens = counts.n_tokens, n_words = counts.n_words,
                     lexicon_versions = ?
FROM counts WHERE documents.doc_id = counts.doc_id AND documents.n_tokens IS NULL
"""


# lexicon_terms holds the lexicons in use only: replaced whole by record_lexicons.
CLEAR_LEXICON_TERMS = "DELETE FROM lexicon_terms"
INSERT_LEXICON_TERM = "INSERT INTO lexicon_terms VALUES (?, ?, ?, ?, ?)"
# A re-matched batch's hits replace its old ones (batch_ids, batch_hits registered).
CLEAR_BATCH_HITS = "DELETE FROM term_hits WHERE doc_id IN (SELECT doc_id FROM batch_ids)"
INSERT_BATCH_HITS = "INSERT INTO term_hits SELECT * FROM batch_hits"


@dataclass
class AnnotateResult:
    """What one annotate call did."""

    documents: int = 0
    tokens: int = 0
    hits: int = 0
    failed: int = 0  # documents that could not be tokenised (see crawl_issues)


def record_lexicons(con: duckdb.DuckDBPyConnection, lexicons: Sequence[Lexicon]) -> None:
    """Replace lexicon_terms with the lexicons in use."""
    rows = [
        (lx.name, lx.version, t.term, t.category, list(t.variants))
        for lx in lexicons
        for t in lx.terms
    ]
    with transaction(con):
        con.execute(CLEAR_LEXICON_TERMS)
        con.executemany(INSERT_LEXICON_TERM, rows)


def pending_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many documents still need tokenising."""
    return con.execute(PENDING_COUNT, PENDING_PARAMS).fetchone()[0]


def batch_tables(batch: Batch) -> dict[str, pa.Table]:
    """A batch as the tables a write needs: tokens, hits, per-document counts and the
    documents that failed."""
    tokens = batch.token_table()
    # Counted in Arrow: a Python string per token row would cost more than the tokens.
    counted = pc.value_counts(tokens.column("doc_id"))
    n_tokens = dict(
        zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True)
    )
    counts = pa.table(
        {
            "doc_id": pa.array(list(batch.words), pa.string()),
            "n_tokens": pa.array([n_tokens.get(d, 0) for d in batch.words], pa.int32()),
            "n_words": pa.array(list(batch.words.values()), pa.int32()),
        }
    )
    return {
        "tokens": tokens,
        "hits": batch.hit_table(),
        "counts": counts,
        "failures": batch.failure_table(),
    }


# Only documents still untokenised take the rows, so merging a partition twice (a writer
# killed after its commit, rerun) adds nothing the second time.
INSERT_TOKENS = """
INSERT INTO tokens SELECT * FROM batch_tokens
WHERE doc_id IN (SELECT doc_id FROM documents WHERE n_tokens IS NULL)
"""
INSERT_HITS = """
INSERT INTO term_hits SELECT * FROM batch_hits
WHERE doc_id IN (SELECT doc_id FROM documents WHERE n_tokens IS NULL)
"""
# A document that could not be tokenised, as a page without a document: under the source
# and URL it was first found at.
INSERT_FAILURES = """
INSERT INTO crawl_issues
SELECT d.source, d.url, f.reason, f.detail, $at
FROM batch_failures f JOIN documents d USING (doc_id)
WHERE d.n_tokens IS NULL
"""


def write_tables(
    con: duckdb.DuckDBPyConnection,
    tokens: pa.Table,
    hits: pa.Table,
    counts: pa.Table,
    failures: pa.Table,
    versions: str,
) -> None:
    """Store one batch's tokens, hits, counts and failures in one transaction."""
    with transaction(
        con, batch_tokens=tokens, batch_hits=hits, counts=counts, batch_failures=failures
    ):
        con.execute(INSERT_TOKENS)
        con.execute(INSERT_HITS)
        con.execute(INSERT_FAILURES, {"at": utcnow()})
        con.execute(MARK_TOKENISED, [versions])


def tokenise_pending(
    con: duckdb.DuckDBPyConnection,
    lexicons: Sequence[Lexicon],
    batch_docs: int = 200,
    progress: Progress | None = None,
) -> AnnotateResult:
    """Tokenise every document that has no tokens yet, storing tokens and hits."""
    matcher = LexiconMatcher(build_nlp(), lexicons)
    versions = signature(lexicons)
    result = AnnotateResult()
    rows = con.execute(PENDING_DOCUMENTS, PENDING_PARAMS).fetchall()
    for batch in tokenise_texts(rows, matcher, batch_docs):
        tables = batch_tables(batch)
        write_tables(con, **tables, versions=versions)
        crash_point("tokenise")  # between batches: those written stay, the rest wait
        result.documents += len(batch.words)
        result.tokens += batch.n_tokens
        result.hits += len(batch.hits["doc_id"])
        result.failed += len(batch.failures)
        if progress:
            progress(len(batch.words) + len(batch.failures))
    return result


def stale_batches(
    stale: Sequence[tuple[str, int]], batch_docs: int, batch_tokens: int
) -> Iterator[list[str]]:
    """(doc_id, n_tokens) pairs as lists of ids: a batch ends at `batch_docs` documents or
    before it passes `batch_tokens` tokens (their tokens are read into Python lists), so a
    few long documents do not make one huge batch; a longer document is a batch alone."""
    ids: list[str] = []
    tokens = 0
    for doc_id, n_tokens in stale:
        if ids and (len(ids) == batch_docs or tokens + n_tokens > batch_tokens):
            yield ids
            ids, tokens = [], 0
        ids.append(doc_id)
        tokens += n_tokens
    if ids:
        yield ids


def rematch(
    con: duckdb.DuckDBPyConnection,
    lexicons: Sequence[Lexicon],
    batch_docs: int = 500,
    progress: Progress | None = None,
    batch_tokens: int = BATCH_TOKENS,
) -> AnnotateResult:
    """Re-match documents whose hits were made with other lexicon versions, at most
    `batch_docs` documents and about `batch_tokens` stored tokens at a time."""
    matcher = LexiconMatcher(build_nlp(), lexicons)
    versions = signature(lexicons)
    stale = con.execute(STALE_DOCUMENTS, [versions]).fetchall()
    result = AnnotateResult()
    for chunk in stale_batches(stale, batch_docs, batch_tokens):
        ids = pa.table({"doc_id": chunk})
        batch = Batch()
        con.register("batch_ids", ids)
        rows = con.execute(STORED_TOKENS).fetchall()
        con.unregister("batch_ids")
        for doc_id, tokens, lemmas, paragraphs, text in rows:
            doc, positions, doc_paragraphs = doc_from_stored(text, tokens, lemmas, paragraphs)
            add_hits(batch, doc_id, matcher.match(doc, doc_paragraphs), positions)
        hit_table = batch.hit_table()
        with transaction(con, batch_ids=ids, batch_hits=hit_table):
            con.execute(CLEAR_BATCH_HITS)
            con.execute(INSERT_BATCH_HITS)
            con.execute(REMATCHED, [versions])
        result.documents += ids.num_rows
        result.hits += hit_table.num_rows
        if progress:
            progress(ids.num_rows)
    return result
