"""Audit: how good each count is on this corpus, measured by hand labels of a sample of hits.

`sample()` draws a stratified random sample of hits (a fixed number per term, and per
period when asked), counted and set-aside hits alike, from current documents, with about
25 tokens of context either side, for a person to label COUNT, NAME, OTHER or ERROR
(LABELLING.md in the shared data explains each). `read_labels()` checks a labelled file,
`store_labels()` keeps its labels in `audit_labels` with the lexicon and rule versions they
were made under, and `score()` turns the stored labels into the precision of every count.

Each hit has an id that survives a re-run of the pipeline: a hash of its document's id
(itself the start of the SHA-256 of the document's text), the position of its first token
and its term. It starts with the letter h so that a spreadsheet never reads it as a number.

Scores (per lexicon and term, and per period with `period`):
- precision: of the labelled hits the measures count, the share labelled COUNT, with a
  Wilson 95% interval (Wilson 1927);
- missed: of the labelled hits a rule set aside, the share labelled COUNT (hits that
  should have counted);
- corrected: the counted hits of the term times its precision.
A lexicon's (or its role words') precision weights each term by its counted hits over its
labelled counted hits, so the sample stands for the corpus; its interval is Wilson's at the
weighted sample's effective size (Kish: (sum of weights)^2 / sum of squared weights).
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from marketspeak.analysis.uncertainty import index_share, percentile_interval
from marketspeak.corpus.sql import load_sql

LABELS = ("COUNT", "NAME", "OTHER", "ERROR")
COLUMNS = [
    "hit_id",
    "term",
    "lexicon",
    "category",
    "counted",
    "excluded_by",
    "published",
    "source",
    "url",
    "left",
    "match",
    "right",
    "label",
]
CONTEXT = 25  # tokens either side, about what LABELLING.md asks to read
Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal

# hit_id from the document id, the first token's position and the term, all stable.
HIT_ID = "'h' || substr(sha256(h.doc_id || ':' || h.position::VARCHAR || ':' || h.term), 1, 16)"

PERIOD_CHOICES = ("year", "quarter", "month")

HITS = f"""
SELECT {HIT_ID} AS hit_id, h.doc_id, h.position, h.n_tokens, h.lexicon, h.term, h.category,
       h.counted, h.excluded_by, d.published, d.trend_date, d.source, d.url
FROM hit_status h JOIN current_documents d USING (doc_id)
"""  # noqa: S608 (HIT_ID is a constant above)


class AuditError(ValueError):
    """A labelled file that cannot be stored: names the file and the line."""


def period_of(value: object, period: str | None) -> str:
    """A hit's period label from its document's trend date ('undated' without one)."""
    from marketspeak.analysis.frequency import period_label

    if period is None:
        return ""
    return period_label(value, period)


def all_hits(con: duckdb.DuckDBPyConnection, period: str | None = None) -> pd.DataFrame:
    """Every hit in current documents, counted or set aside, with its id (and period)."""
    if period is not None and period not in PERIOD_CHOICES:
        raise ValueError(f"period must be one of {', '.join(PERIOD_CHOICES)}")
    frame = con.execute(HITS).df()
    frame["period"] = [period_of(v, period) for v in frame["trend_date"]]
    return frame


def sample(
    con: duckdb.DuckDBPyConnection,
    per_term: int = 20,
    period: str | None = None,
    seed: int = 0,
    width: int = CONTEXT,
) -> pd.DataFrame:
    """A stratified random sample: up to `per_term` hits of each term (of each term in each
    period with `period`), drawn from all its hits in current documents, counted or set
    aside. The same database and seed give the same sample; rows are in term order, then
    period, then hit id. Columns: COLUMNS (label empty)."""
    if per_term < 1:
        raise ValueError("--per-term must be 1 or more")
    hits = all_hits(con, period).sort_values(["lexicon", "term", "period", "hit_id"])
    rng = random.Random(seed)
    keep: list[pd.DataFrame] = []
    for _, stratum in hits.groupby(["lexicon", "term", "period"], sort=True):
        if len(stratum) > per_term:
            rows = sorted(rng.sample(range(len(stratum)), per_term))
            stratum = stratum.iloc[rows]
        keep.append(stratum)
    chosen = pd.concat(keep) if keep else hits.iloc[0:0]
    frame = chosen.reset_index(drop=True)
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    con.register("audit_sample", frame[["hit_id", "doc_id", "position", "n_tokens"]])
    try:
        context = con.execute(
            load_sql("marketspeak.analysis", "sql/audit_context.sql"), {"width": width}
        ).df()
    finally:
        con.unregister("audit_sample")
    frame = frame.merge(context, on="hit_id", how="left")
    frame["published"] = [
        "" if pd.isna(v) else pd.Timestamp(v).date().isoformat() for v in frame["published"]
    ]
    frame["label"] = ""
    frame["counted"] = frame["counted"].astype(bool)
    for column in ("left", "match", "right"):
        frame[column] = frame[column].fillna("")
    return frame[COLUMNS]


def csv_safe(value: object) -> object:
    """Crawled text must not become a spreadsheet formula: as the measure commands' CSV,
    a cell starting with =, +, -, @, a tab or a carriage return gets a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_sample_csv(frame: pd.DataFrame, out) -> None:
    """The sample as CSV, formula-safe, `counted` as true/false."""
    frame = frame.assign(counted=["true" if v else "false" for v in frame["counted"]])
    frame.map(csv_safe).to_csv(out, index=False, columns=COLUMNS, lineterminator="\n")


