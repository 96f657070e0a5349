"""Chart builders produce valid Vega-Lite matching the golden specs; the site writer writes
standalone, offline files and escapes crawled text."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from dashboards import charts
from dashboards.site import build_site
from dashboards.theme import MARKET, RELATIONAL

GOLDEN = Path(__file__).parent / "golden"


def small_trend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2010-01-01", "2011-01-01", None]),
            "n_documents": [3, 4, 1],
            "n_tokens": [1000, 1200, 300],
            "market_hits": [2, 6, 1],
            "relational_hits": [8, 4, 1],
            "market_per_million": [2000.0, 5000.0, 3333.3],
            "relational_per_million": [8000.0, 3333.3, 3333.3],
            "market_doc_share": [0.3, 0.5, 1.0],
            "relational_doc_share": [1.0, 0.5, 1.0],
            "market_share_index": [0.2, 0.6, 0.5],
        }
    )


def small_trend_with_ci() -> pd.DataFrame:
    return small_trend().assign(
        market_share_index_low=[0.1, 0.45, 0.2],
        market_share_index_high=[0.35, 0.7, 0.8],
        sparse=[True, False, True],
    )


def small_terms() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2010-01-01", "2011-01-01", "2010-01-01"]),
            "lexicon": ["market", "market", "relational"],
            "term": ["customer", "customer", "citizen"],
            "hits": [2, 6, 8],
            "per_million": [2000.0, 5000.0, 8000.0],
            "doc_share": [0.3, 0.5, 1.0],
        }
    )


BUILDERS = {
    "market-share-index": lambda: charts.market_share_index_chart(small_trend()),
    "market-share-index-ci": lambda: charts.market_share_index_chart(small_trend_with_ci()),
    "lexicon-rates": lambda: charts.lexicon_rates_chart(small_trend()),
    "term-rates": lambda: charts.term_rates_chart(small_terms()),
}

SITE_CHARTS = ["market-share-index", "lexicon-rates", "term-rates"]


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_chart_spec_matches_golden(name):
    spec = BUILDERS[name]().to_dict(validate=True)
    spec = json.loads(json.dumps(spec, sort_keys=True))
    golden = GOLDEN / f"{name}.vl.json"
    if os.environ.get("UPDATE_GOLDEN"):  # after an intended change: UPDATE_GOLDEN=1 pytest
        golden.write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n")
    assert spec == json.loads(golden.read_text())
    # Round trip: the JSON is a chart Altair can read back.
    kind = (
        alt.FacetChart if "facet" in spec else alt.VConcatChart if "vconcat" in spec else alt.Chart
    )
    kind.from_dict(spec)


def test_the_index_chart_draws_the_interval_and_marks_sparse_periods():
    spec = charts.market_share_index_chart(small_trend_with_ci()).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["vconcat"][0]["layer"]]
    assert marks == ["rule", "area", "line", "point"]
    band = spec["vconcat"][0]["layer"][1]["encoding"]
    assert (band["y"]["field"], band["y2"]["field"]) == (
        "market_share_index_low",
        "market_share_index_high",
    )
    fill = spec["vconcat"][0]["layer"][3]["encoding"]["fill"]
    assert fill["condition"]["test"] == "datum.sparse"
    assert "area" not in json.dumps(charts.market_share_index_chart(small_trend()).to_dict())


def test_undated_rows_are_not_plotted():
    spec = charts.market_share_index_chart(small_trend()).to_dict()
    rows = next(d for d in spec["datasets"].values() if "period_start" in d[0])
    assert [r["period_start"] for r in rows] == ["2010-01-01", "2011-01-01"]


def test_market_and_relational_keep_their_colours():
    spec = charts.lexicon_rates_chart(small_trend()).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        "market": MARKET,
        "relational": RELATIONAL,
    }


def test_every_chart_is_written_in_every_format(published):
    out, _ = published
    for name in SITE_CHARTS:
        for ext in ("html", "vl.json", "png", "svg", "csv"):
            path = out / "charts" / f"{name}.{ext}"
            assert path.stat().st_size > 0, path
        assert (out / "charts" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (out / "charts" / f"{name}.svg").read_text().lstrip().startswith("<svg")


def test_chart_pages_load_nothing_from_the_network(published):
    out, _ = published
    for name in SITE_CHARTS:
        page = (out / "charts" / f"{name}.html").read_text()
        assert not re.search(r"<script[^>]+src=", page)
        assert "cdn.jsdelivr" not in page
        assert "vegaEmbed" in page  # the runtime is inlined, not fetched


def test_chart_data_file_matches_the_database(published, read_db):
    out, _ = published
    data = pd.read_csv(out / "charts" / "market-share-index.csv")
    assert (
        data["market_hits"].sum()
        == read_db.execute("SELECT count(*) FROM term_hits WHERE lexicon = 'market'").fetchone()[0]
    )


def test_index_lists_every_chart_with_an_embed_snippet(published):
    out, _ = published
    page = (out / "index.html").read_text()
    for name in SITE_CHARTS:
        assert f'src="charts/{name}.html"' in page
        assert f"&lt;iframe src=&#34;charts/{name}.html&#34;" in page
    assert "Content-Security-Policy" in page


def test_crawled_titles_are_escaped_in_the_index(crawled, tmp_path):
    import shutil

    import duckdb

    db = tmp_path / "hostile.duckdb"
    shutil.copy(crawled.db, db)
    con = duckdb.connect(str(db))
    con.execute(
        "UPDATE documents SET title = '<script>alert(1)</script>', "
        "url = 'javascript:alert(1)' WHERE published = (SELECT max(published) FROM documents)"
    )
    build_site(con, tmp_path / "site")
    page = (tmp_path / "site" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
