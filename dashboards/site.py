"""Write the chart site: standalone chart files and an index page that lists them.

For each chart, `charts/<name>.html` (renders offline: the Vega runtime is inlined),
`.vl.json`, `.png` (2x), `.svg` and the chart's data as `.csv`. The index page embeds each
chart in an iframe, with download links and a copy-paste embed snippet. Crawled text
(titles, URLs) is escaped by the template engine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import altair as alt
import duckdb
import jinja2
import pandas as pd

from analysis.frequency import period_label, term_trend
from analysis.uncertainty import trend_with_ci
from dashboards import charts

CORPUS_SUMMARY = """
SELECT count(*) AS documents,
       count(*) FILTER (WHERE published IS NULL) AS undated,
       count(DISTINCT source) AS sources,
       coalesce(sum(n_words), 0) AS tokens,
       strftime(max(last_seen), '%Y-%m-%d %H:%M UTC') AS last_crawl
FROM documents WHERE n_words IS NOT NULL
"""
RECENT_DOCUMENTS = """
SELECT published, source, url, title FROM documents
ORDER BY published DESC NULLS LAST, doc_id LIMIT 10
"""


@dataclass
class WrittenChart:
    """One chart's files, relative to the site folder."""

    name: str
    title: str
    summary: str
    height: int
    files: list[str]
    embed: str = ""


def write_chart(
    chart: alt.TopLevelMixin, data: pd.DataFrame, folder: Path, name: str
) -> list[Path]:
    """Save one chart as standalone HTML, Vega-Lite JSON, PNG, SVG and its data as CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.{ext}" for ext in ("html", "vl.json", "png", "svg", "csv")]
    html_path, spec_path, png_path, svg_path, csv_path = paths
    chart.save(html_path, format="html", inline=True)
    spec_path.write_text(json.dumps(chart.to_dict(), indent=1, sort_keys=True), encoding="utf-8")
    chart.save(png_path, format="png", scale_factor=2)
    chart.save(svg_path, format="svg")
    data.to_csv(csv_path, index=False)
    return paths


def _summary(trend_frame: pd.DataFrame, period: str) -> str:
    dated = trend_frame[
        trend_frame["period_start"].notna() & trend_frame["market_share_index"].notna()
    ]
    if dated.empty:
        return "No dated documents with lexicon hits yet."
    first, last = dated.iloc[0], dated.iloc[-1]
    return (
        f"Market words were {first['market_share_index']:.0%} of market and relational words in "
        f"{period_label(first['period_start'], period)} and {last['market_share_index']:.0%} in "
        f"{period_label(last['period_start'], period)}."
    )


def _rates_summary(trend_frame: pd.DataFrame, period: str) -> str:
    dated = trend_frame[trend_frame["period_start"].notna()]
    if dated.empty:
        return "No dated documents yet."
    parts = [
        f"{period_label(row['period_start'], period)}: market {row['market_per_million']:,.0f}, "
        f"relational {row['relational_per_million']:,.0f}"
        for row in (dated.iloc[0], dated.iloc[-1])
    ]
    return "Hits per million tokens in " + "; ".join(parts) + "."


def _rows(trend_frame: pd.DataFrame, period: str) -> list[dict]:
    rows = []
    for record in trend_frame.to_dict("records"):
        index = record["market_share_index"]
        rows.append(
            {
                "label": period_label(record["period_start"], period),
                "n_documents": record["n_documents"],
                "n_tokens": f"{int(record['n_tokens'] or 0):,}",
                "market_hits": record["market_hits"],
                "relational_hits": record["relational_hits"],
                "index": "" if pd.isna(index) else f"{index:.1%}",
            }
        )
    return rows


def _safe_url(url: str) -> str:
    """Only http(s) links reach the page; anything else becomes inert."""
    return url if urlsplit(url).scheme in ("http", "https") else "#"


def build_site(
    con: duckdb.DuckDBPyConnection, out_dir: Path, period: str = "year", lexicons: str = ""
) -> list[Path]:
    """Write the whole site into `out_dir`; return every file written."""
    out_dir = Path(out_dir)
    chart_dir = out_dir / "charts"
    trend_frame = trend_with_ci(con, period)
    terms = term_trend(con, period)
    summary = _summary(trend_frame, period)
    plan = [
        (
            "market-share-index",
            "Market share index",
            summary,
            420,
            charts.market_share_index_chart(trend_frame, period),
            trend_frame,
        ),
        (
            "lexicon-rates",
            "Market and relational words per million tokens",
            _rates_summary(trend_frame, period),
            470,
            charts.lexicon_rates_chart(trend_frame, period),
            trend_frame,
        ),
        (
            "term-rates",
            "Each term per million tokens",
            f"{terms['term'].nunique()} terms found; one panel each.",
            1500,
            charts.term_rates_chart(terms, period),
            terms,
        ),
    ]
    written: list[Path] = []
    listed: list[WrittenChart] = []
    for name, title, text, height, chart, data in plan:
        files = write_chart(chart, data, chart_dir, name)
        written += files
        embed = (
            f'<iframe src="charts/{name}.html" title="{title}" width="100%" '
            f'height="{height}" style="border:0"></iframe>'
        )
        listed.append(WrittenChart(name, title, text, height, [str(f) for f in files], embed))

    corpus = dict(
        zip(
            ["documents", "undated", "sources", "tokens", "last_crawl"],
            con.execute(CORPUS_SUMMARY).fetchone(),
            strict=True,
        )
    )
    recent = [
        {"published": p, "source": s, "url": _safe_url(u), "title": t}
        for p, s, u, t in con.execute(RECENT_DOCUMENTS).fetchall()
    ]
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dashboards", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
    )
    page = env.get_template("index.html").render(
        charts=listed,
        rows=_rows(trend_frame, period),
        period=period,
        corpus=corpus,
        lexicons=lexicons or "unknown",
        recent=recent,
    )
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    written.append(index)
    return written
