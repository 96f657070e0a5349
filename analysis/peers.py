"""Peers: each source's naming index against all sources pooled, with funnel-plot limits.

A funnel plot puts each source's naming index (market role hits / (market + relational
role hits)) against the number of role-word hits it rests on, with control limits around
the pooled proportion p of all sources together. A source with few role words can stray
far from p by chance; one with many cannot, so the limits narrow as n grows. A source
outside the 99.8% limits differs from its peers by more than chance would give about once
in 500 sources (once in 1,000 on each side); outside the 95% limits, about once in 20.

Counts per source come from trend_groups(..., 'source') (source_document_counts): a text
two sources carry counts once for each, as the trends by source do. The pooled proportion
is the sum of every source's market role hits over the sum of their role hits, so it is
the weighted mean of the points plotted (a shared text weighs once per source carrying it).
Only dated documents are counted (undated ones are in no trend), within the years
`year_from`..`year_to` when given.

Limits. `method="exact"` (the default) uses exact binomial limits: for n role hits the
upper limit is k/n with k = the (1 - tail) quantile of Binomial(n, p) (scipy.stats.binom
.ppf), the lower limit the tail quantile, with tail 0.025 for the 95% limits and 0.001 for
the 99.8% ones; a source is above a limit when its market role hits exceed k, below when
they are under the lower quantile, so a source drawn from the pooled proportion is flagged
above (or below) with probability at most the tail. The per-source counts here are often
tens of hits, where the normal approximation is poor. `method="normal"` gives the normal
approximation p ± z·sqrt(p(1-p)/n) with z = 1.96 and 3.09, clipped to [0, 1], and flags a
source whose index lies strictly outside it.
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from marketspeak.analysis.frequency import trend

METHODS = ("exact", "normal")
# (column suffix, label, z of the normal approximation, tail probability on each side for
# the exact limits)
LIMITS = (("95", "95%", 1.96, 0.025), ("998", "99.8%", 3.09, 0.001))
FLAGS = ("above 99.8%", "above 95%", "within", "below 95%", "below 99.8%")
NO_ROLE_WORDS = "no role words"


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")


def control_limits(p: float, n, z: float, tail: float, method: str = "exact"):
    """The (lower, upper) control limits of a proportion of `n` trials around `p`, as
    proportions (arrays when `n` is an array). exact: binomial quantiles at `tail` and
    1 - `tail`, divided by n; normal: p ± z·sqrt(p(1-p)/n), clipped to [0, 1]."""
    _check_method(method)
    n = np.asarray(n, dtype=float)
    if method == "normal":
        half = z * np.sqrt(p * (1 - p) / n)
        return np.clip(p - half, 0, 1), np.clip(p + half, 0, 1)
    low = stats.binom.ppf(tail, n, p) / n
    high = stats.binom.ppf(1 - tail, n, p) / n
    return low, high


def flag(x: int, n: int, p: float, method: str = "exact") -> str:
    """Where x market role hits of n role hits lie against the limits around p."""
    _check_method(method)
    if n == 0:
        return NO_ROLE_WORDS
    for _, label, z, tail in reversed(LIMITS):  # the outer limits first
        if method == "exact":
            above = x > stats.binom.ppf(1 - tail, n, p)
            below = x < stats.binom.ppf(tail, n, p)
        else:
            low, high = control_limits(p, n, z, tail, "normal")
            above, below = x / n > high, x / n < low
        if above:
            return f"above {label}"
        if below:
            return f"below {label}"
    return "within"


def source_totals(
    con: duckdb.DuckDBPyConnection, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """Per source: n_documents, n_words, market and relational role hits over its dated
    documents in the years year_from..year_to (both included; open when None)."""
    frame = trend(con, "year", "source")
    frame = frame[frame["period_start"].notna()]
    years = pd.to_datetime(frame["period_start"]).dt.year
    if year_from is not None:
        frame = frame[years >= year_from]
    if year_to is not None:
        frame = frame[years.loc[frame.index] <= year_to]
    counts = ["n_documents", "n_words", "market_role_hits", "relational_role_hits"]
    frame = frame.assign(source_kind=frame["source_kind"].fillna(""))
    totals = frame.groupby(["source", "source_kind"], as_index=False)[counts].sum()
    return totals.astype({c: "int64" for c in counts})


def peers(
    con: duckdb.DuckDBPyConnection,
    year_from: int | None = None,
    year_to: int | None = None,
    method: str = "exact",
) -> pd.DataFrame:
    """One row per source: source, source_kind, n_documents, n_words, market_role_hits,
    relational_role_hits, role_hits (their sum, the funnel's x), naming_index, pooled_index
    (all sources), low_95, high_95, low_998, high_998 (the limits at this source's n),
    p_value (two-sided exact binomial test of its market role hits against the pooled
    index) and flag (one of FLAGS, or 'no role words'). Sorted by naming index, highest
    first."""
    if year_from is not None and year_to is not None and year_from > year_to:
        raise ValueError(f"--from {year_from} is after --to {year_to}")
    return funnel(source_totals(con, year_from, year_to), method)


def funnel(totals: pd.DataFrame, method: str = "exact") -> pd.DataFrame:
    """peers() from per-source counts (columns market_role_hits, relational_role_hits)."""
    _check_method(method)
    frame = totals.copy()
    frame["role_hits"] = frame["market_role_hits"] + frame["relational_role_hits"]
    n_all = int(frame["role_hits"].sum())
    pooled = frame["market_role_hits"].sum() / n_all if n_all else math.nan
    frame["naming_index"] = frame["market_role_hits"] / frame["role_hits"].where(
        frame["role_hits"] > 0
    )
    frame["pooled_index"] = pooled
    has = frame["role_hits"] > 0
    for name, _, z, tail in LIMITS:
        low = pd.Series(math.nan, index=frame.index)
        high = pd.Series(math.nan, index=frame.index)
        if n_all and has.any():
            lo, hi = control_limits(pooled, frame.loc[has, "role_hits"], z, tail, method)
            low[has], high[has] = lo, hi
        frame[f"low_{name}"], frame[f"high_{name}"] = low, high
    frame["p_value"] = [
        stats.binomtest(int(x), int(n), pooled).pvalue if n and n_all else math.nan
        for x, n in zip(frame["market_role_hits"], frame["role_hits"], strict=True)
    ]
    frame["flag"] = [
        flag(int(x), int(n), pooled, method) if n_all else NO_ROLE_WORDS
        for x, n in zip(frame["market_role_hits"], frame["role_hits"], strict=True)
    ]
    return frame.sort_values(
        ["naming_index", "source"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)


def funnel_curves(pooled: float, n_max: int, method: str = "exact", points: int = 120):
    """The limit curves for a chart: one row per n (1 up to n_max, every integer while
    few, then spaced evenly on a log scale), limit ('95%' or '99.8%'), side ('lower' or
    'upper') and value (a proportion)."""
    if n_max < 1 or pooled != pooled:
        return pd.DataFrame(columns=["n", "limit", "side", "value"])
    if n_max <= points:
        grid = np.arange(1, n_max + 1)
    else:
        grid = np.unique(np.round(np.geomspace(1, n_max, points)).astype(int))
    rows = []
    for _, label, z, tail in LIMITS:
        low, high = control_limits(pooled, grid, z, tail, method)
        for side, values in (("lower", low), ("upper", high)):
            rows += [
                {"n": int(n), "limit": label, "side": side, "value": float(v)}
                for n, v in zip(grid, values, strict=True)
            ]
    return pd.DataFrame(rows)


def summary(frame: pd.DataFrame) -> str:
    """One sentence on peers(): the pooled index and the sources outside the limits."""
    rated = frame[frame["flag"] != NO_ROLE_WORDS]
    if rated.empty:
        return "No source has role words yet."
    text = f"All {len(rated)} sources together: naming index {rated['pooled_index'].iloc[0]:.0%}."
    outside = [
        f"{r.source} ({r.naming_index:.0%}, {r.flag})"
        for r in rated.itertuples()
        if r.flag in ("above 99.8%", "below 99.8%")
    ]
    if outside:
        return f"{text} Outside the 99.8% limits: {', '.join(outside)}."
    return f"{text} No source is outside the 99.8% limits (none differs beyond chance)."
