"""Frequencies over time: hits, rates per million words, document shares, the two indices.

The arithmetic lives in the database, so researchers querying the file and this module get
the same numbers: `period_documents` gives the per-document, per-period rows, `trend_groups`
sums them and computes the measures with `trend_measures` (the formulas, once; the
bootstrap in analysis/uncertainty.py uses them too), `term_trend` counts terms over the
same documents (all in corpus/schema.sql). Definitions:
- rate per million = 1,000,000 x hits / English word tokens (n_words) in the period;
- document share = documents with at least one hit / documents in the period;
- naming index (the headline) = market role hits / (market + relational role hits): of the
  words naming the people served (lexicon category `role`), the share that are market words;
- register index (column market_share_index) = market hits / (market + relational hits),
  over every category;
each empty when its denominator is 0.
Undated documents form their own row with an empty period.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from marketspeak.corpus.sql import load_sql

PERIODS = ("year", "quarter", "month")
GROUPINGS = ("all", "source", "kind")
# Trend columns renamed in schema version 13 (new name: old name). The site's charts and
# data files keep the old names until 0.3, so that readers of the published files are not
# broken by a release that changed no number; the schema keeps them as deprecated columns.
PUBLISHED_NAMES = {"n_words": "n_tokens"}


def _check_period(period: str) -> None:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")


def trend(con: duckdb.DuckDBPyConnection, period: str = "year", by: str = "all") -> pd.DataFrame:
    """One row per period (and source or kind of source, with `by`): n_documents, n_words
    (English word tokens, the rates' denominator), market_hits, relational_hits,
    market_per_million, relational_per_million, market_doc_share, relational_doc_share,
    market_share_index (the register index), market_role_hits, relational_role_hits,
    naming_index. `period_start` is the first
    day of the period, NaT when undated. `by` is 'all', 'source' or 'kind'."""
    _check_period(period)
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    frame = con.execute(load_sql("marketspeak.analysis", "sql/trend.sql"), [period, by]).df()
    dropped = {"all": ["source", "source_kind"], "kind": ["source"], "source": []}[by]
    return frame.drop(columns=dropped)


def term_trend(con: duckdb.DuckDBPyConnection, period: str = "year") -> pd.DataFrame:
    """One row per period and term used: lexicon, term, hits, per_million, doc_share."""
    _check_period(period)
    return con.execute(load_sql("marketspeak.analysis", "sql/term_trend.sql"), [period]).df()


def period_label(value: object, period: str) -> str:
    """'2012', '2012-Q3' or '2012-07' for a period start; 'undated' for none."""
    if value is None or pd.isna(value):
        return "undated"
    stamp = pd.Timestamp(value)
    if period == "year":
        return f"{stamp.year}"
    if period == "quarter":
        return f"{stamp.year}-Q{stamp.quarter}"
    return f"{stamp.year}-{stamp.month:02d}"
