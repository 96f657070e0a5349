"""Which changes are real: a trend test for every lexicon term and for both indices.

For each series (each term's rate per million word tokens, the naming index and the
register index, per year or quarter):

- slope: the Theil-Sen estimator (Sen 1968): the median of the slopes between every pair of
  periods, in units per year (a quarter is a quarter of a year), robust to one odd period.
- trend test: Mann-Kendall (Mann 1945, Kendall 1975): S = sum over pairs of periods i < j of
  sign(value_j - value_i), its variance n(n-1)(2n+5)/18 less the tie correction
  sum t(t-1)(2t+5)/18 over groups of t tied values, and the two-sided normal p-value with a
  continuity correction (|S| - 1). S is Kendall's tau between time and value times the number
  of pairs; without the continuity correction the p-value is scipy's kendalltau's.
- document resampling, so that a few long documents cannot make a trend: within each period
  the documents are drawn with replacement `n_boot` times (seeded), the per-period values are
  recomputed from the drawn documents' sums (as the point values are) and so are the slope
  and S. The slope's 95% interval (`slope_low`, `slope_high`) spans both Sen's rank interval
  (how the periods scatter about the line) and the 2.5th to 97.5th percentiles of the
  resampled slopes (how much the documents behind each period move it). The p-value is the
  larger of the Mann-Kendall p-value and a document-resampling p-value,
  2 Phi(-|mean(S*)| / sd(S*)) over the resamples' S*, how far their S stays from 0 (the
  normal approximation of twice the share of resamples with S* on the other side of 0,
  which needs no more resamples for small p-values): a trend counts only when the periods
  rise or fall together (Mann-Kendall, which permutes whole periods) and when that ordering
  survives redrawing their documents. The larger of two p-values is a valid p-value when
  either is, so this is never more liberal than Mann-Kendall alone.
- q: Benjamini-Hochberg q-values across every series tested (terms and both indices);
  `significant` is q <= fdr.
- change point (the naming index only): Pettitt's test (Pettitt 1979): U_t = sum over
  i <= t < j of sign(value_j - value_i), K = max |U_t|; the change is after the period where
  |U_t| peaks; the p-value is from `n_perm` random orders of the periods (and Pettitt's
  approximation 2 exp(-6K^2 / (n^3 + n^2)) is given beside it).

Periods with fewer than `min_words` (10,000) word tokens, those analysis.uncertainty flags
`sparse`, are left out of every series, as are undated documents; an index is left out of a
period where its denominator is 0. Each row says how many periods were used and which were
left out. A series with fewer than 3 periods, or no hit in the periods kept, is not tested.

A term absent from most periods (`periods_without_hits`) can change significantly, because
it appears or disappears, while its Theil-Sen slope and interval are 0: most pairs of
periods are two zeros, so the median slope is 0. Read such a row as "used only from (or
until) some period", not as a steady rise.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import duckdb
import numpy as np
import pandas as pd

from marketspeak.analysis.frequency import period_label
from marketspeak.analysis.uncertainty import index_share, per_million

MIN_PERIODS = 3
NAMING = "naming index"
REGISTER = "register index"
INDICES = (NAMING, REGISTER)
# Per-document counts behind the two indices, in this order in the document matrix.
COUNTS = ("n_words", "market_hits", "relational_hits", "market_role_hits", "relational_role_hits")
BATCH_DRAWS = 1_000_000  # document indexes drawn at once (8 MB), as in analysis.uncertainty
_NORMAL = NormalDist()

DOCUMENTS = """
SELECT doc_id, period_start,
       n_words, market_hits, relational_hits, market_role_hits, relational_role_hits
FROM period_documents(?, 'all')
ORDER BY doc_id
"""
TERM_HITS = """
SELECT h.doc_id, h.lexicon, h.term, count(*) AS hits
FROM english_hits h JOIN english_documents d USING (doc_id)
GROUP BY ALL
ORDER BY h.doc_id, h.lexicon, h.term
"""


# --- the statistics -------------------------------------------------------------------


def theil_sen(x: np.ndarray, y: np.ndarray, confidence: float = 0.95):
    """(slope, low, high): the median pairwise slope and Sen's (1968) rank interval, the
    same numbers as scipy.stats.theilslopes(y, x, confidence)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    dx = x[:, None] - x
    dy = y[:, None] - y
    slopes = np.sort(dy[dx > 0] / dx[dx > 0])
    if not len(slopes):
        return np.nan, np.nan, np.nan
    z = _NORMAL.inv_cdf((1 - confidence) / 2)  # negative
    n = len(y)
    sigma = np.sqrt((n * (n - 1) * (2 * n + 5) - _ties(x) - _ties(y)) / 18)
    upper = min(int(np.round((len(slopes) - z * sigma) / 2)), len(slopes) - 1)
    lower = max(int(np.round((len(slopes) + z * sigma) / 2)) - 1, 0)
    return float(np.median(slopes)), float(slopes[lower]), float(slopes[upper])


