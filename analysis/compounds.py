"""Compound contexts: how market words are used as modifiers ("customer journey",
"customer services") and modified ("internal customer"), counted over time, and which new
compounds the corpus itself suggests (gensim Phrases), for an analyst to add to a lexicon.

Counting is on word-token bigrams within an English paragraph (english_tokens), by lemma:
two words next to each other in the stored tokens, or joined by a hyphen ("customer-facing"),
never across other punctuation or a sentence end. Function words (spaCy's English stop
words) are left out as partners, so "the customer" is not a compound.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd
from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

from marketspeak.analysis.collocations import stop_words
from marketspeak.corpus.lexicons import Lexicon
from marketspeak.corpus.sql import load_sql

# Tokens that join the words either side into one compound: the tokeniser splits
# "customer-facing" into customer, -, facing. Dashes (en, em, "--") do not join.
HYPHENS = ["-"]

# Every English token that can be part of a compound, in order: word lemmas, and NULL for
# each token that breaks a compound (punctuation other than a hyphen; hyphens are left out).
# Cut at the NULLs and at paragraph ends, these are the "sentences" gensim's Phrases learns
# from, so "the customer. Service levels" does not teach it "customer service". Read in
# batches, not aggregated into lists in SQL: an ordered list per paragraph does not fit
# DuckDB's memory cap on a corpus of millions of tokens. Parameter: $hyphens.
PHRASE_TOKENS = """
SELECT doc_id, paragraph, CASE WHEN is_word THEN lemma END AS lemma
FROM english_tokens JOIN current_documents USING (doc_id)
WHERE is_word OR NOT list_contains($hyphens, token)
ORDER BY doc_id, position
"""
BATCH_ROWS = 100_000


def single_word_terms(lexicons: Sequence[Lexicon], lexicon: str = "market") -> list[str]:
    return [t.term for lx in lexicons if lx.name == lexicon for t in lx.terms if " " not in t.term]


def modifier_uses(
    con: duckdb.DuckDBPyConnection, lemmas: Sequence[str], period: str = "year", min_freq: int = 1
) -> pd.DataFrame:
    """Per period: each compound of a lemma with a content word, and whether the lemma is
    the `modifier` (first word) or the `head` (second word)."""
    sql = load_sql("marketspeak.analysis", "sql/modifiers.sql")
    frame = con.execute(sql, {"lemmas": list(lemmas), "period": period, "hyphens": HYPHENS}).df()
    wanted, function_words = set(lemmas), stop_words()
    rows = []
    for row in frame.itertuples(index=False):
        for term, partner, role in (
            (row.first, row.second, "modifier"),
            (row.second, row.first, "head"),
        ):
            if term in wanted and partner not in function_words and partner.isalpha():
                rows.append(
                    {
                        "period_start": row.period_start,
                        "term": term,
                        "role": role,
                        "compound": f"{row.first} {row.second}",
                        "hits": int(row.hits),
                    }
                )
    out = pd.DataFrame(rows, columns=["period_start", "term", "role", "compound", "hits"])
    if out.empty:  # typed even so: a corpus with no compound still gets a (blank) chart
        out = out.astype({"period_start": "datetime64[ns]", "hits": "int64"})
    totals = out.groupby("compound")["hits"].transform("sum")
    out = out[totals >= min_freq]
    return out.sort_values(
        ["period_start", "term", "hits", "compound"],
        ascending=[True, True, False, True],
        ignore_index=True,
    )


def unbroken_runs(con: duckdb.DuckDBPyConnection) -> list[list[str]]:
    """The runs of word lemmas that no punctuation, sentence end or paragraph end breaks."""
    runs: list[list[str]] = []
    run: list[str] = []
    where = None
    shared: dict[str, str] = {}  # one string object per lemma: the runs hold millions
    reader = con.execute(PHRASE_TOKENS, {"hyphens": HYPHENS}).fetch_record_batch(BATCH_ROWS)
    for batch in reader:
        columns = batch.to_pydict()
        for doc_id, paragraph, lemma in zip(
            columns["doc_id"], columns["paragraph"], columns["lemma"], strict=True
        ):
            if lemma is None or (doc_id, paragraph) != where:
                if run:
                    runs.append(run)
                run = []
                where = (doc_id, paragraph)
            if lemma is not None:
                run.append(shared.setdefault(lemma, lemma))
    if run:
        runs.append(run)
    return runs


def discover_compounds(
    con: duckdb.DuckDBPyConnection,
    lemmas: Sequence[str],
    known: Sequence[str] = (),
    min_count: int = 5,
    threshold: float = 10.0,
) -> pd.DataFrame:
    """Two-word phrases gensim's Phrases finds in the corpus that contain one of `lemmas`
    and are not already `known` terms: candidates for a lexicon."""
    segments = unbroken_runs(con)
    model = Phrases(
        segments, min_count=min_count, threshold=threshold, connector_words=ENGLISH_CONNECTOR_WORDS
    )
    wanted, known_set = set(lemmas), {k.lower() for k in known}
    rows = []
    for phrase, score in model.find_phrases(segments).items():
        words = phrase.split("_")
        text = " ".join(words)
        if wanted & set(words) and text not in known_set:
            rows.append(
                {"phrase": text, "count": int(model.vocab.get(phrase, 0)), "score": float(score)}
            )
    frame = pd.DataFrame(rows, columns=["phrase", "count", "score"])
    return frame.sort_values(["score", "phrase"], ascending=[False, True], ignore_index=True)
