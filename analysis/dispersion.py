"""Dispersion: is a term used across all publishers, or concentrated in a few?

For each term, over the parts of the corpus (sources):
- ``hits`` and ``documents``: how often and in how many documents it is used (document
  frequency), and ``doc_share`` of all documents, each text counted once;
- ``dp``: Gries' deviation of proportions, DP = ½·Σ|v_i − s_i|, where s_i is part i's share
  of all word tokens and v_i its share of the term's hits (Gries 2008). 0 means the term is
  spread exactly as the text is; values near 1 mean it sits in one small part. A source's
  part is every document it serves, so a text two publishers carry is in both parts;
- ``dp_norm``: DP / (1 − min s_i), scaled to run from 0 to 1 (Lijffijt & Gries 2012).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from marketspeak.corpus.sql import load_sql

COLUMNS = ["lexicon", "term", "hits", "documents", "doc_share", "dp", "dp_norm", "parts"]


def dp(part_sizes: list[float], part_hits: list[float]) -> tuple[float, float]:
    """(DP, normalised DP) for one term; see the module docstring."""
    total_size, total_hits = sum(part_sizes), sum(part_hits)
    if not total_hits or not total_size:
        return float("nan"), float("nan")
    shares = [s / total_size for s in part_sizes]
    value = 0.5 * sum(abs(h / total_hits - s) for h, s in zip(part_hits, shares, strict=True))
    smallest = min(shares)
    return value, (value / (1 - smallest) if smallest < 1 else float("nan"))


def dispersion(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per lexicon term found, across sources, most evenly spread first."""
    sql = load_sql("marketspeak.analysis", "sql/dispersion.sql")
    rows = con.execute(sql).df()
    out = []
    for (lexicon, term), group in rows.groupby(["lexicon", "term"], sort=True):
        value, normalised = dp(group["part_size"].tolist(), group["hits"].tolist())
        first = group.iloc[0]
        out.append(
            {
                "lexicon": lexicon,
                "term": term,
                "hits": int(first["term_hits"]),
                "documents": int(first["term_documents"]),
                "doc_share": first["term_documents"] / first["corpus_documents"],
                "dp": value,
                "dp_norm": normalised,
                "parts": len(group),
            }
        )
    frame = pd.DataFrame(out, columns=COLUMNS)
    return frame.sort_values(["dp", "term"], ignore_index=True)
