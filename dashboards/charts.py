"""Chart builders: each takes a tidy frame from `analysis` and returns an Altair chart.

Builders never write files (see `dashboards/files.py`). Undated documents are not plotted;
the site states how many there are. Every row of a trend chart carries `period` ('2012',
'2012-Q3', ...), the key of the per-period document index the drill-down reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from marketspeak.analysis.frequency import PUBLISHED_NAMES, period_label
from marketspeak.dashboards import theme

theme.enable()

ROLE_ORDER = ["agent", "recipient", "modifier", "other"]


def _dated(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    dated = frame[frame["period_start"].notna()].copy()
    dated.insert(0, "period", [period_label(v, period) for v in dated["period_start"]])
    dated["period_start"] = pd.to_datetime(dated["period_start"]).dt.strftime("%Y-%m-%d")
    return dated


def with_footer(chart: alt.TopLevelMixin, text: str) -> alt.VConcatChart:
    """The chart with a one-line footer under it, in the HTML, PNG and SVG alike; its title
    and description move to the outer chart."""
    inner = chart.copy(deep=False)
    inner.title = alt.Undefined
    inner.description = alt.Undefined
    footer = (
        alt.Chart(pd.DataFrame({"footer": [text]}))
        .mark_text(align="left", baseline="top", color=theme.NEUTRAL, fontSize=11, x=0, y=0)
        .encode(text="footer:N")
        .properties(height=14, width=10)
    )
    return alt.vconcat(inner, footer, spacing=6).properties(
        title=chart.title, description=chart.description
    )


@dataclass(frozen=True)
class IndexMeasure:
    """How a chart names one of the two indices, and the hit counts behind it."""

    column: str  # the trend column: naming_index or market_share_index
    name: str  # axis and tooltip title
    title: str  # chart title
    market: str  # the columns of the numerator's and the other side's hits
    relational: str
    words: str  # what the hits are, for tooltips ("market role words")


# The headline: of the words naming the people served, the share that are market words.
NAMING = IndexMeasure(
    column="naming_index",
    name="Naming index",
    title="Market words' share of the words naming the people served",
    market="market_role_hits",
    relational="relational_role_hits",
    words="role words",
)
# The register index: the market share of every lexicon hit.
REGISTER = IndexMeasure(
    column="market_share_index",
    name="Register index",
    title="Market words' share of market + relational words",
    market="market_hits",
    relational="relational_hits",
    words="words",
)


# An index is a share: every index axis runs from 0 to 1.
SHARE = alt.Scale(domain=[0, 1])


def naming_index_chart(
    trend: pd.DataFrame, period: str = "year", coverage: pd.DataFrame | None = None
) -> alt.Chart:
    """The naming index per period (see index_chart): the headline chart. With the columns
    of analysis.audit.trend_with_audit it also draws the index corrected by the audited
    precision of the role words, and with analysis.coverage.coverage() it marks the
    periods where a source's coverage is flagged."""
    return index_chart(trend, period, NAMING, coverage)


def market_share_index_chart(trend: pd.DataFrame, period: str = "year") -> alt.Chart:
    """The register index (market / (market + relational) hits) per period (see
    index_chart)."""
    return index_chart(trend, period, REGISTER)


def index_chart(
    trend: pd.DataFrame,
    period: str,
    measure: IndexMeasure,
    coverage: pd.DataFrame | None = None,
) -> alt.Chart:
    """One index per period, above a bar of the documents behind each point. With the
    columns of analysis.uncertainty.trend_with_ci it draws the 95% interval as a band and
    hollow points for sparse periods. For the naming index, with audited columns
    (analysis.audit.trend_with_audit) it adds the corrected index as a dashed dark line
    in its own band; with a coverage frame whose periods are flagged it marks those
    periods with a dotted rule and a tooltip naming each source and flag. Without them the
    spec is as before. Clicking a point selects its period (the `pick` selection)."""
    data, with_ci, audited = _index_data(trend, period, measure)
    flags = coverage_flags(coverage, period) if coverage is not None else pd.DataFrame()
    tooltip = _index_tooltip(measure, period, audited)
    base = alt.Chart(data).encode(x=alt.X("period_start:T", title=None))
    layers = _index_layers(base, measure, tooltip, with_ci)
    if audited:
        layers[1:1] = _audited_layers(base, SHARE)
    if not flags.empty:
        layers[1:1] = _coverage_layers(flags, period)
    stacked = alt.vconcat(
        alt.layer(*layers), _documents_bars(base, len(data), tooltip), spacing=8
    ).resolve_scale(x="shared")
    return stacked.properties(
        title=alt.Title(
            measure.title, subtitle=_index_subtitle(measure, with_ci, audited, not flags.empty)
        ),
        description=f"Line chart of the {measure.name.lower()} per period with its 95% "
        "interval, above a bar chart of the documents per period.",
    )


