"""Write the chart site: every chart's files (see dashboards/files.py), an index page with
the charts, their downloads and embed snippets, collocates and a KWIC sample, and a
methods page that says how each number was made.

Each chart is declared once, in CHARTS (name, title, data, builder, summary, table), and
drawn from the Measures that measure() computes once per run; build_site loops over them.

Layout of the output folder:
  index.html, methods.html   the site (no scripts of their own; charts sit in iframes)
  embed/<name>.html          chart pages for iframes (shared runtime in assets/)
  charts/<name>.html         standalone single-file charts; .vl.json, .png, .svg beside them
  data/<name>.csv|json|js    the numbers behind each chart, rewritten by every publish
  assets/                    the Vega runtime (once for the site), chart.js, site.css
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
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
    return "Hits per million words in " + "; ".join(parts) + "."


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


@dataclass(frozen=True, eq=False)
class Measures:
    """Every frame the site's charts, summaries and data files show, for one period length:
    computed once by measure() and handed to all of them (and, in a run, from the analyse
    step to publish, so the bootstrap is not repeated)."""

    period: str
    trend: pd.DataFrame  # analysis.audit.trend_with_audit: both indices, intervals, audit
    terms: pd.DataFrame  # analysis.frequency.term_trend
    by_kind: pd.DataFrame  # analysis.frequency.trend(..., "kind")
    per_source: pd.DataFrame  # analysis.frequency.trend(..., "source")
    compounds: pd.DataFrame  # analysis.compounds.modifier_uses of the one-word market terms
    agency: pd.DataFrame | None  # analysis.agency.agency_shares; None without a parser model
    agency_missing: str  # why there is no agency frame ("" when there is one)
    peers: pd.DataFrame  # analysis.peers.peers
    coverage: pd.DataFrame  # analysis.coverage.coverage
    changes: pd.DataFrame  # analysis.changes.changes

    @functools.cached_property
    def register(self) -> pd.DataFrame:
        """The trend without the audited columns, which only the naming-index chart shows."""
        return self.trend.drop(columns=list(AUDITED_COLUMNS), errors="ignore")

    @functools.cached_property
    def by_source(self) -> pd.DataFrame:
        return source_totals(self.per_source)


def measure(
    con: duckdb.DuckDBPyConnection, period: str = "year", parser_model: str | None = None
) -> Measures:
    """Compute every measure the site shows, once. The trend's one document bootstrap gives
    every trend chart its intervals and, with labels of both lexicons' role words, the
    naming index corrected by their audited precision."""
    from marketspeak.analysis.compounds import modifier_uses

    trend_frame = trend_with_audit(con, period)
    terms = term_trend(con, period)
    by_kind = trend(con, period, "kind")
    per_source = trend(con, period, "source")
    market_words = [row[0] for row in con.execute(MARKET_WORDS).fetchall()]
    compounds = modifier_uses(con, market_words, period, min_freq=2)
    agency, agency_missing = _agency(con, period, parser_model)
    return Measures(
        period=period,
        trend=trend_frame,
        terms=terms,
        by_kind=by_kind,
        per_source=per_source,
        compounds=compounds,
        agency=agency,
        agency_missing=agency_missing,
        peers=peer_measure.peers(con),
        coverage=coverage_measure.coverage(con, period),
        changes=changes_measure.changes(con, period),
    )


@dataclass(frozen=True)
class Chart:
    """One chart of the site, declared once. Each callable takes the run's Measures.

    `data` is the frame behind the chart, its data files and its table (None: the chart is
    left out, as agency is without a parser model); a dated frame gets a `period` column
    first, in the data files and the table alike. `table` maps a column to its heading
    (`extra_table` likewise, for columns shown only when the frame has them); `drill`
    links each period to its documents."""

    name: str
    title: str  # may name {period}
    data: Callable[[Measures], pd.DataFrame | None]
    builder: Callable[[Measures], alt.TopLevelMixin]
    summary: Callable[[Measures], str]
    height: Callable[[Measures], int]
    table: dict[str, str]
    extra_table: dict[str, str] = field(default_factory=dict)
    drill: bool = False


def _naming_summary(m: Measures) -> str:
    return _index_summary(m.trend, m.period, "naming_index") + _audited_summary(m.trend, m.period)


def _fixed(height: int) -> Callable[[Measures], int]:
    return lambda m: height


# The site's charts in the order the index page shows them. A new chart is one entry here.
CHARTS: tuple[Chart, ...] = (
    Chart(
        name="naming-index",
        title="Naming index",
        data=lambda m: m.trend,
        builder=lambda m: charts.naming_index_chart(m.trend, m.period, m.coverage),
        summary=_naming_summary,
        height=_fixed(520),
        table={
            "n_documents": "Documents",
            "n_tokens": "Tokens",
            "market_role_hits": "Market role words",
            "relational_role_hits": "Relational role words",
            "naming_index": "Naming index",
            "naming_index_low": "95% interval from",
            "naming_index_high": "95% interval to",
        },
        extra_table={
            "audited_naming_index": "Naming index, audited",
            "audited_low": "Audited 95% interval from",
            "audited_high": "Audited 95% interval to",
        },
        drill=True,
    ),
    Chart(
        name="coverage",
        title="Documents per source and {period}",
        data=lambda m: m.coverage,
        builder=lambda m: charts.coverage_chart(m.coverage, m.period),
        summary=lambda m: coverage_measure.summary(m.coverage, m.period),
        height=lambda m: 230 + 24 * len(m.by_source),
        table={
            "source": "Source",
            "n_documents": "Documents",
            "n_tokens": "Tokens",
            "median_other": "Median of its other periods",
            "flag": "Flag",
            "note": "Coverage",
        },
    ),
    Chart(
        name="market-share-index",
        title="Register index",
        data=lambda m: m.register,
        builder=lambda m: charts.market_share_index_chart(m.register, m.period),
        summary=lambda m: _index_summary(m.register, m.period, "market_share_index"),
        height=_fixed(520),
        table={
            "n_documents": "Documents",
            "n_tokens": "Tokens",
            "market_hits": "Market hits",
            "relational_hits": "Relational hits",
            "market_share_index": "Register index",
            "market_share_index_low": "95% interval from",
            "market_share_index_high": "95% interval to",
        },
        drill=True,
    ),
    Chart(
        name="changes",
        title="What changed",
        data=lambda m: m.changes,
        builder=lambda m: charts.changes_chart(m.changes),
        summary=lambda m: changes_measure.summary(m.changes),
        height=lambda m: 240 + 18 * len(m.changes),
        table={
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
    ),
    Chart(
        name="lexicon-rates",
        title="Market and relational hits per million words",
        data=lambda m: m.register,
        builder=lambda m: charts.lexicon_rates_chart(m.register, m.period),
        summary=lambda m: _rates_summary(m.register, m.period),
        height=_fixed(470),
        table={
            "market_per_million": "Market per million",
            "relational_per_million": "Relational per million",
        },
        drill=True,
    ),
    Chart(
        name="term-rates",
        title="Each term per million words",
        data=lambda m: m.terms,
        builder=lambda m: charts.term_rates_chart(m.terms, m.period),
        summary=lambda m: _terms_summary(m.terms),
        height=_fixed(1500),
        table={"lexicon": "Lexicon", "term": "Term", "hits": "Hits", "per_million": "Per million"},
    ),
    Chart(
        name="kind-index",
        title="Naming index by kind of source",
        data=lambda m: m.by_kind,
        builder=lambda m: charts.kind_index_chart(m.by_kind, m.period),
        summary=lambda m: _kinds_summary(m.by_kind, m.period),
        height=_fixed(470),
        table={
            "source_kind": "Kind",
            "n_documents": "Documents",
            "naming_index": "Naming index",
            "market_share_index": "Register index",
        },
    ),
    Chart(
        name="source-index",
        title="Naming index by source",
        data=lambda m: m.by_source,
        builder=lambda m: charts.source_index_chart(m.by_source),
        summary=lambda m: _sources_summary(m.by_source),
        height=lambda m: 140 + 24 * len(m.by_source),
        table={
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
    ),
    Chart(
        name="peers",
        title="Naming index against peers",
        data=lambda m: m.peers,
        builder=lambda m: charts.peers_chart(m.peers),
        summary=lambda m: peer_measure.summary(m.peers),
        height=_fixed(470),
        table={
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
    ),
    Chart(
        name="compounds",
        title="Market words in compounds",
        data=lambda m: m.compounds,
        builder=lambda m: charts.compounds_chart(m.compounds, m.period),
        summary=lambda m: _compounds_summary(m.compounds),
        height=_fixed(520),
        table={"compound": "Compound", "role": "Market word is the", "hits": "Uses"},
    ),
    Chart(
        name="agency",
        title="Agent, recipient or modifier",
        data=lambda m: m.agency,
        builder=lambda m: charts.agency_chart(m.agency, m.period),
        summary=lambda m: _agency_summary(m.agency, m.period),
        height=_fixed(420),
        table={
            "lexicon": "Lexicon",
            "hits": "Hits parsed",
            "agent_share": "Agent",
            "recipient_share": "Recipient",
            "modifier_share": "Modifier",
            "other_share": "Other",
            "possessed_share": "Possessed",
        },
    ),
)


@dataclass(frozen=True)
class _Site:
    """What every chart's pages share: the folder, the footer and the drill-down index."""

    con: duckdb.DuckDBPyConnection
    out_dir: Path
    footer: str
    documents: dict


