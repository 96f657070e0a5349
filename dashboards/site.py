"""Write the chart site: every chart's files (see dashboards/files.py), an index page with
the charts, their downloads and embed snippets, collocates and a KWIC sample, and a
methods page that says how each number was made.

Layout of the output folder:
  index.html, methods.html   the site (no scripts of their own; charts sit in iframes)
  embed/<name>.html          chart pages for iframes (shared runtime in assets/)
  charts/<name>.html         standalone single-file charts; .vl.json, .png, .svg beside them
  data/<name>.csv|json|js    the numbers behind each chart, rewritten by every publish
  assets/                    the Vega runtime (once for the site), chart.js, site.css
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pandas as pd

from marketspeak.analysis import changes as changes_measure
from marketspeak.analysis import coverage as coverage_measure
from marketspeak.analysis import peers as peer_measure
from marketspeak.analysis.audit import (
    AUDITED_COLUMNS,
    chart_audit_note,
    methods_table,
    trend_with_audit,
)
from marketspeak.analysis.frequency import PUBLISHED_NAMES, period_label, term_trend, trend
from marketspeak.dashboards import charts, content
from marketspeak.dashboards.files import (
    ChartPage,
    replace_file,
    table_of,
    templates,
    write_assets,
    write_chart,
)

log = logging.getLogger(__name__)

MARKET_WORDS = "SELECT term FROM lexicon_terms WHERE lexicon = 'market' AND term NOT LIKE '% %'"
KWIC_TERM = "customer"


# What each index's summary says the share is of.
INDEX_OF = {
    "naming_index": "the words naming the people served (customer, client, taxpayer ... "
    "against citizen, resident, people, patient, carer ...)",
    "market_share_index": "market and relational words of every kind",
}


def _index_summary(frame: pd.DataFrame, period: str, column: str) -> str:
    dated = frame[frame["period_start"].notna() & frame[column].notna()]
    if dated.empty:
        return "No dated documents with lexicon hits yet."
    first, last = dated.iloc[0], dated.iloc[-1]

    def point(row) -> str:
        text = f"{row[column]:.0%} in {period_label(row['period_start'], period)}"
        if pd.notna(row.get(f"{column}_low")):
            text += (
                f" (95% interval {row[f'{column}_low']:.0%} to "
                f"{row[f'{column}_high']:.0%}, {int(row['n_documents'])} documents)"
            )
        return text

    return f"Market words were {point(first)} of {INDEX_OF[column]}, and {point(last)}."


def _audited_summary(frame: pd.DataFrame, period: str) -> str:
    """' Corrected by the audited precision ...' when the frame has the audited columns."""
    if "audited_naming_index" not in frame.columns:
        return ""
    dated = frame[frame["period_start"].notna() & frame["audited_naming_index"].notna()]
    if dated.empty:
        return ""
    parts = [
        f"{row['audited_naming_index']:.0%} in {period_label(row['period_start'], period)} "
        f"(95% interval {row['audited_low']:.0%} to {row['audited_high']:.0%})"
        for row in (dated.iloc[0], dated.iloc[-1])
    ]
    return (
        " Corrected by the audited precision of the role words, they were "
        + " and ".join(parts)
        + "."
    )


def _rates_summary(frame: pd.DataFrame, period: str) -> str:
    dated = frame[frame["period_start"].notna()]
    if dated.empty:
        return "No dated documents yet."
    parts = [
        f"{period_label(row['period_start'], period)}: market {row['market_per_million']:,.0f}, "
        f"relational {row['relational_per_million']:,.0f}"
        for row in (dated.iloc[0], dated.iloc[-1])
    ]
    return "Hits per million tokens in " + "; ".join(parts) + "."


def _terms_summary(terms: pd.DataFrame) -> str:
    if terms.empty:
        return "No lexicon term found yet."
    totals = terms.groupby(["lexicon", "term"])["hits"].sum()
    parts = [
        f"the most used {lexicon} term is “{totals[lexicon].idxmax()}” "
        f"({int(totals[lexicon].max()):,} hits)"
        for lexicon in sorted(totals.index.get_level_values(0).unique())
    ]
    return f"{terms['term'].nunique()} terms found, one panel each; " + "; ".join(parts) + "."


def _kinds_summary(by_kind: pd.DataFrame, period: str) -> str:
    dated = by_kind.dropna(subset=["period_start", "naming_index"])
    if dated.empty:
        return "No dated documents with role words yet."
    last = dated[dated["period_start"] == dated["period_start"].max()]
    parts = [f"{r.source_kind} {r.naming_index:.0%}" for r in last.itertuples()]
    label = period_label(last["period_start"].iloc[0], period)
    return f"Naming index in {label}: " + ", ".join(parts) + "."


def _sources_summary(by_source: pd.DataFrame) -> str:
    ranked = by_source.dropna(subset=["naming_index"]).sort_values("naming_index")
    if ranked.empty:
        return "No source has role words yet."
    low, high = ranked.iloc[0], ranked.iloc[-1]
    return (
        f"{len(ranked)} sources; the highest naming index is {high['source']} "
        f"({high['naming_index']:.0%}), the lowest {low['source']} "
        f"({low['naming_index']:.0%})."
    )


def _compounds_summary(compounds: pd.DataFrame) -> str:
    if compounds.empty:
        return "No compounds of market words found yet."
    totals = compounds.groupby("compound")["hits"].sum().sort_values(ascending=False)
    top = ", ".join(f"“{c}” ({n:,})" for c, n in totals.head(3).items())
    return f"The most used compounds of market words: {top}."


def _agency_summary(shares: pd.DataFrame, period: str) -> str:
    dated = shares.dropna(subset=["period_start"])
    if dated.empty:
        return "No hits parsed."
    last = dated[dated["period_start"] == dated["period_start"].max()]
    parts = [
        f"{r.lexicon} words were the agent in {r.agent_share:.0%} of {int(r.hits)} hits"
        for r in last.itertuples()
    ]
    return f"In {period_label(last['period_start'].iloc[0], period)}, " + "; ".join(parts) + "."


def source_totals(by_source: pd.DataFrame) -> pd.DataFrame:
    """Each source's hits and both indices over all its dated documents (from
    trend(..., by="source") at any period length: the dated periods sum to the same)."""
    dated = by_source.dropna(subset=["period_start"])
    hits = ["market_hits", "relational_hits", "market_role_hits", "relational_role_hits"]
    totals = dated.groupby(["source", "source_kind"], as_index=False)[["n_documents", *hits]].sum()
    for index, market, relational in (
        ("market_share_index", "market_hits", "relational_hits"),
        ("naming_index", "market_role_hits", "relational_role_hits"),
    ):
        both = totals[market] + totals[relational]
        totals[index] = (totals[market] / both.where(both > 0)).astype(float)
    return totals


def naming_words(terms: list[dict]) -> dict[str, list[str]]:
    """Per lexicon, its role terms: the words the naming index counts."""
    words: dict[str, list[str]] = {"market": [], "relational": []}
    for t in terms:
        if t["category"] == "role":
            words.setdefault(t["lexicon"], []).append(t["term"])
    return words


def _agency(con: duckdb.DuckDBPyConnection, period: str, model: str | None):
    """Agency shares when a parser model is installed, else (None, why not)."""
    from marketspeak.analysis.agency import ParserMissing, agency_shares, hit_roles, load_parser

    try:
        nlp = load_parser(model) if model else load_parser()
    except ParserMissing as exc:
        return None, str(exc)
    return agency_shares(hit_roles(con, nlp, period)), ""


def build_site(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    period: str = "year",
    lexicons: str = "",
    base_url: str = "",
    parser_model: str | None = None,
) -> list[Path]:
    """Write the whole site into `out_dir`; return every file written."""
    from marketspeak.analysis.compounds import modifier_uses

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = content.corpus_summary(con)
    lexicons = lexicons or "unknown"
    footer = (
        f"marketspeak · lexicons {lexicons} · {corpus['documents']:,} documents · "
        f"last crawl {corpus['last_crawl'] or 'never'}"
    )
    # One bootstrap for every trend chart: with labels of both lexicons' role words it also
    # gives the naming index corrected by their audited precision, which only its chart shows.
    naming_frame = trend_with_audit(con, period)
    trend_frame = naming_frame.drop(columns=list(AUDITED_COLUMNS), errors="ignore")
    terms = term_trend(con, period)
    by_kind = trend(con, period, "kind")
    per_source = trend(con, period, "source")
    by_source = source_totals(per_source)
    market_words = [row[0] for row in con.execute(MARKET_WORDS).fetchall()]
    compounds = modifier_uses(con, market_words, period, min_freq=2)
    agency, agency_missing = _agency(con, period, parser_model)
    documents = content.document_index(con, period)
    periods = sorted(documents)

    naming_table = {
        "period": period.title(),
        "n_documents": "Documents",
        "n_tokens": "Tokens",
        "market_role_hits": "Market role words",
        "relational_role_hits": "Relational role words",
        "naming_index": "Naming index",
        "naming_index_low": "95% interval from",
        "naming_index_high": "95% interval to",
    }
    if "audited_naming_index" in naming_frame.columns:
        naming_table |= {
            "audited_naming_index": "Naming index, audited",
            "audited_low": "Audited 95% interval from",
            "audited_high": "Audited 95% interval to",
        }
    register_table = {
        "period": period.title(),
        "n_documents": "Documents",
        "n_tokens": "Tokens",
        "market_hits": "Market hits",
        "relational_hits": "Relational hits",
        "market_share_index": "Register index",
        "market_share_index_low": "95% interval from",
        "market_share_index_high": "95% interval to",
    }
    peer_frame = peer_measure.peers(con)
    coverage_frame = coverage_measure.coverage(con, period)
    changes_frame = changes_measure.changes(con, period)
    naming_summary = _index_summary(naming_frame, period, "naming_index") + _audited_summary(
        naming_frame, period
    )
    plan = [
        (
            "naming-index",
            "Naming index",
            520,
            naming_summary,
            charts.naming_index_chart(naming_frame, period, coverage_frame),
            naming_frame,
            naming_table,
            True,
        ),
        (
            "coverage",
            f"Documents per source and {period}",
            230 + 24 * len(by_source),
            coverage_measure.summary(coverage_frame, period),
            charts.coverage_chart(coverage_frame, period),
            coverage_frame,
            {
                "period": period.title(),
                "source": "Source",
                "n_documents": "Documents",
                "n_tokens": "Tokens",
                "median_other": "Median of its other periods",
                "flag": "Flag",
                "note": "Coverage",
            },
            False,
        ),
        (
            "market-share-index",
            "Register index",
            520,
            _index_summary(trend_frame, period, "market_share_index"),
            charts.market_share_index_chart(trend_frame, period),
            trend_frame,
            register_table,
            True,
        ),
        (
            "changes",
            "What changed",
            240 + 18 * len(changes_frame),
            changes_measure.summary(changes_frame),
            charts.changes_chart(changes_frame),
            changes_frame,
            {
                "term": "Term",
                "lexicon": "Lexicon",
                "slope": "Slope per year",
                "slope_low": "95% interval from",
                "slope_high": "95% interval to",
                "p": "p",
                "q": "q",
                "significant": "Changed",
                "n_periods": "Periods",
                "left_out": "Left out",
            },
            False,
        ),
        (
            "lexicon-rates",
            "Market and relational words per million tokens",
            470,
            _rates_summary(trend_frame, period),
            charts.lexicon_rates_chart(trend_frame, period),
            trend_frame,
            {
                "period": period.title(),
                "market_per_million": "Market per million",
                "relational_per_million": "Relational per million",
            },
            True,
        ),
        (
            "term-rates",
            "Each term per million tokens",
            1500,
            _terms_summary(terms),
            charts.term_rates_chart(terms, period),
            terms,
            {
                "period": period.title(),
                "lexicon": "Lexicon",
                "term": "Term",
                "hits": "Hits",
                "per_million": "Per million",
            },
            False,
        ),
        (
            "kind-index",
            "Naming index by kind of source",
            470,
            _kinds_summary(by_kind, period),
            charts.kind_index_chart(by_kind, period),
            by_kind,
            {
                "period": period.title(),
                "source_kind": "Kind",
                "n_documents": "Documents",
                "naming_index": "Naming index",
                "market_share_index": "Register index",
            },
            False,
        ),
        (
            "source-index",
            "Naming index by source",
            140 + 24 * len(by_source),
            _sources_summary(by_source),
            charts.source_index_chart(by_source),
            by_source,
            {
                "source": "Source",
                "source_kind": "Kind",
                "n_documents": "Documents",
                "market_role_hits": "Market role words",
                "relational_role_hits": "Relational role words",
                "naming_index": "Naming index",
                "market_hits": "Market hits",
                "relational_hits": "Relational hits",
                "market_share_index": "Register index",
            },
            False,
        ),
        (
            "peers",
            "Naming index against peers",
            470,
            peer_measure.summary(peer_frame),
            charts.peers_chart(peer_frame),
            peer_frame,
            {
                "source": "Source",
                "source_kind": "Kind",
                "role_hits": "Role words",
                "market_role_hits": "Market role words",
                "naming_index": "Naming index",
                "pooled_index": "All sources",
                "low_998": "99.8% limit from",
                "high_998": "99.8% limit to",
                "p_value": "p",
                "flag": "Against its peers",
            },
            False,
        ),
        (
            "compounds",
            "Market words in compounds",
            520,
            _compounds_summary(compounds),
            charts.compounds_chart(compounds, period),
            compounds,
            {
                "period": period.title(),
                "compound": "Compound",
                "role": "Market word is the",
                "hits": "Uses",
            },
            False,
        ),
    ]
    if agency is not None:
        plan.append(
            (
                "agency",
                "Agent, recipient or modifier",
                420,
                _agency_summary(agency, period),
                charts.agency_chart(agency, period),
                agency,
                {
                    "period": period.title(),
                    "lexicon": "Lexicon",
                    "hits": "Hits parsed",
                    "agent_share": "Agent",
                    "recipient_share": "Recipient",
                    "modifier_share": "Modifier",
                    "other_share": "Other",
                    "possessed_share": "Possessed",
                },
                False,
            )
        )

    written = write_assets(out_dir)
    pages: list[ChartPage] = []
    for name, title, height, summary, chart, data, columns, drill in plan:
        data = data.rename(columns=PUBLISHED_NAMES)  # the published files keep 0.1's names
        if "period_start" in data.columns:
            data.insert(0, "period", [period_label(v, period) for v in data["period_start"]])
        header, rows = table_of(data, columns)
        page = ChartPage(
            name=name,
            title=title,
            summary=summary,
            footer=footer,
            height=height,
            period=period,
            periods=periods if drill else [],
            table_columns=header,
            table_rows=rows,
            audit=chart_audit_note(con, name),
        )
        written += write_chart(
            charts.with_footer(chart, footer),
            data,
            out_dir,
            page,
            documents if drill else None,
        )
        pages.append(page)

    site = {
        "charts": pages,
        "corpus": corpus,
        "lexicons": lexicons,
        "period": period,
        "base_url": base_url.rstrip("/") + "/" if base_url else "",
        "kwic_term": KWIC_TERM,
        "kwic": content.kwic_sample(con, KWIC_TERM),
        "collocates": content.top_collocates(con, KWIC_TERM, period),
        "agency_missing": agency_missing,
    }
    lexicon_terms = content.lexicon_terms(con)
    methods = {
        "terms": lexicon_terms,
        "naming_words": naming_words(lexicon_terms),
        "by_source": content.corpus_by_source(per_source, period),
        "provenance": content.date_provenance(con),
        "languages": content.languages_set_aside(con),
        "set_aside": content.hits_set_aside(con),
        "coverage_flags": coverage_measure.flagged(coverage_frame, period),
        "audit": methods_table(con),
    }
    for template, extra in (("index.html", {}), ("methods.html", methods)):
        path = out_dir / template
        replace_file(path, templates().get_template(template).render(**site, **extra))
        written.append(path)
    log.info("wrote %d chart(s) and %d file(s) into %s", len(pages), len(written), out_dir)
    return written