def _index_data(
    trend: pd.DataFrame, period: str, measure: IndexMeasure
) -> tuple[pd.DataFrame, bool, bool]:
    """The dated columns the index chart plots, and whether they carry an interval and
    (naming index only) the audited columns."""
    data = _dated(trend, period)
    value, low, high = measure.column, f"{measure.column}_low", f"{measure.column}_high"
    with_ci = low in data.columns
    if not with_ci:
        data = data.assign(**{low: float("nan"), high: float("nan")}, sparse=False)
    audited = measure is NAMING and AUDITED in data.columns and bool(data[AUDITED].notna().any())
    columns = [
        "period",
        "period_start",
        value,
        low,
        high,
        *([AUDITED, AUDITED_LOW, AUDITED_HIGH] if audited else []),
        "sparse",
        measure.market,
        measure.relational,
        "n_documents",
        "n_tokens",
    ]
    return data.rename(columns=PUBLISHED_NAMES)[columns], with_ci, audited


def _index_tooltip(measure: IndexMeasure, period: str, audited: bool) -> list[alt.Tooltip]:
    value = measure.column
    tooltip = [
        alt.Tooltip("period:N", title=period.title()),
        alt.Tooltip(f"{value}:Q", title=measure.name, format=".1%"),
        alt.Tooltip(f"{value}_low:Q", title="95% interval from", format=".1%"),
        alt.Tooltip(f"{value}_high:Q", title="95% interval to", format=".1%"),
        alt.Tooltip(f"{measure.market}:Q", title=f"Market {measure.words}"),
        alt.Tooltip(f"{measure.relational}:Q", title=f"Relational {measure.words}"),
        alt.Tooltip("n_documents:Q", title="Documents (click to list)"),
        alt.Tooltip("n_tokens:Q", title="Tokens", format=","),
        alt.Tooltip("sparse:N", title="Too few tokens to be sure"),
    ]
    if audited:
        tooltip[4:4] = [
            alt.Tooltip(f"{AUDITED}:Q", title=f"{measure.name}, audited", format=".1%"),
            alt.Tooltip(f"{AUDITED_LOW}:Q", title="Audited 95% interval from", format=".1%"),
            alt.Tooltip(f"{AUDITED_HIGH}:Q", title="Audited 95% interval to", format=".1%"),
        ]
    return tooltip