def build_site(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    period: str = "year",
    lexicons: str = "",
    base_url: str = "",
    parser_model: str | None = None,
    measures: Measures | None = None,
) -> list[Path]:
    """Write the whole site into `out_dir`; return every file written. `measures` are the
    frames a run has computed already (measure(con, period, parser_model)); without them
    the site computes its own."""
    if measures is None:
        measures = measure(con, period, parser_model)
    elif measures.period != period:
        raise ValueError(f"the measures are per {measures.period}, the site per {period}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = content.corpus_summary(con)
    lexicons = lexicons or "unknown"
    footer = (
        f"marketspeak · lexicons {lexicons} · {corpus['documents']:,} documents · "
        f"last crawl {corpus['last_crawl'] or 'never'}"
    )
    site = _Site(con, out_dir, footer, content.document_index(con, period))
    written = write_assets(out_dir)
    pages: list[ChartPage] = []
    for chart in CHARTS:
        data = chart.data(measures)
        if data is not None:
            page, files = _write_chart(site, chart, measures, data)
            pages.append(page)
            written += files
    values = {
        "charts": pages,
        "corpus": corpus,
        "lexicons": lexicons,
        "period": period,
        "base_url": base_url.rstrip("/") + "/" if base_url else "",
        "kwic_term": KWIC_TERM,
        "kwic": content.kwic_sample(con, KWIC_TERM),
        "collocates": content.top_collocates(con, KWIC_TERM, period),
        "agency_missing": measures.agency_missing,
    }
    written += _write_pages(con, out_dir, values, measures)
    log.info("wrote %d chart(s) and %d file(s) into %s", len(pages), len(written), out_dir)
    return written


def _write_chart(
    site: _Site, chart: Chart, measures: Measures, data: pd.DataFrame
) -> tuple[ChartPage, list[Path]]:
    """Every file of one declared chart, and the page that describes it."""
    period = measures.period
    data = data.rename(columns=PUBLISHED_NAMES)  # the published files keep 0.1's names
    table = dict(chart.table)
    if "period_start" in data.columns:
        data.insert(0, "period", [period_label(v, period) for v in data["period_start"]])
        table = {"period": period.title()} | table
    table |= {column: head for column, head in chart.extra_table.items() if column in data.columns}
    header, rows = table_of(data, table)
    page = ChartPage(
        name=chart.name,
        title=chart.title.format(period=period),
        summary=chart.summary(measures),
        footer=site.footer,
        height=chart.height(measures),
        period=period,
        periods=sorted(site.documents) if chart.drill else [],
        table_columns=header,
        table_rows=rows,
        audit=chart_audit_note(site.con, chart.name),
    )
    files = write_chart(
        charts.with_footer(chart.builder(measures), site.footer),
        data,
        site.out_dir,
        page,
        site.documents if chart.drill else None,
    )
    return page, files


def _write_pages(
    con: duckdb.DuckDBPyConnection, out_dir: Path, values: dict, measures: Measures
) -> list[Path]:
    """The index page and the methods page, which says how each number was made."""
    lexicon_terms = content.lexicon_terms(con)
    methods = {
        "terms": lexicon_terms,
        "naming_words": naming_words(lexicon_terms),
        "by_source": content.corpus_by_source(measures.per_source, measures.period),
        "provenance": content.date_provenance(con),
        "languages": content.languages_set_aside(con),
        "set_aside": content.hits_set_aside(con),
        "coverage_flags": coverage_measure.flagged(measures.coverage, measures.period),
        "audit": methods_table(con),
    }
    written = []
    for template, extra in (("index.html", {}), ("methods.html", methods)):
        path = out_dir / template
        replace_file(path, templates().get_template(template).render(**values, **extra))
        written.append(path)
    return written
