"""Chart builders: each takes a tidy frame from `analysis` and returns an Altair chart.

Builders never write files (see `dashboards/site.py`). Undated documents are not plotted;
the site states how many there are.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboards import theme

theme.enable()


PERIOD_FORMAT = {"year": "%Y", "quarter": "%Y-%m", "month": "%Y-%m"}


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    dated = frame[frame["period_start"].notna()].copy()
    dated["period_start"] = pd.to_datetime(dated["period_start"]).dt.strftime("%Y-%m-%d")
    return dated


def market_share_index_chart(trend: pd.DataFrame, period: str = "year") -> alt.Chart:
    """Market share index (market / (market + relational) hits) per period, above a bar of
    the documents behind each point. With the columns of analysis.uncertainty.trend_with_ci
    it draws the 95% interval as a band and hollow points for sparse periods."""
    data = _dated(trend)
    with_ci = "market_share_index_low" in data.columns
    if not with_ci:
        data = data.assign(
            market_share_index_low=float("nan"), market_share_index_high=float("nan"), sparse=False
        )
    data = data[
        [
            "period_start",
            "market_share_index",
            "market_share_index_low",
            "market_share_index_high",
            "sparse",
            "market_hits",
            "relational_hits",
            "n_documents",
            "n_tokens",
        ]
    ]
    x = alt.X("period_start:T", title=None)
    share = alt.Scale(domain=[0, 1])
    tooltip = [
        alt.Tooltip("period_start:T", title=period.title(), format=PERIOD_FORMAT[period]),
        alt.Tooltip("market_share_index:Q", title="Market share", format=".1%"),
        alt.Tooltip("market_share_index_low:Q", title="95% interval from", format=".1%"),
        alt.Tooltip("market_share_index_high:Q", title="95% interval to", format=".1%"),
        alt.Tooltip("market_hits:Q", title="Market hits"),
        alt.Tooltip("relational_hits:Q", title="Relational hits"),
        alt.Tooltip("n_documents:Q", title="Documents"),
        alt.Tooltip("n_tokens:Q", title="Tokens", format=","),
        alt.Tooltip("sparse:N", title="Too few tokens to be sure"),
    ]
    base = alt.Chart(data).encode(x=x)
    even = (
        alt.Chart(pd.DataFrame({"y": [0.5]}))
        .mark_rule(strokeDash=[4, 4], color=theme.NEUTRAL)
        .encode(y="y:Q")
    )
    band = base.mark_area(color=theme.MARKET, opacity=0.2).encode(
        y=alt.Y("market_share_index_low:Q", scale=share),
        y2="market_share_index_high:Q",
    )
    line = base.mark_line(color=theme.MARKET).encode(
        y=alt.Y(
            "market_share_index:Q",
            title="Market share index",
            scale=share,
            axis=alt.Axis(format=".0%"),
        )
    )
    points = base.mark_point(color=theme.MARKET, size=50, strokeWidth=2, filled=False).encode(
        y="market_share_index:Q",
        fill=alt.condition("datum.sparse", alt.value("white"), alt.value(theme.MARKET)),
        tooltip=tooltip,
    )
    layers = [even, band, line, points] if with_ci else [even, line, points]
    documents = (
        base.mark_bar(color=theme.NEUTRAL, opacity=0.6)
        .encode(
            y=alt.Y("n_documents:Q", title="Documents"),
            tooltip=tooltip,
        )
        .properties(height=70)
    )
    subtitle = ["Above the dashed line, market words outnumber relational words."]
    if with_ci:
        subtitle.append(
            "Band: 95% bootstrap interval (documents resampled). "
            "Hollow points: too few tokens to be sure."
        )
    return alt.vconcat(alt.layer(*layers), documents, spacing=8).properties(
        title=alt.Title("Market words' share of market + relational words", subtitle=subtitle),
        description="Line chart of the market share index per period with its 95% interval, "
        "above a bar chart of the documents per period.",
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
