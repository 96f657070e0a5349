"""Coverage: documents and word tokens per source and period, and where they jump or fall.

A change in a source's index can be a change in language, or a change in what was
collected: a site redesign that hides an archive, a lost year, a new section of press
releases. This module counts what each source contributes per period and flags the
periods where that changes sharply, so an artefact is not read as a change in language.

Counts come from trend_groups(period, 'source') (source_document_counts): a text two
sources carry counts for each, as the trends by source do. Only dated documents are
placed in periods; undated ones are in no trend and not here.

The rule. A source's span runs from its first to its last period with a dated document;
every period of the span is listed, those without documents with 0. Each period is
compared with the median m of the documents in the source's *other* periods that have
documents (a period is never compared with itself), when there are at least MIN_OTHER
(2) such periods:
- `jump`: more than FACTOR (3) times m documents;
- `fall`: some documents, but fewer than m / FACTOR;
- `gap`: no documents, between two periods that have them, where m is at least
  MIN_GAP_MEDIAN (3): a source that publishes one document a period often has none by
  chance (Poisson with mean 1 gives 0 in 37% of periods; with mean 3, 5%).
Periods before a source's first document or after its last are not flagged: a source
whose archive starts late cannot be told apart from one that lost its early years.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from marketspeak.analysis.frequency import period_label, trend

FACTOR = 3.0
MIN_OTHER = 2
MIN_GAP_MEDIAN = 3.0
FLAGS = ("jump", "fall", "gap")
PERIOD_FREQ = {"year": "YS", "quarter": "QS", "month": "MS"}


def _span(starts: pd.Series, period: str) -> pd.DatetimeIndex:
    return pd.date_range(starts.min(), starts.max(), freq=PERIOD_FREQ[period])


def coverage_flag(n: int, others: list[int]) -> tuple[str, float]:
    """The flag ('jump', 'fall', 'gap' or '') of a period of a source's span with `n`
    documents against the documents of the source's other periods in its span (`others`;
    those with none are left out of the median), and that median (NaN when too few). A
    period of the span lies between two with documents, as the span runs from the first
    to the last."""
    others = [o for o in others if o > 0]
    if len(others) < MIN_OTHER:
        return "", float("nan")
    median = float(np.median(others))
    if n == 0:
        return ("gap" if median >= MIN_GAP_MEDIAN else ""), median
    if n > FACTOR * median:
        return "jump", median
    if n < median / FACTOR:
        return "fall", median
    return "", median


def coverage(con: duckdb.DuckDBPyConnection, period: str = "year") -> pd.DataFrame:
    """One row per source and period of its span (see the module docstring): source,
    source_kind, period_start, n_documents, n_words, median_other (the median documents
    of the source's other periods with documents), flag ('jump', 'fall', 'gap' or '')
    and note (the flag in words). `period` is 'year', 'quarter' or 'month'."""
    if period not in PERIOD_FREQ:
        raise ValueError(f"period must be year, quarter or month, not {period!r}")
    frame = trend(con, period, "source")
    return coverage_of(frame[frame["period_start"].notna()], period)


def coverage_of(frame: pd.DataFrame, period: str = "year") -> pd.DataFrame:
    """coverage() from trend rows per source (period_start, source, source_kind,
    n_documents, n_words)."""
    columns = ["source", "source_kind", "period_start", "n_documents", "n_words"]
    out = []
    for source, rows in frame.groupby("source", sort=True):
        starts = pd.to_datetime(rows["period_start"])
        counted = rows.assign(period_start=starts).set_index("period_start")
        span = _span(starts, period)
        docs = counted["n_documents"].reindex(span, fill_value=0).astype(int)
        tokens = counted["n_words"].reindex(span, fill_value=0).fillna(0).astype(int)
        kind = rows["source_kind"].dropna().iloc[0] if rows["source_kind"].notna().any() else ""
        values = docs.tolist()
        for i, start in enumerate(span):
            others = values[:i] + values[i + 1 :]
            flag, median = coverage_flag(values[i], others)
            out.append(
                {
                    "source": source,
                    "source_kind": kind,
                    "period_start": start,
                    "n_documents": values[i],
                    "n_words": int(tokens.iloc[i]),
                    "median_other": median,
                    "flag": flag,
                    "note": _note(flag, values[i], median, period),
                }
            )
    result = pd.DataFrame(out, columns=[*columns, "median_other", "flag", "note"])
    return result.astype({"n_documents": "int64", "n_words": "int64"})


def _note(flag: str, n: int, median: float, period: str) -> str:
    if not flag:
        return ""
    if flag == "gap":
        return f"no documents, between {period}s with them (median {median:g} a {period})"
    documents = f"{n} document" + ("" if n == 1 else "s")
    if flag == "jump":
        return f"{documents}, over {FACTOR:g} times the median {median:g} of its other {period}s"
    return f"{documents}, under 1/{FACTOR:g} of the median {median:g} of its other {period}s"


def flagged(frame: pd.DataFrame, period: str = "year") -> list[dict]:
    """The flagged rows of coverage() as dicts (source, period, flag, documents, median,
    note), for the methods page."""
    return [
        {
            "source": r.source,
            "period": period_label(r.period_start, period),
            "flag": r.flag,
            "documents": int(r.n_documents),
            "median": f"{r.median_other:g}",
            "note": r.note,
        }
        for r in frame[frame["flag"] != ""].itertuples()
    ]


def summary(frame: pd.DataFrame, period: str = "year") -> str:
    """One sentence on coverage(): how many periods are flagged, and the first few."""
    if frame.empty:
        return "No dated documents yet."
    rows = flagged(frame, period)
    if not rows:
        return (
            f"{frame['source'].nunique()} sources; no {period} where a source's documents "
            "jump, fall or stop."
        )
    shown = ", ".join(f"{r['source']} {r['period']} ({r['flag']})" for r in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return f"{len(rows)} flagged: {shown}{more}; see the methods page."
