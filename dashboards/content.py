"""What the site says besides its charts, read from the database: the corpus in numbers,
the per-period document index behind the drill-down, the methods page's tables, a KWIC
sample and the top collocates per period. Every function returns plain rows; escaping is
the templates' job.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import duckdb
import pandas as pd

from marketspeak.analysis.frequency import period_label

CORPUS_SUMMARY = """
SELECT count(*) AS documents,
       count(*) FILTER (WHERE trend_date IS NULL) AS undated,
       count(DISTINCT source) AS sources,
       coalesce(sum(n_words), 0) AS tokens,
       (SELECT strftime(max(last_seen), '%Y-%m-%d') FROM documents) AS last_crawl
FROM current_documents WHERE n_words IS NOT NULL
"""

# The documents behind each period of a trend, most hits first, at most $limit a period.
# Parameters: $period ('year', 'quarter', 'month'), $limit.
DOCUMENT_INDEX = """
SELECT date_trunc($period, c.published) AS period_start, d.title, d.url, c.source,
       c.published, c.market_hits, c.relational_hits,
       count(*) OVER (PARTITION BY date_trunc($period, c.published)) AS total
FROM document_counts c JOIN current_documents d USING (doc_id)
WHERE c.published IS NOT NULL
QUALIFY row_number() OVER (
    PARTITION BY date_trunc($period, c.published)
    ORDER BY c.market_hits + c.relational_hits DESC, c.published, c.doc_id) <= $limit
ORDER BY period_start, c.market_hits + c.relational_hits DESC, c.published, c.doc_id
"""

DATE_PROVENANCE = """
SELECT coalesce(d.date_source, 'none') AS date_source,
       coalesce(ds.reliable, false) AS trusted,
       coalesce(ds.meaning, 'no date found') AS meaning,
       count(*) AS documents
FROM current_documents d LEFT JOIN date_sources ds USING (date_source)
WHERE d.n_words IS NOT NULL
GROUP BY ALL ORDER BY documents DESC, date_source
"""

# Per source and language other than English (a text counts for every source serving it,
# as in the per-source trends): the current documents with text in it, the
# documents with no English at all (left out of every rate), and the words set aside,
# beside the source's words in all. A source with nothing set aside has one row with a
# NULL language.
LANGUAGES_SET_ASIDE = """
WITH source_words AS (
    SELECT ds.source, count(*) AS documents, coalesce(sum(d.n_words), 0) AS words
    FROM current_documents d JOIN document_sources ds USING (doc_id)
    WHERE d.n_words IS NOT NULL
    GROUP BY ds.source
), other AS (
    SELECT ds.source, sp.language, count(DISTINCT sp.doc_id) AS documents,
           count(DISTINCT sp.doc_id) FILTER (WHERE l.english_words = 0) AS whole_documents,
           sum(sp.n_words) AS words
    FROM language_spans sp
    JOIN document_sources ds USING (doc_id)
    LEFT JOIN document_languages l USING (doc_id)
    GROUP BY ALL
)
SELECT s.source, o.language, s.documents AS source_documents, s.words AS source_words,
       coalesce(o.documents, 0) AS documents, coalesce(o.whole_documents, 0) AS whole_documents,
       coalesce(o.words, 0) AS words
