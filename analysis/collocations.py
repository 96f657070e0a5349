"""Collocations: which words keep a term company, scored by standard association measures.

Counting convention (the one #LancsBox documents): O11 is the number of (node, collocate)
token pairs within ±window word tokens of the node in the same document, a token inside
two node windows counting twice; R1 = f(node)·2·window; C1 = f(collocate); N = all word
tokens. The 2×2 table is then O12 = R1 − O11, O21 = C1 − O11, O22 = N − R1 − C1 + O11, with
expected values E_ij = R_i·C_j / N. The counts come from the schema's collocate_counts
macro (corpus/schema.sql), which the v_collocates view scores in SQL with these formulas.

Measures (columns):
- ``mi``: mutual information, log2(O11 / E11) (Church & Hanks 1990).
- ``t``: t-score, (O11 − E11) / √O11.
- ``ll``: log-likelihood G² = 2·Σ O_ij·ln(O_ij / E_ij) over the four cells, cells with
  O_ij ≤ 0 contributing 0; reported negative when O11 < E11 (the collocate is repelled)
  (Dunning 1993).
- ``logdice``: 14 + log2(2·O11 / (R1 + C1)) (Rychlý 2008).

Stop words (``exclude``) are dropped from the list after counting, so N, R1 and C1 and
every score stay those of the whole text; only which collocates are shown changes.
"""

from __future__ import annotations

import math
from collections.abc import Collection

import duckdb
import pandas as pd

# One node's counts per (period, collocate), counted by the schema's collocate_counts, the
# same counting the v_collocates view scores; binds span, period ('all' or a period) and
# the node.
COUNTS = """
SELECT period_start, collocate, o11, r1, c1, n FROM collocate_counts(?, ?, ?)
"""
COLUMNS = ["period_start", "collocate", "o11", "e11", "r1", "c1", "n", "ll", "mi", "logdice", "t"]


def scores(o11: float, r1: float, c1: float, n: float) -> dict[str, float]:
    """Every association measure for one node-collocate pair (see the module docstring)."""
    e11 = r1 * c1 / n
    observed = (o11, r1 - o11, c1 - o11, n - r1 - c1 + o11)
    expected = (e11, r1 * (n - c1) / n, (n - r1) * c1 / n, (n - r1) * (n - c1) / n)
    g2 = 2 * sum(
        o * math.log(o / e) for o, e in zip(observed, expected, strict=True) if o > 0 and e > 0
    )
    return {
        "e11": e11,
        "ll": g2 if o11 >= e11 else -g2,
        "mi": math.log2(o11 / e11),
        "logdice": 14 + math.log2(2 * o11 / (r1 + c1)),
        "t": (o11 - e11) / math.sqrt(o11),
    }


def node_frequency(r1: float, window: int) -> int:
    """f(node), the node's frequency, from R1 = f(node)·2·window (the counting convention
    above): the counts carry the node's frequency only through R1."""
    return int(r1 // (2 * window))


def collocates(
    con: duckdb.DuckDBPyConnection,
    term: str,
    window: int = 5,
    min_freq: int = 1,
    by: str | None = None,
    exclude: Collection[str] = (),
) -> pd.DataFrame:
    """Collocates of `term` with O11 ≥ `min_freq`, best logDice first (per period with `by`),
    leaving out the lemmas in `exclude` (e.g. stop_words()).

    `period_start` is empty overall; with `by` ('year', 'quarter', 'month') it is the
    period's first day, and counts and N are those of the period.
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    if by not in (None, "year", "quarter", "month"):
        raise ValueError(f"by must be year, quarter or month, not {by!r}")
    node = " ".join(term.lower().split())
    counts = con.execute(COUNTS, [window, by or "all", node]).df()
    counts = counts[(counts["o11"] >= min_freq) & ~counts["collocate"].isin(set(exclude))]
    rows = [
        {**row, **scores(row["o11"], row["r1"], row["c1"], row["n"])}
        for row in counts.to_dict("records")
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if by is None:
        frame["period_start"] = None
    return frame.sort_values(
        ["period_start", "logdice", "collocate"],
        ascending=[True, False, True],
        na_position="first",
        ignore_index=True,
    )


def stop_words() -> frozenset[str]:
    """spaCy's English stop list (function words such as 'the', 'our', 'to'), lower case."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(w.lower() for w in STOP_WORDS)
