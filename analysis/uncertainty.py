"""How sure a trend is: bootstrap confidence intervals that resample documents.

Within each period the documents are drawn with replacement `n_boot` times (seeded, so the
same seed gives the same intervals); each draw's rates, naming index and register index
(market_share_index) are computed by the formulas the point estimates use (the macro
`trend_measures` in corpus/schema.sql, over the sums of the drawn documents), and the 2.5th
and 97.5th percentiles of the draws bound the 95% interval (the percentile bootstrap, Efron
& Tibshirani 1993). The documents resampled are the rows trend() sums
(`period_documents(period, group_by)`). Resampling documents rather than tokens respects
that words in one document are not independent. Periods with fewer than `min_words`
English word tokens (n_words) are flagged `sparse`: their numbers are shown but should not
be read as certain. Resamples are drawn in batches, so memory stays a few MB however many
documents a period has.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from marketspeak.analysis.frequency import trend

# The rows trend() sums, per document and period (a text two sources carry is in both
# sources' groups), ordered so that the same seed draws the same documents whatever order a
# scan returns.
PERIOD_DOCUMENTS = """
SELECT * FROM period_documents(?, ?) ORDER BY doc_id, source, source_kind
"""
# Each resample's measures from its sums, by the formulas of trend()'s point estimates.
RESAMPLE_MEASURES = """
SELECT unnest(trend_measures(n_words, market_hits, relational_hits,
                             market_role_hits, relational_role_hits))
FROM resampled_sums
"""
GROUP_COLUMN = {"all": None, "source": "source", "kind": "source_kind"}
MEASURES = ("market_per_million", "relational_per_million", "market_share_index", "naming_index")
# The per-document counts each resample sums, in the order resampled_sums returns them.
COUNTS = ("n_words", "market_hits", "relational_hits", "market_role_hits", "relational_role_hits")
# More columns of a trend per period, from its trend row and its resamples' sums.
PeriodColumns = Callable[[Any, list[np.ndarray]], dict[str, float]]
# Document indexes drawn at once (8 MB): a period of 30,000 documents resampled 1,000 times
# would otherwise hold 30 million indexes and as many gathered values.
BATCH_DRAWS = 1_000_000
# Resamples whose measures one query computes (10 MB of sums): a query costs about 15 ms
# however few its rows, so one per period would take longer than the resampling itself.
MEASURE_BATCH = 250_000


def resampled_sums(
    columns: Sequence[np.ndarray],
    rng: np.random.Generator,
    n_boot: int,
    batch_draws: int = BATCH_DRAWS,
) -> list[np.ndarray]:
    """Each per-document column (words, hits ...) summed over each of `n_boot` resamples of
    the documents: one array of `n_boot` sums per column, all from the same draws.

    The resamples are drawn a batch of rows at a time, so memory is about `batch_draws`
    indexes whatever the period's size. numpy's generator keeps its unused random bits in
    its own state between calls, so the batches draw exactly the indexes one
    `rng.integers(0, n, size=(n_boot, n))` call would: the same seed gives the same
    intervals as drawing everything at once (a test checks this)."""
    n = len(columns[0])
    rows = max(1, batch_draws // max(n, 1))
    sums = [np.empty(n_boot) for _ in columns]
    for start in range(0, n_boot, rows):
        stop = min(n_boot, start + rows)
        draws = rng.integers(0, n, size=(stop - start, n))
        for total, column in zip(sums, columns, strict=True):
            total[start:stop] = column[draws].sum(axis=1)
    return sums


def bootstrap_period(
    con: duckdb.DuckDBPyConnection,
    counts: Sequence[np.ndarray],
    rng: np.random.Generator,
    n_boot: int,
) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of the MEASURES for one period's documents, from their
    per-document COUNTS (words, market, relational, market role and relational role hits).
    `con` is a marketspeak database: its schema holds the measures' formulas."""
    samples = measure_samples(con, resampled_sums(counts, rng, n_boot))
    return {name: percentile_interval(sample) for name, sample in samples.items()}