FROM source_words s LEFT JOIN other o USING (source)
ORDER BY s.source, o.words DESC NULLS LAST, o.language
"""

# Per source and lexicon: the hits every measure counts, and those set aside, by the rule
# that set them aside (hit_status: name, formula:..., sense:..., language, boilerplate,
# duplicate). A text counts for every source serving it, as in the per-source trends.
HITS_SET_ASIDE = """
WITH per_hit AS (
    SELECT ds.source, h.lexicon,
           CASE WHEN h.excluded_by = '' THEN 'counted' ELSE h.excluded_by END AS reason
    FROM hit_status h JOIN document_sources ds USING (doc_id)
), per_reason AS (
    SELECT source, lexicon, reason, count(*) AS hits FROM per_hit GROUP BY source, lexicon, reason
)
SELECT * FROM per_reason
ORDER BY source, lexicon, reason <> 'counted', hits DESC, reason
"""

LEXICON_TERMS = """
SELECT lexicon, version, category, term, array_to_string(variants, ', ') AS variants
FROM lexicon_terms ORDER BY lexicon, category, term
"""


def safe_url(url: str | None) -> str:
    """Only http(s) links reach a page; anything else (javascript:, data:) becomes '#'."""
    return url if url and urlsplit(url).scheme in ("http", "https") else "#"


def corpus_summary(con: duckdb.DuckDBPyConnection) -> dict:
    names = ["documents", "undated", "sources", "tokens", "last_crawl"]
    return dict(zip(names, con.execute(CORPUS_SUMMARY).fetchone(), strict=True))


def document_index(con: duckdb.DuckDBPyConnection, period: str, limit: int = 100) -> dict:
    """{period label: {total, items: [{title, url, source, published, market, relational}]}}"""
    index: dict[str, dict] = {}
    rows = con.execute(DOCUMENT_INDEX, {"period": period, "limit": limit}).fetchall()
    for start, title, url, source, published, market, relational, total in rows:
        entry = index.setdefault(period_label(start, period), {"total": total, "items": []})
        entry["items"].append(
            {
                "title": title or "",
                "url": safe_url(url),
                "source": source,
                "published": published.isoformat() if published else "",
                "market": int(market),
                "relational": int(relational),
            }
        )
    return index


def date_provenance(con: duckdb.DuckDBPyConnection) -> list[dict]:
    frame = con.execute(DATE_PROVENANCE).df()
    total = frame["documents"].sum() or 1
    frame["share"] = [f"{n / total:.0%}" for n in frame["documents"]]
    return frame.to_dict("records")


def languages_set_aside(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Per source and language: the text in languages other than English that no rate
    counts, as documents and words and as a share of the source's words."""
    rows = []
    for record in con.execute(LANGUAGES_SET_ASIDE).df().to_dict("records"):
        rows.append(
            {
                "source": record["source"],
                "language": record["language"] if isinstance(record["language"], str) else "none",
                "documents": f"{int(record['documents']):,} of {int(record['source_documents']):,}",
                "whole_documents": f"{int(record['whole_documents']):,}",
                "words": f"{int(record['words']):,}",
                "share": f"{record['words'] / max(int(record['source_words']), 1):.1%}",
            }
        )
    return rows


def hits_set_aside(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Per source and lexicon: counted hits first, then each reason hits were set aside,
    with its share of the source's hits in that lexicon."""
    frame = con.execute(HITS_SET_ASIDE).df()
    totals = frame.groupby(["source", "lexicon"])["hits"].transform("sum")
    return [
        {
            "source": row.source,
            "lexicon": row.lexicon,
            "reason": row.reason,
            "hits": f"{int(row.hits):,}",
            "share": f"{row.hits / total:.1%}",
        }
        for row, total in zip(frame.itertuples(index=False), totals, strict=True)
    ]


def lexicon_terms(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return con.execute(LEXICON_TERMS).df().to_dict("records")


def corpus_by_source(trend_by_source: pd.DataFrame, period: str) -> list[dict]:
    """Documents and tokens per period and source, for the methods page."""
    rows = []
    for record in trend_by_source.to_dict("records"):
        rows.append(
            {
                "period": period_label(record["period_start"], period),
                "source": record["source"],
                "kind": record["source_kind"] or "",
                "documents": int(record["n_documents"]),
                "tokens": f"{int(record['n_words'] or 0):,}",
            }
        )
    return rows


def kwic_sample(con: duckdb.DuckDBPyConnection, term: str, size: int = 20) -> list[dict]:
    """A reproducible random sample of concordance lines (seed 0), links made safe."""
    from marketspeak.analysis.kwic import kwic

    frame = kwic(con, term, width=8, sample=size, seed=0)
    rows = frame.to_dict("records")
    for row in rows:
        row["url"] = safe_url(row["url"])
        row["published"] = row["published"].isoformat() if row["published"] else "undated"
    return rows


def top_collocates(con: duckdb.DuckDBPyConnection, term: str, period: str, top: int = 8):
    """Per period, the `top` content-word collocates of `term` by logDice (O11 >= 2)."""
    from marketspeak.analysis.collocations import collocates, stop_words

    frame = collocates(con, term, 5, 2, period, stop_words()).dropna(subset=["period_start"])
    rows = []
    for start, group in frame.groupby("period_start", sort=True):
        best = group.nlargest(top, "logdice")
        rows.append(
            {
                "period": period_label(start, period),
                "collocates": ", ".join(
                    f"{c} ({o})" for c, o in zip(best["collocate"], best["o11"], strict=True)
                ),
            }
        )
    return rows