def _index_layers(
    base: alt.Chart, measure: IndexMeasure, tooltip: list[alt.Tooltip], with_ci: bool
) -> list[alt.Chart]:
    """The even line at 0.5, the interval band (when there is one), the index's line and
    its clickable points: hollow where the period is sparse, larger once picked."""
    value = measure.column
    pick = alt.selection_point(name="pick", fields=["period"], on="click", empty=False)
    even = (
        alt.Chart(pd.DataFrame({"y": [0.5]}))
        .mark_rule(strokeDash=[4, 4], color=theme.NEUTRAL)
        .encode(y="y:Q")
    )
    band = base.mark_area(color=theme.MARKET, opacity=0.2).encode(
        y=alt.Y(f"{value}_low:Q", scale=SHARE),
        y2=f"{value}_high:Q",
    )
    line = base.mark_line(color=theme.MARKET).encode(
        y=alt.Y(f"{value}:Q", title=measure.name, scale=SHARE, axis=alt.Axis(format=".0%"))
    )
    points = (
        base.mark_point(color=theme.MARKET, strokeWidth=2, filled=False, cursor="pointer")
        .encode(
            y=f"{value}:Q",
            fill=alt.condition("datum.sparse", alt.value("white"), alt.value(theme.MARKET)),
            size=alt.condition(pick, alt.value(160), alt.value(50)),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    return [even, band, line, points] if with_ci else [even, line, points]


def _documents_bars(base: alt.Chart, n_periods: int, tooltip: list[alt.Tooltip]) -> alt.Chart:
    """The documents behind each period, as bars under the index."""
    # Temporal bars have no band to fill, so size them from the number of periods.
    bar_width = max(2, int(0.6 * 640 / max(n_periods, 1)))
    return (
        base.mark_bar(color=theme.NEUTRAL, opacity=0.6, cursor="pointer", size=bar_width)
        .encode(y=alt.Y("n_documents:Q", title="Documents"), tooltip=tooltip)
        .properties(height=70)
    )


def _index_subtitle(
    measure: IndexMeasure, with_ci: bool, audited: bool, flagged: bool
) -> list[str]:
    """How to read the index chart: one line per thing it draws."""
    subtitle = [f"Above the dashed line, market {measure.words} outnumber relational ones."]
    if with_ci:
        subtitle.append(
            "Band: 95% bootstrap interval (documents resampled). "
            "Hollow points: too few tokens to be sure."
        )
    if audited:
        subtitle[-1] = "Orange line and band: the index as counted, " + subtitle[-1].replace(
            "Band: 95%", "its 95%"
        )
        subtitle.append(
            "Dark dashed line and grey band: the index corrected by the audited precision "
            "of each lexicon's role words, its 95% interval also carrying the labelling sample."
        )
    if flagged:
        subtitle.append(
            "Dotted rules: a source's documents jump, fall or stop in that period (hover to "
            "see which); a change there may come from what was collected."
        )
    return subtitle


def lexicon_rates_chart(trend: pd.DataFrame, period: str = "year") -> alt.Chart:
    """Market and relational hits per million words per period, one line each."""
    data = _dated(trend, period)
    long = data.melt(
        id_vars=["period", "period_start", "n_documents"],
        value_vars=["market_per_million", "relational_per_million"],
        var_name="lexicon",
        value_name="per_million",
    )
    long["lexicon"] = long["lexicon"].str.replace("_per_million", "", regex=False)
    return (
        alt.Chart(long)
        .mark_line(point=alt.OverlayMarkDef(cursor="pointer"))
        .encode(
            x=alt.X("period_start:T", title=None),
            y=alt.Y("per_million:Q", title="Hits per million words"),
            color=alt.Color("lexicon:N", title="Lexicon", scale=theme.lexicon_scale()),
            tooltip=[
                alt.Tooltip("period:N", title=period.title()),
                alt.Tooltip("lexicon:N", title="Lexicon"),
                alt.Tooltip("per_million:Q", title="Per million words", format=",.0f"),
                alt.Tooltip("n_documents:Q", title="Documents (click to list)"),
            ],
        )
        .properties(
            title="Market and relational hits per million words",
            description="Line chart of market and relational hits per million words per period.",
        )
    )


def term_rates_chart(term_trend: pd.DataFrame, period: str = "year", columns: int = 5) -> alt.Chart:
    """Small multiples: each term's hits per million words per period."""
    data = _dated(term_trend, period)[
        ["period", "period_start", "lexicon", "term", "hits", "per_million"]
    ]
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("period_start:T", title=None),
            y=alt.Y("per_million:Q", title="Per million words"),
            color=alt.Color("lexicon:N", title="Lexicon", scale=theme.lexicon_scale()),
            tooltip=[
                alt.Tooltip("term:N", title="Term"),
                alt.Tooltip("period:N", title=period.title()),
                alt.Tooltip("hits:Q", title="Hits"),
                alt.Tooltip("per_million:Q", title="Per million words", format=",.0f"),
            ],
        )
        .properties(width=150, height=90)
        .facet(
            facet=alt.Facet("term:N", title=None, sort=alt.SortField("lexicon")),
            columns=columns,
        )
        .properties(
            title="Each term per million words",
            description="Small multiples of each lexicon term's rate per million words.",
        )
    )


