"""Context drift: does a term keep the same company over time?

For each pair of consecutive periods, the Jaccard overlap |A ∩ B| / |A ∪ B| of the term's
top-k collocates by logDice (see analysis/collocations.py) in each period: 1 means the same
neighbours, 0 none in common. Small periods give noisy collocates, so each row carries the
node's frequency in both periods.
"""

from __future__ import annotations

from collections.abc import Collection

import duckdb
import pandas as pd

from marketspeak.analysis.collocations import collocates, node_frequency
from marketspeak.analysis.frequency import period_label

COLUMNS = ["period", "next_period", "jaccard", "shared", "node_freq", "next_node_freq"]


def jaccard(a: set[str], b: set[str]) -> float:
    """|A ∩ B| / |A ∪ B|; NaN when both are empty (no collocates is not a perfect match)."""
    union = a | b
    return len(a & b) / len(union) if union else float("nan")


def collocate_drift(
    con: duckdb.DuckDBPyConnection,
    term: str,
    by: str = "year",
    top: int = 20,
    window: int = 5,
    min_freq: int = 2,
    exclude: Collection[str] = (),
) -> pd.DataFrame:
    """Jaccard overlap of the top-`top` logDice collocates between consecutive periods,
    leaving out the lemmas in `exclude` (see analysis.collocations.stop_words)."""
    frame = collocates(con, term, window, min_freq, by, exclude).dropna(subset=["period_start"])
    tops, freq = {}, {}
    for start, group in frame.groupby("period_start", sort=True):
        tops[start] = set(group.nlargest(top, "logdice")["collocate"])
        freq[start] = node_frequency(group["r1"].iloc[0], window)
    periods = sorted(tops)
    rows = []
    for first, second in zip(periods, periods[1:], strict=False):
        shared = sorted(tops[first] & tops[second])
        rows.append(
            {
                "period": period_label(first, by),
                "next_period": period_label(second, by),
                "jaccard": jaccard(tops[first], tops[second]),
                "shared": " ".join(shared),
                "node_freq": freq[first],
                "next_node_freq": freq[second],
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
