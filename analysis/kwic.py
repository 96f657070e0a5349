"""Key word in context: every use of a term with the words around it, its document's
title, date and URL, so a reader can see what "customer" means where it is used. Lines are
the hits the measures count, unless every hit is asked for, each with its reason."""

from __future__ import annotations

import random
from datetime import date

import duckdb
import pandas as pd

from marketspeak.corpus.sql import load_sql

COLUMNS = [
    "published",
    "source",
    "title",
    "url",
    "doc_id",
    "position",
    "left_context",
    "match",
    "right_context",
]
ALL_COLUMNS = [*COLUMNS, "excluded_by"]  # with every hit: why one is not counted


def kwic(
    con: duckdb.DuckDBPyConnection,
    term: str,
    width: int = 8,
    sample: int | None = None,
    seed: int = 0,
    source: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    every_hit: bool = False,
) -> pd.DataFrame:
    """Concordance lines for `term` (a lexicon term, or any word by its lemma), in date order.

    With `sample`, a reproducible random sample of that many lines (same seed, same lines).
    A lexicon term's lines are the hits measures count; with `every_hit`, all of them, and
    an `excluded_by` column naming the rule that set each other one aside.
    """
    if width < 0:
        raise ValueError("width must be 0 or more")
    sql = load_sql("marketspeak.analysis", "sql/kwic.sql")
    params = {
        "term": " ".join(term.lower().split()),
        "width": width,
        "source": source,
        "date_from": date_from,
        "date_to": date_to,
        "all": every_hit,
    }
    frame = con.execute(sql, params).df()
    frame["published"] = [
        None if pd.isna(v) else pd.Timestamp(v).date() for v in frame["published"]
    ]
    if sample is not None and sample < len(frame):
        keep = sorted(random.Random(seed).sample(range(len(frame)), sample))
        frame = frame.iloc[keep].reset_index(drop=True)
    return frame[ALL_COLUMNS if every_hit else COLUMNS]