def kind_index_chart(
    trend_by_kind: pd.DataFrame, period: str = "year", measure: IndexMeasure = NAMING
) -> alt.Chart:
    """An index (the naming index unless `measure` says) per period for each kind of source
    (councils, regulators, ...)."""
    value = measure.column
    data = _dated(trend_by_kind.rename(columns=PUBLISHED_NAMES), period)[
        ["period", "period_start", "source_kind", value, "n_documents", "n_tokens"]
    ]
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("period_start:T", title=None),
            y=alt.Y(
                f"{value}:Q",
                title=measure.name,
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%"),
            ),
            color=alt.Color("source_kind:N", title="Kind of source", scale=theme.kind_scale()),
            strokeDash=alt.StrokeDash("source_kind:N", title="Kind of source"),
            tooltip=[
                alt.Tooltip("period:N", title=period.title()),
                alt.Tooltip("source_kind:N", title="Kind of source"),
                alt.Tooltip(f"{value}:Q", title=measure.name, format=".1%"),
                alt.Tooltip("n_documents:Q", title="Documents"),
                alt.Tooltip("n_tokens:Q", title="Tokens", format=","),
            ],
        )
        .properties(
            title=f"{measure.name} by kind of source",
            description=f"Line chart of the {measure.name.lower()} per period, one line per "
            "kind of source.",
        )
    )


def source_index_chart(by_source: pd.DataFrame, measure: IndexMeasure = NAMING) -> alt.Chart:
    """Each source's index (the naming index unless `measure` says) over all its dated
    documents, as a dot plot."""
    value = measure.column
    columns = ["source", "source_kind", value, measure.market, measure.relational]
    data = by_source[columns].dropna(subset=[value])
    return (
        alt.Chart(data)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X(
                f"{value}:Q",
                title=measure.name,
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%"),
            ),
            y=alt.Y("source:N", title=None, sort="-x"),
            color=alt.Color("source_kind:N", title="Kind of source", scale=theme.kind_scale()),
            shape=alt.Shape("source_kind:N", title="Kind of source"),
            tooltip=[
                alt.Tooltip("source:N", title="Source"),
                alt.Tooltip("source_kind:N", title="Kind"),
                alt.Tooltip(f"{value}:Q", title=measure.name, format=".1%"),
                alt.Tooltip(f"{measure.market}:Q", title=f"Market {measure.words}"),
                alt.Tooltip(f"{measure.relational}:Q", title=f"Relational {measure.words}"),
            ],
        )
        .properties(
            title=f"{measure.name} by source (all years)",
            description=f"Dot plot of each source's {measure.name.lower()} over all its documents.",
        )
    )


def compounds_chart(compounds: pd.DataFrame, period: str = "year", top: int = 12) -> alt.Chart:
    """Heat map: how often each of the `top` most frequent compounds of market words is used
    per period ("customer service", "internal customer")."""
    data = _dated(compounds, period)
    keep = data.groupby("compound")["hits"].sum().nlargest(top).index
    data = (
        data[data["compound"].isin(keep)]
        .groupby(["period", "period_start", "compound", "role"], as_index=False)["hits"]
        .sum()
    )
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("period_start:T", title=None, timeUnit="year"),
            y=alt.Y(
                "compound:N",
                title=None,
                sort=alt.EncodingSortField("hits", op="sum", order="descending"),
            ),
            color=alt.Color("hits:Q", title="Uses", scale=alt.Scale(scheme="oranges", type="sqrt")),
            tooltip=[
                alt.Tooltip("compound:N", title="Compound"),
                alt.Tooltip("role:N", title="Market word is the"),
                alt.Tooltip("period:N", title=period.title()),
                alt.Tooltip("hits:Q", title="Uses"),
            ],
        )
        .properties(
            title="Market words in compounds",
            description="Heat map of the most used compounds of market words per period.",
        )
    )


def agency_chart(shares: pd.DataFrame, period: str = "year") -> alt.Chart:
    """Stacked bars: the share of market and relational hits in each grammatical role."""
    data = _dated(shares, period)
    long = data.melt(
        id_vars=["period", "period_start", "lexicon", "hits"],
        value_vars=[f"{role}_share" for role in ROLE_ORDER],
        var_name="role",
        value_name="share",
    )
    long["role"] = long["role"].str.replace("_share", "", regex=False)
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("period:O", title=None),
            y=alt.Y("share:Q", title="Share of hits", axis=alt.Axis(format=".0%")),
            color=alt.Color(
                "role:N", title="Role", scale=alt.Scale(domain=ROLE_ORDER, scheme="greys")
            ),
            order=alt.Order("role_order:Q"),
            row=alt.Row("lexicon:N", title=None),
            tooltip=[
                alt.Tooltip("lexicon:N", title="Lexicon"),
                alt.Tooltip("period:N", title=period.title()),
                alt.Tooltip("role:N", title="Role"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
                alt.Tooltip("hits:Q", title="Hits parsed"),
            ],
        )
        .transform_calculate(role_order=f"indexof({ROLE_ORDER!r}, datum.role)")
        .properties(
            height=120,
            title="Who acts: market and relational words as agent, recipient or modifier",
            description="Stacked bars of the share of hits in each grammatical role per period.",
        )
    )


