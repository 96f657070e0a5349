"""Chart builders: each takes a tidy frame from `analysis` and returns an Altair chart.

Builders never write files (see `dashboards/site.py`). Undated documents are not plotted;
the site states how many there are.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboards import theme

theme.enable()


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    dated = frame[frame["period_start"].notna()].copy()
    dated["period_start"] = pd.to_datetime(dated["period_start"]).dt.strftime("%Y-%m-%d")
    return dated


def market_share_index_chart(trend: pd.DataFrame, period: str = "year") -> alt.Chart:
    """Market share index (market / (market + relational) hits) per period."""
    data = _dated(trend)[
        [
            "period_start",
            "market_share_index",
            "market_hits",
            "relational_hits",
            "n_documents",
            "n_tokens",
        ]
    ]
    base = alt.Chart(data).encode(
        x=alt.X("period_start:T", title=period.title()),
        y=alt.Y(
            "market_share_index:Q",
            title="Market share index",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format=".0%"),
        ),
        tooltip=[
            alt.Tooltip("period_start:T", title=period.title()),
            alt.Tooltip("market_share_index:Q", title="Market share", format=".1%"),
            alt.Tooltip("market_hits:Q", title="Market hits"),
            alt.Tooltip("relational_hits:Q", title="Relational hits"),
            alt.Tooltip("n_documents:Q", title="Documents"),
            alt.Tooltip("n_tokens:Q", title="Tokens"),
        ],
    )
    even = (
        alt.Chart(pd.DataFrame({"y": [0.5]}))
        .mark_rule(strokeDash=[4, 4], color=theme.NEUTRAL)
        .encode(y="y:Q")
    )
    line = base.mark_line(color=theme.MARKET, point=alt.OverlayMarkDef(color=theme.MARKET))
    return (even + line).properties(
        title=alt.Title(
            "Market words' share of market + relational words",
            subtitle="Above the dashed line, market words outnumber relational words.",
        ),
        description="Line chart of the market share index per period.",
    )


def lexicon_rates_chart(trend: pd.DataFrame, period: str = "year") -> alt.Chart:
    """Market and relational hits per million tokens per period, one line each."""
    data = _dated(trend)
    long = data.melt(
        id_vars=["period_start", "n_documents"],
        value_vars=["market_per_million", "relational_per_million"],
        var_name="lexicon",
        value_name="per_million",
    )
    long["lexicon"] = long["lexicon"].str.replace("_per_million", "", regex=False)
    return (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("period_start:T", title=period.title()),
            y=alt.Y("per_million:Q", title="Hits per million tokens"),
            color=alt.Color("lexicon:N", title="Lexicon", scale=theme.lexicon_scale()),
            tooltip=[
                alt.Tooltip("period_start:T", title=period.title()),
                alt.Tooltip("lexicon:N", title="Lexicon"),
                alt.Tooltip("per_million:Q", title="Per million tokens", format=",.0f"),
                alt.Tooltip("n_documents:Q", title="Documents"),
            ],
        )
        .properties(
            title="Market and relational words per million tokens",
            description="Line chart of market and relational hits per million tokens per period.",
        )
    )


def term_rates_chart(term_trend: pd.DataFrame, period: str = "year", columns: int = 5) -> alt.Chart:
    """Small multiples: each term's hits per million tokens per period."""
    data = _dated(term_trend)[["period_start", "lexicon", "term", "hits", "per_million"]]
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("period_start:T", title=None),
            y=alt.Y("per_million:Q", title="Per million tokens"),
            color=alt.Color("lexicon:N", title="Lexicon", scale=theme.lexicon_scale()),
            tooltip=[
                alt.Tooltip("term:N", title="Term"),
                alt.Tooltip("period_start:T", title=period.title()),
                alt.Tooltip("hits:Q", title="Hits"),
                alt.Tooltip("per_million:Q", title="Per million tokens", format=",.0f"),
            ],
        )
        .properties(width=150, height=90)
        .facet(
            facet=alt.Facet("term:N", title=None, sort=alt.SortField("lexicon")),
            columns=columns,
        )
        .properties(
            title="Each term per million tokens",
            description="Small multiples of each lexicon term's rate per million tokens.",
        )
    )