def measure_samples(
    con: duckdb.DuckDBPyConnection, sums: Sequence[np.ndarray]
) -> dict[str, np.ndarray]:
    """Each of the MEASURES over resamples, from their sums of the COUNTS (NaN where a
    resample has no denominator), computed by the schema's trend_measures: the formulas
    live once, in SQL, and the point estimates and their intervals cannot drift apart."""
    con.register("resampled_sums", pa.table(dict(zip(COUNTS, sums, strict=True))))
    try:
        measured = con.execute(RESAMPLE_MEASURES).df()
    finally:
        con.unregister("resampled_sums")
    return {name: measured[name].to_numpy(float) for name in MEASURES}


def index_share(part: Any, other: Any) -> np.ndarray:
    """part / (part + other) elementwise, NaN where part + other is 0: the schema's
    index_share macro, the form of both indices, for numpy code that computes them without
    the database (analysis.changes' series, the audit's corrected naming index). A test
    checks it against the macro to the digit."""
    part = np.asarray(part, float)
    total = part + np.asarray(other, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total != 0, part / total, np.nan)


def per_million(hits: Any, words: Any) -> np.ndarray:
    """1e6 * hits / words elementwise, NaN where words is 0: the schema's per_million
    macro, for numpy code that computes rates without the database (analysis.changes'
    series). A test checks it against the macro to the digit."""
    hits = np.asarray(hits, float)
    words = np.asarray(words, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(words != 0, 1e6 * hits / words, np.nan)


def percentile_interval(sample: np.ndarray) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of the resampled values that are defined (NaN
    where a resample had no denominator), or NaN twice when none is."""
    sample = sample[~np.isnan(sample)]
    if not len(sample):
        return (np.nan, np.nan)
    return (float(np.percentile(sample, 2.5)), float(np.percentile(sample, 97.5)))


def add_intervals(
    con: duckdb.DuckDBPyConnection,
    periods: list[list[np.ndarray]],
    bounds: dict[str, list[float]],
) -> None:
    """Append to `bounds` the `<measure>_low` and `_high` of each period in turn, from its
    resamples' sums of the COUNTS (the same number of resamples for every period), computing
    the measures of all the periods' resamples in one query."""
    if not periods:
        return
    n_boot = len(periods[0][0])
    samples = measure_samples(
        con, [np.concatenate(column) for column in zip(*periods, strict=True)]
    )
    for k in range(len(periods)):
        for measure, sample in samples.items():
            low, high = percentile_interval(sample[k * n_boot : (k + 1) * n_boot])
            bounds[f"{measure}_low"].append(low)
            bounds[f"{measure}_high"].append(high)


def trend_with_ci(
    con: duckdb.DuckDBPyConnection,
    period: str = "year",
    n_boot: int = 1000,
    seed: int = 0,
    min_words: int = 10_000,
    by: str = "all",
    extra: PeriodColumns | None = None,
) -> pd.DataFrame:
    """trend() plus `<measure>_low` / `<measure>_high` (95% bootstrap) and `sparse`, for
    all sources together or per source or kind of source (`by`, as in trend()). `extra`,
    called with each period's trend row and its resamples' sums of the COUNTS, gives more
    columns from the same resamples (analysis.audit's corrected naming index)."""
    frame = trend(con, period, by)
    docs = con.execute(PERIOD_DOCUMENTS, [period, by]).df()
    group_column = GROUP_COLUMN[by]
    rng = np.random.default_rng(seed)
    bounds: dict[str, list[float]] = {f"{m}_{end}": [] for m in MEASURES for end in ("low", "high")}
    pending: list[list[np.ndarray]] = []
    for row in frame.itertuples(index=False):
        start = row.period_start
        rows = (
            docs[docs["period_start"].isna()]
            if pd.isna(start)
            else docs[docs["period_start"] == start]
        )
        if group_column is not None:
            rows = rows[rows[group_column] == getattr(row, group_column)]
        sums = resampled_sums([rows[c].to_numpy(float) for c in COUNTS], rng, n_boot)
        for name, value in (extra(row, sums) if extra else {}).items():
            bounds.setdefault(name, []).append(value)
        pending.append(sums)
        if len(pending) * n_boot >= MEASURE_BATCH:
            add_intervals(con, pending, bounds)
            pending = []
    add_intervals(con, pending, bounds)
    for name, values in bounds.items():
        frame[name] = values
    frame["sparse"] = frame["n_words"] < min_words
    return frame