# Peers: where each source's flag puts it, from far above its peers to far below.
PEER_FLAG_COLOURS = {
    "above 99.8%": theme.MARKET,
    "above 95%": "#F0A070",
    "within": "#999999",
    "below 95%": "#7FB2D8",
    "below 99.8%": theme.RELATIONAL,
}


def peers_chart(peers: pd.DataFrame, method: str = "exact") -> alt.LayerChart:
    """Funnel plot of analysis.peers.peers(): each source's naming index against the role
    words it rests on, with the 95% (dashed) and 99.8% (solid) control limits around all
    sources pooled as lines, and the pooled index as a dotted rule. Points are coloured by
    the source's flag."""
    data = peers[PEER_COLUMNS].dropna(subset=["naming_index"])
    pooled = float(peers["pooled_index"].iloc[0]) if len(peers) else float("nan")
    limits, centre = _funnel_layers(pooled, data, method)
    points, labels = _peer_layers(data)
    return alt.layer(limits, centre, points, labels).properties(
        title=alt.Title(
            "Which sources name people in market words more than their peers",
            subtitle=[
                "Each point is a source: its naming index against the role words it rests on."
                " Dotted: all sources pooled.",
                "Above the solid line (99.8%), a source uses more market words for the people it"
                " serves than its peers, beyond what chance gives 1 source in 1,000; above the"
                " dashed line (95%), 1 in 40.",
            ],
        ),
        description="Funnel plot: each source's naming index against its number of role "
        "words, with 95% and 99.8% control limits around the naming index of all sources "
        "together. A source outside the outer limits can be said to use more (above) or "
        "fewer (below) market words for the people it serves than its peers.",
    )


PEER_COLUMNS = [
    "source",
    "source_kind",
    "role_hits",
    "market_role_hits",
    "naming_index",
    "pooled_index",
    "p_value",
    "flag",
]


def _funnel_layers(pooled: float, data: pd.DataFrame, method: str) -> tuple[alt.Chart, alt.Chart]:
    """The control limits as lines (dashed 95%, solid 99.8%) out to a little past the
    largest source, and the pooled index as a dotted rule."""
    from marketspeak.analysis.peers import funnel_curves

    n_max = int(data["role_hits"].max() * 1.1) if len(data) else 0
    limits = (
        alt.Chart(funnel_curves(pooled, n_max, method))
        .mark_line(color=theme.NEUTRAL, strokeWidth=1)
        .encode(
            x=alt.X("n:Q", title="Role words (market + relational role hits)"),
            y=alt.Y("value:Q", scale=SHARE),
            strokeDash=alt.StrokeDash(
                "limit:N",
                title="Control limits",
                scale=alt.Scale(domain=["95%", "99.8%"], range=[[4, 3], [1, 0]]),
            ),
            detail="side:N",
        )
    )
    centre = (
        alt.Chart(pd.DataFrame({"pooled": [pooled]}))
        .mark_rule(strokeDash=[1, 3], color=theme.NEUTRAL)
        .encode(y="pooled:Q", tooltip=[alt.Tooltip("pooled:Q", title="All sources", format=".1%")])
    )
    return limits, centre


def _peer_layers(data: pd.DataFrame) -> tuple[alt.Chart, alt.Chart]:
    """Each source as a point coloured by its flag, and its name beside it."""
    tooltip = [
        alt.Tooltip("source:N", title="Source"),
        alt.Tooltip("source_kind:N", title="Kind"),
        alt.Tooltip("naming_index:Q", title="Naming index", format=".1%"),
        alt.Tooltip("pooled_index:Q", title="All sources", format=".1%"),
        alt.Tooltip("market_role_hits:Q", title="Market role words"),
        alt.Tooltip("role_hits:Q", title="Role words"),
        alt.Tooltip("flag:N", title="Against its peers"),
        alt.Tooltip("p_value:Q", title="p (exact binomial)", format=".3g"),
    ]
    base = alt.Chart(data).encode(
        x=alt.X("role_hits:Q", title="Role words (market + relational role hits)"),
        y=alt.Y("naming_index:Q", title="Naming index", scale=SHARE, axis=alt.Axis(format=".0%")),
    )
    points = base.mark_point(filled=True, size=90, stroke=theme.NEUTRAL).encode(
        color=alt.Color(
            "flag:N",
            title="Against its peers",
            scale=alt.Scale(domain=list(PEER_FLAG_COLOURS), range=list(PEER_FLAG_COLOURS.values())),
        ),
        tooltip=tooltip,
    )
    labels = base.mark_text(align="left", dx=7, fontSize=11, color=theme.NEUTRAL).encode(
        text="source:N"
    )
    return points, labels


