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
from importlib import resources

import duckdb
import pandas as pd
from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

from analysis.collocations import stop_words
from corpus.lexicons import Lexicon

# Tokens that join the words either side into one compound: the tokeniser splits
# "customer-facing" into customer, -, facing. Dashes (en, em, "--") do not join.
HYPHENS = ["-"]

# The word lemmas of each run of English text that no punctuation or sentence end breaks
# (a hyphen does not break it), in order: the "sentences" gensim's Phrases learns from, so
# "the customer. Service levels" does not teach it "customer service". A run is numbered by
# how many breaking tokens of its paragraph come before it. Parameter: $hyphens.
SEGMENT_LEMMAS = """
WITH marked AS (
    SELECT doc_id, paragraph, position, lemma, is_word,
           count(*) FILTER (WHERE NOT is_word AND NOT list_contains($hyphens, token))
               OVER (PARTITION BY doc_id, paragraph ORDER BY position) AS segment
    FROM english_tokens JOIN current_documents USING (doc_id)
)
SELECT list(lemma ORDER BY position) AS lemmas
FROM marked WHERE is_word
GROUP BY doc_id, paragraph, segment ORDER BY doc_id, paragraph, segment
"""


def single_word_terms(lexicons: Sequence[Lexicon], lexicon: str = "market") -> list[str]:
    return [t.term for lx in lexicons if lx.name == lexicon for t in lx.terms if " " not in t.term]


def modifier_uses(
    con: duckdb.DuckDBPyConnection, lemmas: Sequence[str], period: str = "year", min_freq: int = 1
) -> pd.DataFrame:
    """Per period: each compound of a lemma with a content word, and whether the lemma is
    the `modifier` (first word) or the `head` (second word)."""
    sql = (resources.files("analysis") / "sql" / "modifiers.sql").read_text(encoding="utf-8")
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
    totals = out.groupby("compound")["hits"].transform("sum")
    out = out[totals >= min_freq]
    return out.sort_values(
        ["period_start", "term", "hits", "compound"],
        ascending=[True, True, False, True],
        ignore_index=True,
    )


def discover_compounds(
    con: duckdb.DuckDBPyConnection,
    lemmas: Sequence[str],
    known: Sequence[str] = (),
    min_count: int = 5,
    threshold: float = 10.0,
) -> pd.DataFrame:
    """Two-word phrases gensim's Phrases finds in the corpus that contain one of `lemmas`
    and are not already `known` terms: candidates for a lexicon."""
    segments = [row[0] for row in con.execute(SEGMENT_LEMMAS, {"hyphens": HYPHENS}).fetchall()]
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