# --- labels ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    hit_id: str
    label: str
    line: int


def read_labels(path: Path) -> list[Label]:
    """The labelled rows of a sample file (rows with an empty label are not labelled yet).
    A label other than COUNT, NAME, OTHER or ERROR (any case), a missing hit id, a hit id
    given twice or a file without hit_id and label columns raise AuditError naming the file
    and line."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise AuditError(f"{path}: cannot read ({exc.strerror})") from exc
    labels: list[Label] = []
    seen: dict[str, int] = {}
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in ("hit_id", "label") if c not in header]
        if missing:
            raise AuditError(f"{path}:1: no {' or '.join(missing)} column")
        try:
            for row in reader:
                line = reader.line_num
                hit_id = (row.get("hit_id") or "").strip().lstrip("'")
                label = (row.get("label") or "").strip().upper()
                if not label:
                    continue
                if label not in LABELS:
                    raise AuditError(
                        f"{path}:{line}: label {label!r} is not one of {', '.join(LABELS)}"
                    )
                if not hit_id:
                    raise AuditError(f"{path}:{line}: a label without a hit_id")
                if hit_id in seen:
                    raise AuditError(
                        f"{path}:{line}: hit {hit_id} labelled again (first on line {seen[hit_id]})"
                    )
                seen[hit_id] = line
                labels.append(Label(hit_id, label, line))
        except csv.Error as exc:
            raise AuditError(f"{path}:{reader.line_num}: not readable CSV ({exc})") from exc
    return labels


# The new labels (new_labels registered) with their hits' status, document and the
# lexicon versions in use ($file: the labelled file's name; $at: when).
STORE = f"""
INSERT INTO audit_labels
SELECT l.hit_id, h.doc_id, h.position, h.lexicon, h.term, h.category, l.label, h.counted,
       h.excluded_by, $file, lv.versions, coalesce(d.lexicon_versions, ''), $at
FROM new_labels l
JOIN (SELECT {HIT_ID} AS hit_id, h.* FROM hit_status h) h USING (hit_id)
JOIN documents d ON d.doc_id = h.doc_id
CROSS JOIN (SELECT coalesce(string_agg(lexicon || '@' || version, ' ' ORDER BY lexicon), '')
                AS versions
            FROM (SELECT DISTINCT lexicon, version FROM lexicon_terms)) lv
"""  # noqa: S608 (HIT_ID is a constant above)
# The hit ids of new_labels that name a hit of this database.
KNOWN_HITS = f"""
SELECT {HIT_ID} FROM term_hits h WHERE {HIT_ID} IN (SELECT hit_id FROM new_labels)
"""  # noqa: S608 (HIT_ID is a constant above)
# A hit labelled again keeps only its newest label.
CLEAR_RELABELLED = "DELETE FROM audit_labels WHERE hit_id IN (SELECT hit_id FROM new_labels)"


def store_labels(con: duckdb.DuckDBPyConnection, labels: Sequence[Label], path: Path) -> int:
    """Store the labels (replacing earlier labels of the same hits), all or none: a hit id
    not in the database raises AuditError naming the file and line, and nothing is stored."""
    from marketspeak.corpus.db import transaction, utcnow

    frame = pd.DataFrame(
        {"hit_id": [x.hit_id for x in labels], "label": [x.label for x in labels]},
        columns=["hit_id", "label"],
    )
    with transaction(con, new_labels=frame):
        known = {row[0] for row in con.execute(KNOWN_HITS).fetchall()}
        for x in labels:
            if x.hit_id not in known:
                raise AuditError(f"{path}:{x.line}: hit {x.hit_id} is not in this database")
        con.execute(CLEAR_RELABELLED)
        con.execute(STORE, {"file": Path(path).name, "at": utcnow()})
    return len(labels)


# --- scores ---------------------------------------------------------------------------


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (successes of n); (nan, nan) when n is 0.
    n may be an effective (non-integer) sample size."""
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