COVERAGE_SHAPES = {"jump": "triangle-up", "fall": "triangle-down", "gap": "cross"}


def coverage_chart(coverage: pd.DataFrame, period: str = "year") -> alt.LayerChart:
    """Heat map of analysis.coverage.coverage(): documents per source and period, with the
    periods flagged (jump, fall, gap) marked by a symbol."""
    data = _dated(coverage.rename(columns=PUBLISHED_NAMES), period)[
        ["period", "period_start", "source", "n_documents", "n_tokens", "flag", "note"]
    ]
    tooltip = [
        alt.Tooltip("source:N", title="Source"),
        alt.Tooltip("period:N", title=period.title()),
        alt.Tooltip("n_documents:Q", title="Documents"),
        alt.Tooltip("n_tokens:Q", title="Tokens", format=","),
        alt.Tooltip("note:N", title="Coverage"),
    ]
    base = alt.Chart(data).encode(
        x=alt.X("period:O", title=None, sort="ascending", axis=alt.Axis(labelOverlap="greedy")),
        y=alt.Y("source:N", title=None),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "n_documents:Q",
            title="Documents",
            scale=alt.Scale(scheme="blues", type="sqrt", zero=True),
        ),
        tooltip=tooltip,
    )
    marks = (
        base.mark_point(filled=True, size=80, color="black")
        .encode(
            shape=alt.Shape(
                "flag:N",
                title="Coverage flag",
                scale=alt.Scale(domain=list(COVERAGE_SHAPES), range=list(COVERAGE_SHAPES.values())),
            ),
            tooltip=tooltip,
        )
        .transform_filter("datum.flag != ''")
    )
    return alt.layer(cells, marks).properties(
        width=640,
        title=alt.Title(
            f"Documents per source and {period}: what each trend rests on",
            subtitle="▲ jump (over 3 times the source's median), ▼ fall (under a third), "
            "✚ gap (none between periods with documents): check these before reading a change.",
        ),
        description=f"Heat map of the documents each source has per {period}, with periods "
        "where a source's coverage jumps, falls or has a gap marked: a change there may "
        "come from what was collected, not from the language used.",
    )


def changes_chart(changes: pd.DataFrame) -> alt.VConcatChart:
    """What changed: each term's Theil-Sen slope with its 95% interval (analysis/changes.py)
    as a share of its mean rate per year, and the two indices' in percentage points per
    year, above; filled points are significant at the false discovery rate used, hollow
    ones are not. Series not tested (too few periods) are not drawn."""
    data = changes[changes["change"].notna()][CHANGE_COLUMNS].copy()
    data["status"] = ["changed" if s else "no clear change" for s in data["significant"]]
    indices = data[data["lexicon"] == "index"]
    terms = data[data["lexicon"] != "index"]
    return alt.vconcat(
        _changes_panel(indices, "Percentage points per year"),
        _changes_panel(terms, "% of the term's mean rate per year"),
        spacing=16,
    ).properties(
        title=alt.Title(
            "What changed: the trend of each index and each term",
            subtitle=[
                "Theil-Sen slope with its 95% interval (documents resampled within periods). "
                "Filled: significant after Benjamini-Hochberg;",
                "hollow: no clear change. Periods under 10,000 word tokens are left out.",
            ],
        ),
        description="Dot-and-interval plot of the slope per year of the naming index, the "
        "register index and each lexicon term, with significant changes filled.",
    )


CHANGE_COLUMNS = [
    "term",
    "lexicon",
    "change",
    "change_low",
    "change_high",
    "change_unit",
    "slope",
    "p",
    "q",
    "significant",
    "n_periods",
]


