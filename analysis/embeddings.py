"""Context drift in embedding space: a Word2Vec model per period, aligned across periods.

Each period's paragraphs (as lemma sequences of word tokens) train a gensim Word2Vec model
with a fixed seed on one worker, so a run is reproducible. Models of different periods live
in different coordinate systems; each is rotated onto the previous one by orthogonal
Procrustes over their shared vocabulary (Hamilton, Leskovec & Jurafsky 2016), after which a
term's vectors can be compared across periods. Small periods give noisy vectors, so every
row carries the period's token count.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import numpy as np
import pandas as pd
from gensim.models import Word2Vec

from marketspeak.analysis.frequency import period_label

PARAGRAPH_LEMMAS = """
SELECT date_trunc(?, d.trend_date) AS period_start, t.doc_id, t.paragraph,
       list(t.lemma ORDER BY t.position) AS lemmas
FROM tokens t JOIN current_documents d USING (doc_id)
WHERE t.is_word AND d.trend_date IS NOT NULL
GROUP BY ALL
ORDER BY period_start, t.doc_id, t.paragraph
"""
COLUMNS = ["period", "tokens", "similarity_to_previous", "neighbours"]


def procrustes(base: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The orthogonal matrix R minimising ||other·R − base|| (rows are the same words)."""
    u, _, vt = np.linalg.svd(other.T @ base)
    return u @ vt


def period_sentences(con: duckdb.DuckDBPyConnection, by: str) -> Iterator[tuple[object, list]]:
    frame = con.execute(PARAGRAPH_LEMMAS, [by]).df()
    for start, group in frame.groupby("period_start", sort=True):
        yield start, [list(lemmas) for lemmas in group["lemmas"]]


def neighbour_drift(
    con: duckdb.DuckDBPyConnection,
    term: str,
    by: str = "year",
    k: int = 10,
    vector_size: int = 50,
    min_count: int = 3,
    seed: int = 0,
) -> pd.DataFrame:
    """Per period: the term's nearest neighbours, and the cosine similarity of its aligned
    vector to the previous period's (1 = same place in the space)."""
    term = term.lower()
    rows, previous = [], None
    for start, sentences in period_sentences(con, by):
        tokens = sum(len(s) for s in sentences)
        model = Word2Vec(
            sentences,
            vector_size=vector_size,
            window=5,
            min_count=min_count,
            workers=1,
            seed=seed,
            epochs=10,
        )
        vectors = model.wv
        if term not in vectors:
            rows.append(
                {
                    "period": period_label(start, by),
                    "tokens": tokens,
                    "similarity_to_previous": np.nan,
                    "neighbours": "",
                }
            )
            previous = None
            continue
        neighbours = " ".join(w for w, _ in vectors.most_similar(term, topn=k))
        similarity = np.nan
        if previous is not None:
            shared = [w for w in vectors.index_to_key if w in previous]
            if term in shared and len(shared) > vector_size:
                rotation = procrustes(
                    np.array([previous[w] for w in shared]), np.array([vectors[w] for w in shared])
                )
                mine, theirs = vectors[term] @ rotation, previous[term]
                similarity = float(mine @ theirs / (np.linalg.norm(mine) * np.linalg.norm(theirs)))
        rows.append(
            {
                "period": period_label(start, by),
                "tokens": tokens,
                "similarity_to_previous": similarity,
                "neighbours": neighbours,
            }
        )
        previous = vectors
    return pd.DataFrame(rows, columns=COLUMNS)
