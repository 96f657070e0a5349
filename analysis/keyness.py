"""Keyness: which words one period (the focus) uses more or less than another (the reference).

For a word with frequency a in the focus corpus of c word tokens and b in the reference of
d tokens:
- ``ll``: log-likelihood G² = 2·(a·ln(a/E1) + b·ln(b/E2)), E1 = c·(a+b)/(c+d),
  E2 = d·(a+b)/(c+d), a zero count contributing 0 (Rayson & Garside 2000, after Dunning
  1993); signed positive when the focus uses the word more, negative when less.
- ``log_ratio``: log2((a/c) / (b/d)), each zero frequency replaced by 0.5 so the ratio is
  defined (Hardie 2014): +1 means twice as frequent in the focus.
- ``pct_diff``: (a/c − b/d)·100 / (b/d), empty when b = 0 (%DIFF, Gabrielatos & Marchi 2012).
"""

from __future__ import annotations

import math
from datetime import date

import duckdb
import pandas as pd

from marketspeak.corpus.sql import load_sql

COLUMNS = [
    "lemma",
    "focus_freq",
    "reference_freq",
    "focus_per_million",
    "reference_per_million",
    "ll",
    "log_ratio",
    "pct_diff",
]


def keyness_scores(a: int, b: int, c: int, d: int) -> dict[str, float | None]:
    """ll, log_ratio and pct_diff for one word (see the module docstring)."""
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    ll = 2 * sum(o * math.log(o / e) for o, e in ((a, e1), (b, e2)) if o > 0)
    over = a / c >= b / d
    return {
        "ll": ll if over else -ll,
        "log_ratio": math.log2((max(a, 0.5) / c) / (max(b, 0.5) / d)),
        "pct_diff": None if b == 0 else (a / c - b / d) * 100 / (b / d),
    }


def keyness(
    con: duckdb.DuckDBPyConnection,
    focus: tuple[date, date],
    reference: tuple[date, date],
    min_freq: int = 5,
    terms: list[str] | None = None,
) -> pd.DataFrame:
    """Every lemma used at least `min_freq` times in the two periods together, most key first.

    With `terms`, only those lemmas (e.g. a lexicon's single-word terms)."""
    sql = load_sql("marketspeak.analysis", "sql/keyness.sql")
    counts = con.execute(
        sql,
        {
            "focus_from": focus[0],
            "focus_to": focus[1],
            "ref_from": reference[0],
            "ref_to": reference[1],
        },
    ).df()
    if counts.empty or not counts["focus_size"].iloc[0] or not counts["reference_size"].iloc[0]:
        raise ValueError("both periods need dated, tokenised documents")
    counts = counts[counts["focus_freq"] + counts["reference_freq"] >= min_freq]
    if terms is not None:
        counts = counts[counts["lemma"].isin(terms)]
    rows = []
    for row in counts.itertuples(index=False):
        c, d = int(row.focus_size), int(row.reference_size)
        rows.append(
            {
                "lemma": row.lemma,
                "focus_freq": int(row.focus_freq),
                "reference_freq": int(row.reference_freq),
                "focus_per_million": 1e6 * row.focus_freq / c,
                "reference_per_million": 1e6 * row.reference_freq / d,
                **keyness_scores(int(row.focus_freq), int(row.reference_freq), c, d),
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["ll", "lemma"], ascending=[False, True], ignore_index=True)