# A database from before schema version 12 has no audit_labels table.
HAS_LABEL_TABLE = "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'audit_labels'"
COUNT_LABELS = "SELECT count(*) FROM audit_labels"


def has_labels(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database holds any audit labels."""
    exists = con.execute(HAS_LABEL_TABLE).fetchone()[0]
    return bool(exists) and con.execute(COUNT_LABELS).fetchone()[0] > 0


# Counted and all hits per term and period, and the labelled hits with their status now:
# labels join their hits by document, position and term (what the hit id is made of).
HIT_COUNTS = """
SELECT h.lexicon, h.term, h.category, date_trunc($period, d.trend_date) AS period_start,
       count(*) AS hits, count(*) FILTER (WHERE h.counted) AS counted_hits
FROM hit_status h JOIN current_documents d USING (doc_id)
GROUP BY ALL
"""
LABELLED = """
SELECT a.hit_id, h.lexicon, h.term, h.category, h.counted, h.excluded_by, a.label,
       date_trunc($period, d.trend_date) AS period_start
FROM audit_labels a
JOIN hit_status h ON h.doc_id = a.doc_id AND h.position = a.position AND h.term = a.term
JOIN current_documents d ON d.doc_id = h.doc_id
"""


def labelled_hits(con: duckdb.DuckDBPyConnection, period: str | None = None):
    """Hits per lexicon, term, category and period (`hits`, `counted_hits`), and the stored
    labels of hits in current documents with each hit's status now: a label says what the
    hit is, so labels made before a rule changed still score the rules in use."""
    params = {"period": period or "year"}
    counts = con.execute(HIT_COUNTS, params).df()
    counts["period"] = [period_of(v, period) for v in counts["period_start"]]
    if not has_labels(con):
        labelled = pd.DataFrame(
            columns=[
                "hit_id",
                "lexicon",
                "term",
                "category",
                "counted",
                "excluded_by",
                "label",
                "period",
            ]
        ).astype({"counted": bool})
        return counts, labelled
    labelled = con.execute(LABELLED, params).df()
    labelled["period"] = [period_of(v, period) for v in labelled["period_start"]]
    labelled["counted"] = labelled["counted"].astype(bool)
    return counts, labelled


SCORE_COLUMNS = [
    "lexicon",
    "term",
    "period",
    "n_labelled",
    "n_counted_labelled",
    "precision",
    "precision_low",
    "precision_high",
    "n_set_aside_labelled",
    "missed_share",
    "counted_hits",
    "corrected_count",
]


def _term_row(key: dict, hits: pd.DataFrame, labelled: pd.DataFrame) -> dict:
    counted = labelled[labelled["counted"]]
    aside = labelled[~labelled["counted"]]
    good = int((counted["label"] == "COUNT").sum())
    n = len(counted)
    precision = good / n if n else math.nan
    low, high = wilson(good, n)
    n_hits = int(hits["counted_hits"].sum())
    return {
        **key,
        "n_labelled": len(labelled),
        "n_counted_labelled": n,
        "precision": precision,
        "precision_low": low,
        "precision_high": high,
        "n_set_aside_labelled": len(aside),
        "missed_share": (aside["label"] == "COUNT").mean() if len(aside) else math.nan,
        "counted_hits": n_hits,
        "corrected_count": n_hits * precision if n else math.nan,
    }


def pooled(hits: pd.DataFrame, labelled: pd.DataFrame) -> dict:
    """Weighted precision over several terms (each labelled counted hit weighs its term's
    counted hits over its term's labelled counted hits), Wilson at the effective size."""
    key = ["lexicon", "term"]
    counted_hits = hits.groupby(key)["counted_hits"].sum()
    counted = labelled[labelled["counted"]]
    per_term = counted.groupby(key).size()
    ratio = (counted_hits / per_term).dropna()
    weights = np.array(
        [
            ratio.get((lx, t), 0.0)
            for lx, t in zip(counted["lexicon"], counted["term"], strict=True)
        ],
        dtype=float,
    )
    good = (counted["label"] == "COUNT").to_numpy()
    aside = labelled[~labelled["counted"]]
    n_hits = int(hits["counted_hits"].sum())
    row = {
        "n_labelled": len(labelled),
        "n_counted_labelled": len(counted),
        "n_set_aside_labelled": len(aside),
        "missed_share": (aside["label"] == "COUNT").mean() if len(aside) else math.nan,
        "counted_hits": n_hits,
    }
    if not len(counted) or weights.sum() <= 0:
        nothing = ("precision", "precision_low", "precision_high", "corrected_count")
        return {**row, **dict.fromkeys(nothing, math.nan), "n_effective": 0.0}
    precision = float((weights * good).sum() / weights.sum())
    n_eff = float(weights.sum() ** 2 / (weights**2).sum())
    low, high = wilson(precision * n_eff, n_eff)
    return {
        **row,
        "precision": precision,
        "precision_low": low,
        "precision_high": high,
        # Terms with no labelled counted hit are corrected at the pooled precision.
        "corrected_count": n_hits * precision,
        "n_effective": n_eff,
    }


ALL_TERMS = "(labelled terms)"
ROLE_WORDS = "(role words)"


def score(con: duckdb.DuckDBPyConnection, period: str | None = None) -> pd.DataFrame:
    """Per lexicon and term (and period): SCORE_COLUMNS; with, per lexicon, a row for all
    its labelled terms and one for its labelled role words (the naming index's), weighted
    as the module docstring says. Only terms with labelled hits are listed."""
    hits, labelled = labelled_hits(con, period)
    rows = []
    for (lexicon, term, when), group in labelled.groupby(["lexicon", "term", "period"]):
        scope = hits[
            (hits["lexicon"] == lexicon) & (hits["term"] == term) & (hits["period"] == when)
        ]
        rows.append(_term_row({"lexicon": lexicon, "term": term, "period": when}, scope, group))
    for (lexicon, when), group in labelled.groupby(["lexicon", "period"]):
        scope = hits[(hits["lexicon"] == lexicon) & (hits["period"] == when)]
        for name, keep_hits, keep_labels in (
            (ALL_TERMS, scope, group),
            (ROLE_WORDS, scope[scope["category"] == "role"], group[group["category"] == "role"]),
        ):
            if keep_labels.empty:
                continue
            # Pool only over terms with labels: their hits are what the precision stands for.
            terms = set(keep_labels["term"])
            covered = keep_hits[keep_hits["term"].isin(terms)]
            row = pooled(covered, keep_labels)
            # A precision stands for the terms labelled, so the row counts their hits only:
            # labelling the role words says nothing of "unit cost".
            row["counted_hits"] = int(covered["counted_hits"].sum())
            if not math.isnan(row["precision"]):
                row["corrected_count"] = row["counted_hits"] * row["precision"]
            row.pop("n_effective")
            rows.append({"lexicon": lexicon, "term": name, "period": when, **row})
    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    if frame.empty:
        return frame
    frame["_order"] = frame["term"].map({ALL_TERMS: 0, ROLE_WORDS: 1}).fillna(2)
    frame = frame.sort_values(["lexicon", "_order", "term", "period"]).drop(columns="_order")
    return frame.reset_index(drop=True)


# --- the naming index with its precision uncertain -------------------------------------


def role_precision(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[float, float]]:
    """Per lexicon, its role words' weighted precision and effective labelled size."""
    hits, labelled = labelled_hits(con)
    out = {}
    for lexicon in ("market", "relational"):
        keep = labelled[(labelled["lexicon"] == lexicon) & (labelled["category"] == "role")]
        if keep.empty:
            continue
        scope = hits[(hits["lexicon"] == lexicon) & hits["term"].isin(set(keep["term"]))]
        row = pooled(scope, keep)
        if not math.isnan(row["precision"]):
            out[lexicon] = (row["precision"], row["n_effective"])
    return out


# The naming index, plain and audited, each with its 95% interval: the columns of an
# audited naming index row.
INDEX_COLUMNS = (
    "naming_index",
    "naming_index_low",
    "naming_index_high",
    "audited_naming_index",
    "audited_low",
    "audited_high",
)


def _audited(
    mr_all: np.ndarray,
    rr_all: np.ndarray,
    precision: dict[str, tuple[float, float]],
    rng: np.random.Generator,
    n_boot: int,
) -> dict:
    """The naming index of these documents' role-word counts, plain and corrected, each
    with its 95% percentile interval (see audited_naming_index)."""
    from marketspeak.analysis.uncertainty import resampled_sums

    m, r = mr_all.sum(), rr_all.sum()
    nothing = dict.fromkeys(INDEX_COLUMNS, math.nan)
    if not len(mr_all) or m + r == 0:
        return nothing
    mr, rr = resampled_sums([mr_all, rr_all], rng, n_boot)
    draws = {
        lexicon: rng.beta(1 + p * n_eff, 1 + (1 - p) * n_eff, size=n_boot)
        for lexicon, (p, n_eff) in sorted(precision.items())
    }
    pm, pr = precision["market"][0], precision["relational"][0]
    values = index_share(draws["market"] * mr, draws["relational"] * rr)
    plain = index_share(mr, rr)
    (plain_low, plain_high), (low, high) = percentile_interval(plain), percentile_interval(values)
    return {
        "naming_index": float(index_share(m, r)),
        "naming_index_low": plain_low,
        "naming_index_high": plain_high,
        "audited_naming_index": float(index_share(pm * m, pr * r)),
        "audited_low": low,
        "audited_high": high,
    }


# Each dated document's role-word counts and period, for the document bootstrap.
AUDITED_DOCUMENTS = """
SELECT date_trunc($period, trend_date) AS period_start, market_role_hits, relational_role_hits
FROM document_counts WHERE trend_date IS NOT NULL ORDER BY doc_id
"""


def audited_naming_index(
    con: duckdb.DuckDBPyConnection, n_boot: int = 1000, seed: int = 0
) -> dict | None:
    """The naming index over every counted, dated document, corrected by the audited
    precision of each lexicon's role words, with a 95% interval carrying both the document
    sampling (documents resampled, as analysis/uncertainty.py) and the labelling sample
    (each resample draws each lexicon's precision from its Beta posterior, uniform prior, at
    the effective labelled size). None unless both lexicons' role words are audited."""
    precision = role_precision(con)
    if set(precision) != {"market", "relational"}:
        return None
    docs = con.execute(AUDITED_DOCUMENTS, {"period": "year"}).df()
    mr_all, rr_all = (docs[c].to_numpy(float) for c in COUNT_COLUMNS)
    if not len(docs) or mr_all.sum() + rr_all.sum() == 0:
        return None
    return _audited(mr_all, rr_all, precision, np.random.default_rng(seed), n_boot)


COUNT_COLUMNS = ("market_role_hits", "relational_role_hits")


def audited_naming_trend(
    con: duckdb.DuckDBPyConnection, period: str = "year", n_boot: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """audited_naming_index per period (dated documents): each period's documents are
    resampled, and every period is corrected by the role words' precision over all labels
    (a period's own labels are usually too few to correct it alone). Empty unless both
    lexicons' role words are audited."""
    from marketspeak.analysis.frequency import period_label

    columns = ["period", *INDEX_COLUMNS]
    precision = role_precision(con)
    if set(precision) != {"market", "relational"}:
        return pd.DataFrame(columns=columns)
    docs = con.execute(AUDITED_DOCUMENTS, {"period": period}).df()
    rng = np.random.default_rng(seed)
    rows = []
    for start, group in docs.groupby("period_start", sort=True):
        counts = [group[c].to_numpy(float) for c in COUNT_COLUMNS]
        row = _audited(*counts, precision, rng, n_boot)
        rows.append({"period": period_label(start, period), **row})
    return pd.DataFrame(rows, columns=columns)


# --- what the site prints -------------------------------------------------------------

# Per chart, what it counts: (lexicons, role words only). Charts not listed count both
# lexicons' hits of every kind.
CHART_COUNTS = {
    "naming-index": (("market", "relational"), True),
    "kind-index": (("market", "relational"), True),
    "source-index": (("market", "relational"), True),
    "peers": (("market", "relational"), True),
    "compounds": (("market",), False),
}
ALL_LEXICONS = (("market", "relational"), False)


def audit_note(
    con: duckdb.DuckDBPyConnection,
    lexicons: Iterable[str] = ("market", "relational"),
    role_only: bool = False,
) -> str:
    """'audited: precision 0.93 (0.88–0.96), 240 hits labelled' for the hits a chart counts
    (these lexicons' hits, or their role words'), or 'not audited'."""
    if not has_labels(con):
        return "not audited"
    hits, labelled = labelled_hits(con)
    lexicons = set(lexicons)
    keep = labelled[labelled["lexicon"].isin(lexicons)]
    scope = hits[hits["lexicon"].isin(lexicons)]
    if role_only:
        keep, scope = keep[keep["category"] == "role"], scope[scope["category"] == "role"]
    if keep.empty:
        return "not audited"
    # Each lexicon weighs its terms by their hits; pooling across lexicons does too.
    row = pooled(scope[scope["term"].isin(set(keep["term"]))], keep)
    if math.isnan(row["precision"]):
        return f"audited: no counted hit among the {len(keep):,} hits labelled"
    return (
        f"audited: precision {row['precision']:.2f} ({row['precision_low']:.2f}–"
        f"{row['precision_high']:.2f}), {len(keep):,} hits labelled"
    )


def chart_audit_note(con: duckdb.DuckDBPyConnection, chart: str) -> str:
    lexicons, role_only = CHART_COUNTS.get(chart, ALL_LEXICONS)
    return audit_note(con, lexicons, role_only)


def methods_table(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The per-term audit table of the methods page, formatted (empty when not audited)."""
    if not has_labels(con):
        return []
    frame = score(con)

    def fmt(value: float, spec: str = ".2f") -> str:
        return "" if value is None or value != value else format(value, spec)

    return [
        {
            "lexicon": r.lexicon,
            "term": r.term,
            "n": f"{int(r.n_labelled):,}",
            "precision": fmt(r.precision),
            "interval": (
                f"{fmt(r.precision_low)}–{fmt(r.precision_high)}"
                if r.precision == r.precision
                else ""
            ),
            "missed": fmt(r.missed_share),
            "counted": f"{int(r.counted_hits):,}",
            "corrected": fmt(r.corrected_count, ",.0f"),
        }
        for r in frame.itertuples(index=False)
    ]


# --- the site's naming-index trend, plain and audited from one bootstrap ----------------

AUDITED_COLUMNS = ("audited_naming_index", "audited_low", "audited_high")


def trend_with_audit(
    con: duckdb.DuckDBPyConnection,
    period: str = "year",
    n_boot: int = 1000,
    seed: int = 0,
    min_words: int = 10_000,
) -> pd.DataFrame:
    """analysis.uncertainty.trend_with_ci(con, period) for all sources together, and, when
    both lexicons' role words are audited, the naming index per period corrected by their
    precision over all labels (audited_naming_index = p_m M / (p_m M + p_r R) of the
    period's market and relational role hits M and R) with its 95% interval
    (audited_low, audited_high). Both intervals come from the same document resamples, so
    the site bootstraps once: each resample's sums give the plain measures, and, with each
    lexicon's precision drawn from its Beta posterior (as audited_naming_index), the
    corrected index. The precisions are drawn from a generator of their own, so the plain
    intervals are trend_with_ci's to the digit with the same seed. Without labels of both
    lexicons' role words it is trend_with_ci's frame, unchanged."""
    from marketspeak.analysis import uncertainty

    precision = role_precision(con)
    if set(precision) != {"market", "relational"}:
        return uncertainty.trend_with_ci(con, period, n_boot, seed, min_words)
    beta_rng = np.random.default_rng([seed, 1])
    (pm, nm), (pr, nr) = precision["market"], precision["relational"]

    def audited(row, sums: list[np.ndarray]) -> dict[str, float]:
        mr, rr = sums[3], sums[4]  # the resamples' market and relational role hits
        draw_m = beta_rng.beta(1 + pm * nm, 1 + (1 - pm) * nm, size=len(mr))
        draw_r = beta_rng.beta(1 + pr * nr, 1 + (1 - pr) * nr, size=len(rr))
        low, high = percentile_interval(index_share(draw_m * mr, draw_r * rr))
        market, relational = float(row.market_role_hits), float(row.relational_role_hits)
        point = float(index_share(pm * market, pr * relational))
        return dict(zip(AUDITED_COLUMNS, (point, low, high), strict=True))

    return uncertainty.trend_with_ci(con, period, n_boot, seed, min_words, extra=audited)