def _changes_tooltip() -> list[alt.Tooltip]:
    return [
        alt.Tooltip("term:N", title="Term"),
        alt.Tooltip("lexicon:N", title="Lexicon"),
        alt.Tooltip("change:Q", title="Change per year", format=".1f"),
        alt.Tooltip("change_low:Q", title="95% interval from", format=".1f"),
        alt.Tooltip("change_high:Q", title="95% interval to", format=".1f"),
        alt.Tooltip("change_unit:N", title="In"),
        alt.Tooltip("q:Q", title="q (Benjamini-Hochberg)", format=".3f"),
        alt.Tooltip("status:N", title="Verdict"),
        alt.Tooltip("n_periods:Q", title="Periods"),
    ]


def _changes_panel(rows: pd.DataFrame, title: str) -> alt.LayerChart:
    """One panel of the changes chart: a dashed zero, each series' interval as a rule and
    its slope as a point, filled when significant."""
    tooltip = _changes_tooltip()
    status = alt.Scale(domain=["changed", "no clear change"], range=[theme.MARKET, theme.NEUTRAL])
    y = alt.Y(
        "term:N",
        title=None,
        sort=alt.EncodingSortField("change", order="descending"),
    )
    zero = (
        alt.Chart(pd.DataFrame({"x": [0]}))
        .mark_rule(strokeDash=[4, 4], color=theme.NEUTRAL)
        .encode(x="x:Q")
    )
    base = alt.Chart(rows).encode(y=y)
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("change_low:Q", title=title),
        x2="change_high:Q",
        color=alt.Color("status:N", title=None, scale=status),
        tooltip=tooltip,
    )
    points = base.mark_point(size=70, strokeWidth=2).encode(
        x="change:Q",
        color=alt.Color("status:N", title=None, scale=status),
        fill=alt.condition("datum.significant", alt.value(theme.MARKET), alt.value("white")),
        tooltip=tooltip,
    )
    return alt.layer(zero, interval, points).properties(width=560, height=alt.Step(18))


# The naming index corrected by the audit (analysis.audit.trend_with_audit's columns).
AUDITED, AUDITED_LOW, AUDITED_HIGH = "audited_naming_index", "audited_low", "audited_high"
AUDITED_COLOUR = "#222222"


def _audited_layers(base: alt.Chart, share: alt.Scale) -> list[alt.Chart]:
    """The corrected naming index's band and dashed line, drawn under the plain index."""
    band = base.mark_area(color=theme.NEUTRAL, opacity=0.15).encode(
        y=alt.Y(f"{AUDITED_LOW}:Q", scale=share), y2=f"{AUDITED_HIGH}:Q"
    )
    line = base.mark_line(color=AUDITED_COLOUR, strokeDash=[6, 3]).encode(
        y=alt.Y(f"{AUDITED}:Q", scale=share)
    )
    return [band, line]


def coverage_flags(coverage: pd.DataFrame, period: str = "year") -> pd.DataFrame:
    """One row per period that analysis.coverage.coverage() flags for any source: period,
    period_start and `flags` ('northshire: jump (12 documents, over 3 times ...); ...')."""
    columns = ["period", "period_start", "flags"]
    if coverage.empty or "flag" not in coverage.columns:
        return pd.DataFrame(columns=columns)
    rows = coverage[(coverage["flag"] != "") & coverage["period_start"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = _dated(rows, period).sort_values(["period_start", "source"])
    text = [f"{r.source}: {r.flag} ({r.note})" for r in rows.itertuples()]
    grouped = rows.assign(flags=text).groupby(["period", "period_start"], as_index=False)
    return grouped["flags"].agg("; ".join)[columns]


def _coverage_layers(flags: pd.DataFrame, period: str) -> list[alt.Chart]:
    """A dotted rule at each flagged period, and a small mark at its top with the flags."""
    tooltip = [
        alt.Tooltip("period:N", title=period.title()),
        alt.Tooltip("flags:N", title="Coverage flagged"),
    ]
    marks = alt.Chart(flags.assign(top=1.0)).encode(x=alt.X("period_start:T"))
    rule = marks.mark_rule(color=theme.NEUTRAL, strokeDash=[1, 3], strokeWidth=1.5).encode(
        tooltip=tooltip
    )
    top = marks.mark_point(shape="triangle-down", filled=True, color=theme.NEUTRAL, size=60).encode(
        y=alt.Y("top:Q"), tooltip=tooltip
    )
    return [rule, top]