def _ties(values: np.ndarray) -> float:
    """sum t(t-1)(2t+5) over the groups of t equal values."""
    _, t = np.unique(values, return_counts=True)
    return float(np.sum(t * (t - 1) * (2 * t + 5)))


def mann_kendall(y: np.ndarray, continuity: bool = True):
    """(S, variance of S, two-sided p) for values in time order, with the tie correction."""
    y = np.asarray(y, float)
    n = len(y)
    s = float(np.sum(np.sign(y[None, :] - y[:, None])[np.triu_indices(n, 1)]))
    var = (n * (n - 1) * (2 * n + 5) - _ties(y)) / 18
    return s, var, _normal_p(s, var, continuity)


def _normal_p(s: float, var: float, continuity: bool) -> float:
    if var <= 0 or s == 0:
        return 1.0
    z = (abs(s) - (1 if continuity else 0)) / np.sqrt(var)
    return float(min(1.0, 2 * (1 - _NORMAL.cdf(z))))


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values (adjusted p-values); NaN stays NaN and is not counted."""
    p = np.asarray(p, float)
    q = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    if not len(tested):
        return q
    order = tested[np.argsort(p[tested], kind="stable")]
    m = len(order)
    scaled = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    return q


def pettitt(y: np.ndarray):
    """(t, K, approximate p): Pettitt's change point. The first t values form the first
    segment (|U_t| peaks there); K = max |U_t|; p ~ 2 exp(-6K^2 / (n^3 + n^2))."""
    y = np.asarray(y, float)
    u = np.abs(_pettitt_u(y))
    n = len(y)
    k = float(u.max())
    return int(np.argmax(u)) + 1, k, float(min(1.0, 2 * np.exp(-6 * k**2 / (n**3 + n**2))))


def _rises(y: np.ndarray) -> np.ndarray:
    """Per value, sum over every other value y_j of sign(y_j - y_i): those above less
    those below."""
    ordered = np.sort(y)
    above = len(y) - np.searchsorted(ordered, y, "right")
    return (above - np.searchsorted(ordered, y, "left")).astype(float)


def _pettitt_u(y: np.ndarray) -> np.ndarray:
    """U_t for t = 1 .. n-1: sum over i < t <= j of sign(y_j - y_i) (0-based), which is
    the running sum of _rises, the pairs inside the first segment cancelling."""
    return np.cumsum(_rises(y))[:-1]


def pettitt_permutation_p(y: np.ndarray, rng: np.random.Generator, n_perm: int = 1999) -> float:
    """Share of `n_perm` random orders of the values whose K is at least the observed one
    (the observed order counted among them)."""
    y = np.asarray(y, float)
    rises = _rises(y)  # a value's rises do not depend on where it stands
    k = np.abs(np.cumsum(rises)[:-1]).max()
    orders = np.argsort(rng.random((n_perm, len(y))), axis=1)
    ks = np.abs(np.cumsum(rises[orders], axis=1)[:, :-1]).max(axis=1)
    return float((1 + np.sum(ks >= k - 1e-9)) / (n_perm + 1))


def _pair_slopes_and_s(x: np.ndarray, values: np.ndarray, batch: int = 2_000_000):
    """For each row of `values` (one resample's per-period values, NaN where undefined):
    the Theil-Sen slope and the Mann-Kendall S over the pairs both of whose values exist.
    Rows are taken a batch at a time, about `batch` pairs, so memory stays small."""
    i, j = np.triu_indices(len(x), 1)
    dx = x[j] - x[i]
    slope, s = np.empty(len(values)), np.empty(len(values))
    rows = max(1, batch // max(len(i), 1))
    for start in range(0, len(values), rows):
        part = values[start : start + rows]
        diff = part[:, j] - part[:, i]
        s[start : start + rows] = np.nansum(np.sign(diff), axis=1)
        slopes = diff / dx
        if np.isnan(slopes).any():
            with np.errstate(all="ignore"):
                slope[start : start + rows] = np.nanmedian(slopes, axis=1)
        else:
            slope[start : start + rows] = _median_rows(slopes)
    return slope, s


def _median_rows(rows: np.ndarray) -> np.ndarray:
    """np.median(rows, axis=1) for rows without NaN, partitioning in place."""
    m = rows.shape[1]
    middle = [(m - 1) // 2, m // 2]
    rows.partition(middle, axis=1)
    return (rows[:, middle[0]] + rows[:, middle[1]]) / 2


# --- the series -----------------------------------------------------------------------


def period_years(starts: pd.Series) -> np.ndarray:
    """A period's first day as a year with its fraction (2012-07-01 -> 2012.5)."""
    stamps = pd.to_datetime(starts)
    return (stamps.dt.year + (stamps.dt.month - 1) / 12).to_numpy(float)


def _values(sums: np.ndarray, n_terms: int) -> np.ndarray:
    """Per-period values from summed counts (..., COUNTS + terms): the term rates per
    million, then the naming index and the register index (NaN where undefined)."""
    words, market, relational = sums[..., 0], sums[..., 1], sums[..., 2]
    market_role, relational_role = sums[..., 3], sums[..., 4]
    rates = per_million(sums[..., 5 : 5 + n_terms], words[..., None])
    naming = index_share(market_role, relational_role)
    register = index_share(market, relational)
    return np.concatenate([rates, naming[..., None], register[..., None]], axis=-1)


def _resampled_sums(matrix: np.ndarray, rng: np.random.Generator, n_boot: int) -> np.ndarray:
    """(n_boot, columns): the column sums of `n_boot` resamples (with replacement) of the
    rows, drawn a batch at a time so memory stays small however many documents."""
    n = len(matrix)
    out = np.empty((n_boot, matrix.shape[1]))
    rows = max(1, BATCH_DRAWS // max(n, 1))
    for start in range(0, n_boot, rows):
        stop = min(n_boot, start + rows)
        draws = rng.integers(0, n, size=(stop - start, n))
        draws += (np.arange(stop - start) * n)[:, None]
        weights = np.bincount(draws.ravel(), minlength=(stop - start) * n).reshape(-1, n)
        out[start:stop] = weights @ matrix
    return out


def changes_from_counts(
    documents: pd.DataFrame,
    hits: pd.DataFrame,
    period: str = "year",
    n_boot: int = 1000,
    seed: int = 0,
    min_words: int = 10_000,
    fdr: float = 0.05,
    n_perm: int = 1999,
) -> pd.DataFrame:
    """The trend of every term and of both indices, from per-document counts.

    `documents`: one row per document: doc_id, period_start (NaT when undated), n_words,
    market_hits, relational_hits, market_role_hits, relational_role_hits. `hits`: doc_id,
    lexicon, term, hits (a document's counted hits of a term). One row per series: term,
    lexicon ('index' for the two indices), slope (per year), slope_low, slope_high, p, q,
    significant, and the numbers behind them (see the module docstring)."""
    docs = documents.reset_index(drop=True)
    starts = pd.to_datetime(docs["period_start"])
    terms, matrix = _document_matrix(docs, hits)
    periods = sorted(starts[starts.notna()].unique())
    tokens = {p: matrix[(starts == p).to_numpy(), 0].sum() for p in periods}
    kept = [p for p in periods if tokens[p] >= min_words]
    sparse = [p for p in periods if tokens[p] < min_words]
    values, boot_values = _period_values(matrix, starts, kept, len(terms), seed, n_boot)
    context = _Periods(
        kept=kept,
        x=period_years(pd.Series(kept)),
        period=period,
        left_out=_left_out(sparse, int(starts.isna().sum()), period, min_words),
    )
    names = [*terms["term"], *INDICES]
    lexicons = [*terms["lexicon"], "index", "index"]
    rows = []
    for k, (name, lexicon) in enumerate(zip(names, lexicons, strict=True)):
        row = _series(context, name, lexicon, values[:, k], boot_values[:, :, k])
        if name == NAMING and row["n_periods"] >= MIN_PERIODS:
            row.update(_change_point(context, values[:, k], seed, n_perm))
        rows.append(row)
    return _tested(pd.DataFrame(rows), fdr, n_boot)


def _document_matrix(docs: pd.DataFrame, hits: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The terms (lexicon, term, sorted) and one row per document: its COUNTS, then its
    hits of each term in that order."""
    terms = (
        hits[["lexicon", "term"]].drop_duplicates().sort_values(["lexicon", "term"])
        if len(hits)
        else pd.DataFrame({"lexicon": [], "term": []})
    )
    term_index = {t: k for k, t in enumerate(terms["term"])}
    matrix = np.zeros((len(docs), len(COUNTS) + len(terms)))
    matrix[:, : len(COUNTS)] = docs[list(COUNTS)].to_numpy(float)
    if len(hits):
        row_of = pd.Series(np.arange(len(docs)), index=docs["doc_id"])
        known = hits[hits["doc_id"].isin(row_of.index)]
        np.add.at(
            matrix,
            (
                row_of[known["doc_id"]].to_numpy(),
                len(COUNTS) + known["term"].map(term_index).to_numpy(),
            ),
            known["hits"].to_numpy(float),
        )
    return terms, matrix


def _period_values(
    matrix: np.ndarray, starts: pd.Series, kept: list, n_terms: int, seed: int, n_boot: int
) -> tuple[np.ndarray, np.ndarray]:
    """(kept periods, series) values and their (n_boot, kept periods, series) resamples,
    each period's documents redrawn in turn from one generator seeded with `seed`."""
    n_series = n_terms + 2
    if not kept:
        return np.zeros((0, n_series)), np.zeros((n_boot, 0, n_series))
    rng = np.random.default_rng(seed)
    sums = np.zeros((len(kept), matrix.shape[1]))
    boot = np.zeros((n_boot, len(kept), matrix.shape[1]))
    for k, p in enumerate(kept):
        block = matrix[(starts == p).to_numpy()]
        sums[k] = block.sum(axis=0)
        boot[:, k] = _resampled_sums(block, rng, n_boot)
    return _values(sums, n_terms), _values(boot, n_terms)


def _left_out(sparse: list, undated: int, period: str, min_words: int) -> list[str]:
    """What every series leaves out: the sparse periods and the undated documents."""
    left = []
    if sparse:
        labels = ", ".join(period_label(p, period) for p in sparse)
        left.append(f"{len(sparse)} sparse period(s) under {min_words:,} words: {labels}")
    if undated:
        left.append(f"{undated} undated document(s)")
    return left


@dataclass(frozen=True)
class _Periods:
    """The periods every series is tested over: kept (first days), x (as years), the
    period's name and the notes on what was left out."""

    kept: list
    x: np.ndarray
    period: str
    left_out: list[str]


def _series(
    context: _Periods, name: str, lexicon: str, values: np.ndarray, boot: np.ndarray
) -> dict:
    """One series' row: its test over the periods where it has a value, and which periods
    those were."""
    use = ~np.isnan(values)
    row = _series_row(context.x[use], values[use], boot[:, use], lexicon != "index")
    pairs = list(zip(context.kept, use, strict=True))
    undefined = [period_label(p, context.period) for p, ok in pairs if not ok]
    notes = list(context.left_out)
    if undefined:
        notes.append(f"no role words / hits for the index in: {', '.join(undefined)}")
    used = [p for p, ok in pairs if ok]
    row.update(
        term=name,
        lexicon=lexicon,
        first_period=period_label(used[0], context.period) if used else "",
        last_period=period_label(used[-1], context.period) if used else "",
        left_out="; ".join(notes),
    )
    return row


def _change_point(context: _Periods, values: np.ndarray, seed: int, n_perm: int) -> dict:
    """Pettitt's change point of a series over the periods where it has a value."""
    use = ~np.isnan(values)
    used = [p for p, ok in zip(context.kept, use, strict=True) if ok]
    t, _, p_approx = pettitt(values[use])
    return {
        "change_point": period_label(used[t], context.period),
        "change_point_p": pettitt_permutation_p(values[use], np.random.default_rng(seed), n_perm),
        "change_point_p_pettitt": p_approx,
    }


def _tested(frame: pd.DataFrame, fdr: float, n_boot: int) -> pd.DataFrame:
    """The series' rows with their q-values across all series tested, in COLUMNS order."""
    frame["q"] = benjamini_hochberg(frame["p"].to_numpy(float))
    frame["significant"] = (frame["q"] <= fdr).to_numpy()
    frame["n_boot"] = n_boot
    for column in ("change_point", "change_point_p", "change_point_p_pettitt"):
        if column not in frame:
            frame[column] = np.nan
    frame["change_point"] = (
        frame["change_point"].astype(object).where(frame["change_point"].notna(), "")
    )
    return frame[list(COLUMNS)]


COLUMNS = (
    "term",
    "lexicon",
    "slope",
    "slope_low",
    "slope_high",
    "p",
    "q",
    "significant",
    "change",
    "change_low",
    "change_high",
    "change_unit",
    "n_periods",
    "periods_without_hits",
    "first_period",
    "last_period",
    "mean_value",
    "s",
    "p_mann_kendall",
    "p_resampled",
    "sen_low",
    "sen_high",
    "resampled_low",
    "resampled_high",
    "n_boot",
    "change_point",
    "change_point_p",
    "change_point_p_pettitt",
    "left_out",
)


def _series_row(x: np.ndarray, v: np.ndarray, boot: np.ndarray, is_rate: bool) -> dict:
    """The slope, interval and tests of one series (its kept periods' values and their
    resamples, NaN where a resample leaves the value undefined)."""
    n = len(v)
    row = dict.fromkeys(COLUMNS, np.nan)
    row.update(
        n_periods=n,
        change_unit="% of mean rate per year" if is_rate else "percentage points per year",
    )
    if is_rate:
        row["periods_without_hits"] = int(np.sum(v == 0))
    if n < MIN_PERIODS or (is_rate and not np.any(v > 0)):
        return row
    slope, sen_low, sen_high = theil_sen(x, v)
    s, var, p_mk = mann_kendall(v)
    boot_slope, boot_s = _pair_slopes_and_s(x, boot)
    resampled_low, resampled_high = np.nanpercentile(boot_slope, [2.5, 97.5])
    centre, spread = float(np.mean(boot_s)), float(np.std(boot_s))
    if spread == 0:
        p_resampled = 1.0 if centre == 0 else 0.0
    else:
        p_resampled = 2 * (1 - _NORMAL.cdf(abs(centre) / spread))
    low, high = min(sen_low, resampled_low), max(sen_high, resampled_high)
    mean = float(np.mean(v))
    scale = (100 / mean if mean > 0 else np.nan) if is_rate else 100.0
    row.update(
        slope=slope,
        slope_low=low,
        slope_high=high,
        p=max(p_mk, p_resampled),
        s=s,
        p_mann_kendall=p_mk,
        p_resampled=p_resampled,
        sen_low=sen_low,
        sen_high=sen_high,
        resampled_low=float(resampled_low),
        resampled_high=float(resampled_high),
        mean_value=mean,
        change=slope * scale,
        change_low=low * scale,
        change_high=high * scale,
    )
    return row


def changes(
    con: duckdb.DuckDBPyConnection,
    period: str = "year",
    n_boot: int = 1000,
    seed: int = 0,
    min_words: int = 10_000,
    fdr: float = 0.05,
) -> pd.DataFrame:
    """changes_from_counts over the database's counted documents and hits (the documents
    and hits trend() and term_trend() count)."""
    if period not in ("year", "quarter", "month"):
        raise ValueError(f"period must be year, quarter or month, not {period!r}")
    documents = con.execute(DOCUMENTS, [period]).df()
    hits = con.execute(TERM_HITS).df()
    return changes_from_counts(documents, hits, period, n_boot, seed, min_words, fdr)


def summary(frame: pd.DataFrame, fdr: float = 0.05) -> str:
    """One sentence for the site: how many series were tested and which changed."""
    tested = frame[frame["p"].notna()]
    if tested.empty:
        return (
            "No term or index has 3 periods of 10,000 word tokens or more yet, so no change "
            "is tested."
        )
    changed = tested[tested["significant"]].sort_values("q")
    if changed.empty:
        return f"{len(tested)} series tested; none changed clearly (false discovery rate {fdr})."

    def part(row) -> str:
        unit = "points" if row["lexicon"] == "index" else "% of its mean rate"
        return f"{row['term']} ({row['change']:+.1f} {unit} a year, q = {row['q']:.3f})"

    listed = ", ".join(part(row) for _, row in changed.head(6).iterrows())
    more = f" and {len(changed) - 6} more" if len(changed) > 6 else ""
    return (
        f"{len(changed)} of {len(tested)} series tested changed (false discovery rate "
        f"{fdr}): {listed}{more}."
    )
